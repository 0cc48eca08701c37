-- Core schema of the CO₂ Calculator: organisation, identity, reports, entries, emissions,
-- factors, uploads and jobs, the embedded queue, idempotency and the audit log.
-- Conventions: singular table names, <table>_id keys, created_at/updated_at everywhere.

create extension if not exists pgcrypto;

create function set_updated_at() returns trigger language plpgsql as $$
begin
    new.updated_at := now();
    return new;
end;
$$;

-- Adds created_at/updated_at and the trigger that keeps updated_at current.
create function add_timestamps(tbl regclass) returns void language plpgsql as $$
begin
    execute format('alter table %s add column created_at timestamptz not null default now(),
                                   add column updated_at timestamptz not null default now()', tbl);
    execute format('create trigger %s_set_updated_at before update on %s
                    for each row execute function set_updated_at()', replace(tbl::text, '.', '_'), tbl);
end;
$$;

-- A unit of the institution (lab, institute, school). `path` lists the institutional ids of
-- its ancestors and itself, '/'-separated and '/'-terminated, for subtree checks.
create table unit (
    unit_id uuid primary key default gen_random_uuid(),
    institutional_id text not null constraint unit_institutional_id_key unique,
    name text not null,
    parent_id uuid references unit (unit_id),
    level smallint not null default 0,
    path text not null,
    principal_user_institutional_id text,
    constraint unit_institutional_id_format check (institutional_id ~ '^[A-Za-z0-9._-]{1,64}$')
);
select add_timestamps('unit');
create index unit_parent_idx on unit (parent_id);

create table app_user (
    app_user_id uuid primary key default gen_random_uuid(),
    institutional_id text not null constraint app_user_institutional_id_key unique,
    display_name text not null,
    email text
);
select add_timestamps('app_user');

-- A role grant. unit_id is the scope: the unit (standard, principal), the subtree root
-- (backoffice), or null for a global grant (admin).
create table role_assignment (
    role_assignment_id uuid primary key default gen_random_uuid(),
    app_user_id uuid not null references app_user (app_user_id) on delete cascade,
    role text not null constraint role_assignment_role_check
        check (role in ('standard', 'principal', 'backoffice', 'admin')),
    unit_id uuid references unit (unit_id) on delete cascade,
    constraint role_assignment_unique unique nulls not distinct (app_user_id, role, unit_id)
);
select add_timestamps('role_assignment');

create table report_year (
    report_year_id integer primary key constraint report_year_range check (report_year_id between 2000 and 2100),
    -- Open to users for writes (DOMAIN §6.1 is_started).
    is_open boolean not null default true
);
select add_timestamps('report_year');

create table report (
    report_id uuid primary key default gen_random_uuid(),
    unit_id uuid not null references unit (unit_id) on delete cascade,
    report_year_id integer not null references report_year (report_year_id),
    constraint report_unit_year_key unique (unit_id, report_year_id)
);
select add_timestamps('report');

-- One of the 8 modules of a report, with its status and the aggregates step-aggregate keeps.
create table report_module (
    report_module_id uuid primary key default gen_random_uuid(),
    report_id uuid not null references report (report_id) on delete cascade,
    module text not null,
    -- 0 not started, 1 in progress, 2 validated (DOMAIN §6.1).
    status smallint not null default 0 constraint report_module_status_check check (status in (0, 1, 2)),
    is_enabled boolean not null default true,
    entry_count bigint not null default 0,
    headline_kg double precision not null default 0,
    scope1_kg double precision not null default 0,
    scope2_kg double precision not null default 0,
    scope3_kg double precision not null default 0,
    additional_kg double precision not null default 0,
    aggregated_at timestamptz,
    validated_at timestamptz,
    recalculated_after_validation_at timestamptz,
    constraint report_module_key unique (report_id, module)
);
select add_timestamps('report_module');

-- A year-scoped emission factor (DOMAIN §4). Identity: (DET, year, leaf, canonical classification).
create table factor (
    factor_id uuid primary key default gen_random_uuid(),
    data_entry_type smallint not null,
    report_year_id integer not null references report_year (report_year_id),
    emission_type text not null,
    classification jsonb not null,
    -- Canonical text of the classification (sorted keys, trimmed, lower-cased) for identity.
    classification_key text not null,
    factor_values jsonb not null,
    upload_job_id uuid,
    is_stale boolean not null default false,
    constraint factor_identity_key unique (data_entry_type, report_year_id, emission_type, classification_key)
);
select add_timestamps('factor');

-- A job: an upload, a drop, a recalculation or an export, with live progress.
create table job (
    job_id uuid primary key default gen_random_uuid(),
    kind text not null constraint job_kind_check check (kind in ('upload', 'dropbox', 'recalculation', 'export')),
    state text not null default 'queued' constraint job_state_check
        check (state in ('queued', 'running', 'succeeded', 'failed')),
    progress double precision not null default 0,
    rows_total bigint not null default 0,
    rows_ok bigint not null default 0,
    rows_failed bigint not null default 0,
    -- The first row errors, for display; the full report lives in storage.
    row_errors jsonb not null default '[]',
    error_report_key text,
    failure text,
    unit_id uuid references unit (unit_id) on delete cascade,
    report_year_id integer,
    module text,
    created_by uuid references app_user (app_user_id) on delete set null,
    started_at timestamptz,
    finished_at timestamptz
);
select add_timestamps('job');
create index job_unit_idx on job (unit_id, created_at desc);

-- A file to load: created by the API before the PUT, or by step-ingest for a drop-folder object.
create table upload (
    upload_id uuid primary key default gen_random_uuid(),
    job_id uuid not null references job (job_id) on delete cascade,
    report_id uuid not null references report (report_id) on delete cascade,
    module text not null,
    data_entry_type smallint,
    filename text not null,
    object_key text not null,
    mode text not null constraint upload_mode_check check (mode in ('replace', 'append')),
    source text not null constraint upload_source_check check (source in ('upload', 'dropbox')),
    created_by uuid references app_user (app_user_id) on delete set null,
    constraint upload_object_key_key unique (object_key, job_id)
);
select add_timestamps('upload');

-- An activity entry. Rows written by a file stay unpublished (pending_job_id set) until the
-- whole file is computed, then become visible in one transaction with the replaced rows' removal.
create table data_entry (
    data_entry_id uuid primary key default gen_random_uuid(),
    report_module_id uuid not null references report_module (report_module_id) on delete cascade,
    data_entry_type smallint not null,
    data jsonb not null,
    kg_override double precision constraint data_entry_kg_override_check check (kg_override >= 0),
    source text not null constraint data_entry_source_check check (source in ('manual', 'upload', 'dropbox')),
    upload_id uuid references upload (upload_id) on delete set null,
    -- Physical record number in the source file (header = 1).
    source_row bigint,
    pending_job_id uuid references job (job_id) on delete cascade,
    incomplete_reason text,
    created_by uuid references app_user (app_user_id) on delete set null
);
select add_timestamps('data_entry');
create index data_entry_module_idx on data_entry (report_module_id, data_entry_type) where pending_job_id is null;
create index data_entry_pending_idx on data_entry (pending_job_id) where pending_job_id is not null;

create table emission (
    emission_id bigint generated always as identity primary key,
    data_entry_id uuid not null references data_entry (data_entry_id) on delete cascade,
    emission_type text not null,
    scope smallint not null constraint emission_scope_check check (scope in (1, 2, 3)),
    is_additional boolean not null default false,
    kg_co2eq double precision not null constraint emission_kg_check check (kg_co2eq >= 0),
    quantity double precision,
    quantity_unit text,
    factor_ids uuid[] not null default '{}',
    meta jsonb not null default '{}'
);
select add_timestamps('emission');
create index emission_entry_idx on emission (data_entry_id);

-- The embedded queue (used when no SQS is configured): at-least-once with a visibility timeout,
-- a receive count and a dead letter, claimed with FOR UPDATE SKIP LOCKED.
create table queue_message (
    queue_message_id bigint generated always as identity primary key,
    queue text not null,
    message_id uuid not null default gen_random_uuid() constraint queue_message_message_id_key unique,
    body text not null,
    visible_at timestamptz not null default now(),
    receive_count integer not null default 0,
    first_received_at timestamptz,
    dead_lettered_at timestamptz,
    last_error text
);
select add_timestamps('queue_message');
create index queue_message_ready_idx on queue_message (queue, visible_at) where dead_lettered_at is null;

-- Natural keys of events whose effect was committed (idempotency of the steps).
create table processed_event (
    event_key text primary key,
    step text not null
);
select add_timestamps('processed_event');

-- Append-only, hash-chained audit log.
create table audit_log (
    audit_log_id bigint generated always as identity primary key,
    actor text not null,
    action text not null,
    target text,
    details jsonb not null default '{}',
    prev_hash text not null,
    hash text not null
);
select add_timestamps('audit_log');
