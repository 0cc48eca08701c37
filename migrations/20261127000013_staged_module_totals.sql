-- What a file staged in each module it writes to, summed by step-ingest while it wrote the rows:
-- how many entries, and the Σ kg of each leaf (emission type) of their emission rows. When the
-- job is published, the module's totals are the rows the module keeps plus these, so a replace
-- of 100,000 rows no longer re-reads them (0.4 s, and a scan of the whole emission table when
-- the planner chose a hash join). Deleted with the job's publication, or with the job.
create table job_staged_module (
    job_id uuid not null references job (job_id) on delete cascade,
    report_module_id uuid not null references report_module (report_module_id) on delete cascade,
    entries bigint not null,
    -- [{"emission_type": text, "scope": 1|2|3, "is_additional": bool, "kg_co2eq": number}, …]
    leaf_totals jsonb not null,
    primary key (job_id, report_module_id)
);
