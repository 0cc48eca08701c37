-- Entry types the sustainability office loads for every unit in a year ("centrally fed"): they
-- are collected, but a unit cannot create, change or upload entries of them; only the office's
-- year-wide file (and the office itself) can. Distinct from not collected (disabled_entry_types).
alter table report_year add column central_entry_types text[] not null default '{}';
