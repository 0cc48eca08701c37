-- DOMAIN §9 D5: the travel agency's export is imported by key, never appended. Each trip carries
-- a stable key (ticket, segment, departure date); re-importing a period replaces, in one
-- publication, the agency's trips of that period and every trip whose key comes again, so a
-- re-sync updates and removes by key and never duplicates. Agency trips are read-only for all.
alter table data_entry add column source_key text;
alter table data_entry drop constraint data_entry_source_check;
alter table data_entry add constraint data_entry_source_check
    check (source in ('manual', 'upload', 'dropbox', 'backoffice', 'agency'));
-- Only the agency's rows carry a key.
alter table data_entry add constraint data_entry_source_key_check
    check ((source = 'agency') = (source_key is not null));
-- The agency's rows by key (the sync's lookups of the keys a file brings again).
create index data_entry_source_key_idx on data_entry (source_key) where source_key is not null;

alter table upload drop constraint upload_source_check;
alter table upload add constraint upload_source_check
    check (source in ('upload', 'dropbox', 'backoffice', 'agency'));
alter table upload drop constraint upload_scope_check;
alter table upload add constraint upload_scope_check
    check (report_id is not null or source in ('backoffice', 'agency'));
-- The period an agency export covers: its trips of the period that the file no longer lists are
-- removed. Without one, the export covers the whole year.
alter table upload add column period_from date;
alter table upload add column period_to date;
alter table upload add constraint upload_period_check
    check (source = 'agency' or (period_from is null and period_to is null));
alter table upload add constraint upload_period_order_check check (period_from <= period_to);

-- The view names data_entry's columns as they were when it was made: it takes the new one.
create or replace view published_entry as
    select * from data_entry d
    where d.pending_job_id is null or d.pending_job_id in (select job_id from published_job);
