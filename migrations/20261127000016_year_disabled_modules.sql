-- Modules the institution does not collect in a year. New reports of the year start with these
-- modules disabled; writes to a disabled module are refused (409, DOMAIN §6.1).
alter table report_year add column disabled_modules text[] not null default '{}';
