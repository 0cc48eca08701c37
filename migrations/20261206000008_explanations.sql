-- "Why this number": where factors come from, and the emission metadata that holds each row's
-- explanation stored as the document it is.

-- Where each factor comes from, for "why this number": the shipped defaults the first install
-- loaded, or a back-office upload (which file, who). Its time is the row's updated_at.
alter table factor
    add column origin text not null default 'shipped'
        constraint factor_origin_check check (origin in ('shipped', 'uploaded')),
    add column source_file text,
    add column loaded_by uuid references app_user (app_user_id) on delete set null;

-- The install writes its factors and the installation record in one transaction (one now()):
-- a factor written or changed after that came from an upload.
update factor f set origin = 'uploaded'
from installation i
where f.upload_job_id is not null or f.updated_at > i.created_at;

-- Rows written a few at a time kept their metadata as a JSON string; it is the document.
update emission set meta = (meta #>> '{}')::jsonb where jsonb_typeof(meta) = 'string';
