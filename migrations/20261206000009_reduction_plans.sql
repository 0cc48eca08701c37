-- Reduction plans: a unit's (or, for the office, an institute's or a faculty's), each named and
-- made of measures — a lever, who owns it, the year it takes effect and the kg it is expected to
-- save each year from then on — measured from a reference year.
create table reduction_plan (
    reduction_plan_id uuid primary key default gen_random_uuid(),
    unit_id uuid not null references unit (unit_id) on delete cascade,
    name text not null constraint reduction_plan_name_check check (length(btrim(name)) between 1 and 200),
    reference_year integer not null references report_year (report_year_id),
    created_by uuid references app_user (app_user_id) on delete set null,
    constraint reduction_plan_name_key unique (unit_id, name)
);
select add_timestamps('reduction_plan');

create table reduction_measure (
    reduction_measure_id uuid primary key default gen_random_uuid(),
    reduction_plan_id uuid not null references reduction_plan (reduction_plan_id) on delete cascade,
    lever text not null constraint reduction_measure_lever_check check (length(btrim(lever)) between 1 and 200),
    module text constraint reduction_measure_module_check check (module in (
        'headcount', 'professional_travel', 'buildings', 'equipment', 'purchase', 'research_facilities',
        'external_cloud_and_ai', 'process_emissions')),
    owner text not null default '' constraint reduction_measure_owner_check check (length(owner) <= 200),
    target_year integer not null constraint reduction_measure_year_check check (target_year between 2000 and 2100),
    expected_kg double precision not null
        constraint reduction_measure_kg_check check (expected_kg >= 0 and expected_kg < 1e12),
    note text not null default '' constraint reduction_measure_note_check check (length(note) <= 2000)
);
select add_timestamps('reduction_measure');
create index reduction_measure_plan_idx on reduction_measure (reduction_plan_id, target_year);

-- The institution's long-term goals (e.g. −50 % by 2030, −100 % by 2040) against a reference
-- year, which every plan's trajectory is drawn against.
create table institution_goal (
    target_year integer primary key constraint institution_goal_year_check check (target_year between 2000 and 2100),
    reduction_percent double precision not null
        constraint institution_goal_range check (reduction_percent > 0 and reduction_percent <= 100),
    reference_year integer not null,
    constraint institution_goal_before check (reference_year < target_year)
);
select add_timestamps('institution_goal');
