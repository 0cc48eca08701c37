-- Recalculation jobs (DOMAIN §4 factor lifecycle): a job is cut into slices of entries, each
-- computed by step-compute in its own transaction; the slice's done mark is its idempotency key.
create table job_slice (
    job_id uuid not null references job (job_id) on delete cascade,
    slice_no integer not null,
    report_module_id uuid not null references report_module (report_module_id) on delete cascade,
    -- The slice's entries: ids in [first_entry_id, last_entry_id] of the job's types in the module.
    first_entry_id uuid not null,
    last_entry_id uuid not null,
    entries integer not null,
    done_at timestamptz,
    constraint job_slice_pkey primary key (job_id, slice_no)
);
create index job_slice_pending_idx on job_slice (job_id) where done_at is null;

-- What a recalculation covers: a year and entry types (all units).
alter table job add column entry_types smallint[];
