-- Entry types (sub-modules) the institution does not collect in a year, by DET name. Writes of
-- such an entry are refused (409; an upload lists its rows as errors), its module stays open.
alter table report_year add column disabled_entry_types text[] not null default '{}';
