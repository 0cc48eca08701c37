-- The GHG Protocol inventory as a file (kind 'inventory'): its lines, scopes, placements and
-- methodology as an XLSX workbook or CSV files in a ZIP, for the units resolved when asked
-- (unit_ids) and the subtree kept in filters.
alter table export drop constraint export_kind_check;
alter table export add constraint export_kind_check
    check (kind in ('unit_year', 'module_units', 'reporting', 'inventory'));
alter table export drop constraint export_shape_check;
alter table export add constraint export_shape_check check (
    (kind = 'unit_year' and unit_id is not null and format in ('xlsx', 'csv', 'pdf'))
    or (kind = 'module_units' and module is not null and format = 'zip')
    or (kind = 'reporting' and unit_id is null and format = 'pdf')
    or (kind = 'inventory' and unit_id is null and format in ('xlsx', 'csv')));
