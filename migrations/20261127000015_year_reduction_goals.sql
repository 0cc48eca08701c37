-- The institution's reduction objective for a report year: a cut in percent of the core
-- footprint against a reference year (DOMAIN §7 "objectives"). Both set or both null.
alter table report_year
    add column reduction_goal_percent double precision
        constraint report_year_goal_range check (reduction_goal_percent > 0 and reduction_goal_percent <= 100),
    add column goal_reference_year integer references report_year (report_year_id),
    add constraint report_year_goal_pair check ((reduction_goal_percent is null) = (goal_reference_year is null)),
    add constraint report_year_goal_before check (goal_reference_year < report_year_id);
