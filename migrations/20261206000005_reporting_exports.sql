-- The combined PDF of a reporting view (the office's filtered units): the units the filters kept
-- for the requester are resolved when asked (unit_ids), and the filters themselves are kept for
-- the report's heading.
alter table export add column filters jsonb not null default '{}';
alter table export drop constraint export_kind_check;
alter table export add constraint export_kind_check check (kind in ('unit_year', 'module_units', 'reporting'));
alter table export drop constraint export_shape_check;
alter table export add constraint export_shape_check check (
    (kind = 'unit_year' and unit_id is not null and format in ('xlsx', 'csv', 'pdf'))
    or (kind = 'module_units' and module is not null and format = 'zip')
    or (kind = 'reporting' and unit_id is null and format = 'pdf'));
