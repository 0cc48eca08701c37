-- Reference data without a year (DOMAIN §4): airports, train stations, building rooms, and the
-- per-year exchange rates and inflation index. An upload replaces the whole set of its kind.

create extension if not exists pg_trgm;
create extension if not exists unaccent;

-- Accent-insensitive, case-folded text for search (unaccent is only STABLE, so wrap it).
create function search_text(t text) returns text language sql immutable parallel safe as $$
    select lower(public.unaccent('public.unaccent'::regdictionary, coalesce(t, '')))
$$;

create table airport (
    airport_id uuid primary key default gen_random_uuid(),
    iata_code text not null constraint airport_iata_code_key unique
        constraint airport_iata_code_format check (iata_code ~ '^[A-Z0-9]{3}$'),
    icao_code text,
    name text not null,
    municipality text,
    country_code text not null,
    continent text,
    latitude double precision not null constraint airport_latitude_range check (latitude between -90 and 90),
    longitude double precision not null constraint airport_longitude_range check (longitude between -180 and 180),
    airport_size text
);
select add_timestamps('airport');
create index airport_search_idx on airport
    using gin ((search_text(name) || ' ' || search_text(municipality) || ' ' || lower(iata_code)) gin_trgm_ops);

create table train_station (
    train_station_id uuid primary key default gen_random_uuid(),
    name text not null,
    -- DOMAIN §12: trimmed, inner spaces collapsed, case-folded; accents significant.
    normalized_name text not null,
    country_code text not null,
    latitude double precision not null,
    longitude double precision not null,
    municipality text,
    uic text,
    trainline_id text
);
select add_timestamps('train_station');
create index train_station_key_idx on train_station (country_code, normalized_name);
create index train_station_search_idx on train_station
    using gin ((search_text(name) || ' ' || search_text(municipality)) gin_trgm_ops);

create table building_room (
    building_room_id uuid primary key default gen_random_uuid(),
    building_location text,
    building_name text not null,
    room_name text not null,
    room_type text not null,
    room_surface_square_meter double precision not null constraint building_room_surface_check check (room_surface_square_meter >= 0),
    -- DOMAIN §9 D6: a room is identified by (building, room), never by its name alone.
    constraint building_room_key unique (building_name, room_name)
);
select add_timestamps('building_room');

create table exchange_rate (
    exchange_rate_id uuid primary key default gen_random_uuid(),
    rate_year integer not null,
    currency text not null,
    units_per_eur double precision not null constraint exchange_rate_positive check (units_per_eur > 0),
    daily_observations integer,
    constraint exchange_rate_key unique (rate_year, currency)
);
select add_timestamps('exchange_rate');

create table inflation_index (
    index_year integer primary key,
    index_value double precision not null constraint inflation_index_positive check (index_value > 0)
);
select add_timestamps('inflation_index');
