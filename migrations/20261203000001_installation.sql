-- The installation's record of its first install: the shipped defaults (years, factors,
-- reference data) are loaded once, when this row is written; a release never loads them again,
-- so what the institution uploads or edits afterwards stays as it is (ADR 0011).
create table installation (
    installation_id smallint primary key constraint installation_single check (installation_id = 1),
    -- Which shipped defaults the first install loaded (the years of data/factors/).
    defaults text not null
);
select add_timestamps('installation');

-- A database installed before this record existed already holds its defaults, and perhaps the
-- institution's changes to them.
insert into installation (installation_id, defaults)
select 1, 'installed before the installation record'
where exists (select 1 from factor) or exists (select 1 from airport);
