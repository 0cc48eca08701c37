-- Published GHG inventories. A publication is the inventory of a year, for the institution
-- (subtree null) or a unit's subtree, as it was reported: every figure, the placements and the
-- factor sets. It is never changed: a later recalculation gives a restatement that is published
-- as a new version, and every version stays readable.
create table published_inventory (
    publication_id uuid primary key default gen_random_uuid(),
    report_year_id integer not null references report_year (report_year_id),
    subtree text,
    version integer not null constraint published_inventory_version_check check (version >= 1),
    published_at timestamptz not null default now(),
    published_by text not null,
    note text,
    inventory jsonb not null,
    constraint published_inventory_version_key unique nulls not distinct (report_year_id, subtree, version)
);

create function published_inventory_is_frozen() returns trigger language plpgsql as $$
begin
    raise exception 'a published inventory is never changed: publish a new version'
        using errcode = 'integrity_constraint_violation';
end $$;

create trigger published_inventory_frozen before update or delete on published_inventory
    for each row execute function published_inventory_is_frozen();
