-- Exports (a job of kind 'export'): what was asked, the scope the API resolved for the caller
-- (so the step never widens it), and the file it produced under exports/{job_id}/.
create table export (
    job_id uuid primary key references job (job_id) on delete cascade,
    kind text not null constraint export_kind_check check (kind in ('unit_year', 'module_units')),
    format text not null constraint export_format_check check (format in ('xlsx', 'csv', 'pdf', 'zip')),
    report_year_id integer not null references report_year (report_year_id),
    -- unit_year: the unit; module_units: null.
    unit_id uuid references unit (unit_id) on delete cascade,
    module text,
    -- 'validated' or 'all' (DOMAIN §6.3), for the unit-year figures.
    basis text not null default 'validated' constraint export_basis_check check (basis in ('validated', 'all')),
    -- module_units: the units the requester may report on, resolved when asked.
    unit_ids uuid[] not null default '{}',
    file_key text,
    file_name text,
    content_type text,
    bytes bigint,
    constraint export_shape_check check (
        (kind = 'unit_year' and unit_id is not null and format in ('xlsx', 'csv', 'pdf'))
        or (kind = 'module_units' and module is not null and format = 'zip'))
);
select add_timestamps('export');
