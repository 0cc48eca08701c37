-- Data entry of every module: the generated embodied-energy companion of a room entry (DET 32)
-- and the uniqueness of a person in a headcount module (DOMAIN §9 D7).

-- A generated entry points to the entry it belongs to and lives and dies with it.
alter table data_entry add column parent_entry_id uuid references data_entry (data_entry_id) on delete cascade;
create index data_entry_parent_idx on data_entry (parent_entry_id) where parent_entry_id is not null;

-- DOMAIN §9 D7: a member's user_institutional_id is unique per headcount module among published
-- entries (a file's pending rows are checked by step-ingest and meet this key when published).
create unique index data_entry_member_key on data_entry (report_module_id, (data ->> 'user_institutional_id'))
    where data_entry_type = 1 and pending_job_id is null;
