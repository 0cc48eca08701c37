-- Row thresholds of DOMAIN §6.3: per entry type and year, an admin-set kg limit or percentile.
-- No row means the default policy (the 95th percentile of the year's entries of that type).
create table entry_threshold (
    report_year_id integer not null references report_year (report_year_id) on delete cascade,
    data_entry_type smallint not null constraint entry_threshold_type_check check (data_entry_type not in (1, 2)),
    policy text not null constraint entry_threshold_policy_check check (policy in ('fixed', 'percentile')),
    kg double precision constraint entry_threshold_kg_check check (kg >= 0 and kg < 'infinity'),
    percentile double precision constraint entry_threshold_percentile_check check (percentile > 0 and percentile <= 1),
    set_by uuid references app_user (app_user_id) on delete set null,
    constraint entry_threshold_pkey primary key (report_year_id, data_entry_type),
    constraint entry_threshold_policy_value_check
        check ((policy = 'fixed' and kg is not null and percentile is null)
            or (policy = 'percentile' and percentile is not null and kg is null))
);
select add_timestamps('entry_threshold');
