-- DOMAIN §2.2 per-year back-office uploads: one file for every unit of a year (rows carry their
-- unit), a full replace of the rows previously loaded this way for (year, entry type).
alter table upload add column report_year_id integer references report_year (report_year_id);
update upload u set report_year_id = r.report_year_id from report r where r.report_id = u.report_id;
alter table upload alter column report_year_id set not null;
alter table upload alter column report_id drop not null;
alter table upload drop constraint upload_source_check;
alter table upload add constraint upload_source_check check (source in ('upload', 'dropbox', 'backoffice'));
-- Only a back-office upload spans a whole year.
alter table upload add constraint upload_scope_check check (report_id is not null or source = 'backoffice');
alter table data_entry drop constraint data_entry_source_check;
alter table data_entry add constraint data_entry_source_check
    check (source in ('manual', 'upload', 'dropbox', 'backoffice'));
