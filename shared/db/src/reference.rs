//! Reference data: airports, train stations, building rooms, exchange rates. Loads replace the
//! whole set of a kind in one transaction; searches are typo-tolerant (trigram similarity on
//! accent- and case-folded text).

use crate::DbResult;
use crate::seed::read_csv_records;
use sqlx::{PgConnection, PgExecutor};

/// An airport.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Airport {
    pub iata_code: String,
    pub name: String,
    pub municipality: Option<String>,
    pub country_code: String,
    pub latitude: f64,
    pub longitude: f64,
}

/// A train station.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Station {
    pub name: String,
    pub country_code: String,
    pub municipality: Option<String>,
    pub latitude: f64,
    pub longitude: f64,
}

/// A room of the building reference.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Room {
    pub building_location: Option<String>,
    pub building_name: String,
    pub room_name: String,
    pub room_type: String,
    pub room_surface_square_meter: f64,
}

/// An exchange rate: units of `currency` per 1 EUR, the mean of the year's ECB daily rates.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ExchangeRate {
    pub rate_year: i32,
    pub currency: String,
    pub units_per_eur: f64,
}

/// A reference file that does not load, with the first problems found.
#[derive(Debug, thiserror::Error)]
#[error("{kind}: {problems:?}")]
pub struct InvalidReference {
    pub kind: &'static str,
    pub problems: Vec<String>,
}

/// DOMAIN §12: station names are matched trimmed, with inner spaces collapsed and case-folded;
/// accents stay significant.
pub fn normalize_station_name(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn col<'a>(raw: &'a co2_domain::fields::RawFields, k: &str) -> &'a str {
    raw.get(k).map(|s| s.trim()).unwrap_or("")
}

fn opt(s: &str) -> Option<String> {
    if s.is_empty() { None } else { Some(s.to_owned()) }
}

fn number(kind: &'static str, line: u64, field: &str, text: &str, problems: &mut Vec<String>) -> f64 {
    match co2_domain::fields::parse_decimal(text) {
        Some(v) => v,
        None => {
            problems.push(format!("{kind} line {line}: {field} '{text}' is not a number"));
            0.0
        }
    }
}

fn finish(kind: &'static str, problems: Vec<String>) -> Result<(), InvalidReference> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(InvalidReference { kind, problems: problems.into_iter().take(20).collect() })
    }
}

/// The rows of a reference file, refused whole (nothing replaced) when the file could not be what
/// it claims: a header missing or named twice (a value would be read from the wrong column or
/// silently dropped), or no row at all — replacing a whole set with nothing is never what an
/// upload means.
fn reference_rows(kind: &'static str, bytes: &[u8], required: &[&str]) -> anyhow::Result<crate::seed::NumberedRows> {
    let (headers, rows) = read_csv_records(bytes)?;
    let mut problems = Vec::new();
    if let Some(h) = crate::seed::duplicated_header(&headers) {
        problems.push(format!("{kind}: the column '{h}' is named twice"));
    }
    for r in required {
        if !headers.iter().any(|h| h == r) {
            problems.push(format!("{kind}: the column '{r}' is missing (the file's columns: {})", headers.join(", ")));
        }
    }
    if problems.is_empty() && rows.is_empty() {
        problems.push(format!("{kind}: the file has no rows; the set is kept as it is"));
    }
    finish(kind, problems)?;
    Ok(rows)
}

/// Replaces the airports with the rows of an `airports.csv`.
pub async fn load_airports(db: &mut PgConnection, bytes: &[u8]) -> anyhow::Result<usize> {
    let rows = reference_rows("airports", bytes, &["iata_code", "name", "country_code", "latitude", "longitude"])?;
    let mut problems = Vec::new();
    let (mut iata, mut icao, mut name, mut town, mut country, mut continent, mut lat, mut lon, mut size) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for (line, raw) in &rows {
        let code = col(raw, "iata_code").to_uppercase();
        if code.len() != 3 {
            problems.push(format!("airports line {line}: iata_code '{code}' is not 3 letters"));
        }
        iata.push(code);
        icao.push(opt(col(raw, "icao_code")));
        name.push(col(raw, "name").to_owned());
        town.push(opt(col(raw, "municipality")));
        country.push(col(raw, "country_code").to_uppercase());
        continent.push(opt(col(raw, "continent")));
        lat.push(number("airports", *line, "latitude", col(raw, "latitude"), &mut problems));
        lon.push(number("airports", *line, "longitude", col(raw, "longitude"), &mut problems));
        size.push(opt(col(raw, "airport_size")));
    }
    finish("airports", problems)?;
    crate::sql::query("delete from airport").execute(&mut *db).await?;
    crate::sql::query(
        "insert into airport (iata_code, icao_code, name, municipality, country_code, continent, latitude, longitude, airport_size)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::float8[], $9::text[])",
    )
    .bind(&iata).bind(&icao).bind(&name).bind(&town).bind(&country).bind(&continent).bind(&lat).bind(&lon).bind(&size)
    .execute(&mut *db)
    .await?;
    // A whole set replaced: the planner's statistics follow at once (searches use its indexes).
    analyze(db, "airport").await?;
    Ok(rows.len())
}

/// Replaces the train stations with the rows of a `train_stations.csv`.
pub async fn load_stations(db: &mut PgConnection, bytes: &[u8]) -> anyhow::Result<usize> {
    let rows = reference_rows("train_stations", bytes, &["name", "country_code", "latitude", "longitude"])?;
    let mut problems = Vec::new();
    let (mut name, mut norm, mut country, mut lat, mut lon, mut town, mut uic, mut tl) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for (line, raw) in &rows {
        let n = col(raw, "name");
        if n.is_empty() {
            problems.push(format!("train_stations line {line}: name is required"));
        }
        name.push(n.to_owned());
        norm.push(normalize_station_name(n));
        country.push(col(raw, "country_code").to_uppercase());
        lat.push(number("train_stations", *line, "latitude", col(raw, "latitude"), &mut problems));
        lon.push(number("train_stations", *line, "longitude", col(raw, "longitude"), &mut problems));
        town.push(opt(col(raw, "municipality")));
        uic.push(opt(col(raw, "uic")));
        tl.push(opt(col(raw, "trainline_id")));
    }
    finish("train_stations", problems)?;
    crate::sql::query("delete from train_station").execute(&mut *db).await?;
    crate::sql::query(
        "insert into train_station (name, normalized_name, country_code, latitude, longitude, municipality, uic, trainline_id)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::text[], $7::text[], $8::text[])",
    )
    .bind(&name).bind(&norm).bind(&country).bind(&lat).bind(&lon).bind(&town).bind(&uic).bind(&tl)
    .execute(&mut *db)
    .await?;
    // A whole set replaced: the planner's statistics follow at once (searches use its indexes).
    analyze(db, "train_station").await?;
    Ok(rows.len())
}

/// Replaces the building rooms with the rows of a `building_rooms_reference.csv`.
pub async fn load_rooms(db: &mut PgConnection, bytes: &[u8]) -> anyhow::Result<usize> {
    let rows = reference_rows(
        "building_rooms",
        bytes,
        &["building_name", "room_name", "room_type", "room_surface_square_meter"],
    )?;
    let mut problems = Vec::new();
    let (mut loc, mut building, mut room, mut kind, mut surface) = (vec![], vec![], vec![], vec![], vec![]);
    for (line, raw) in &rows {
        loc.push(opt(col(raw, "building_location")));
        building.push(col(raw, "building_name").to_owned());
        room.push(col(raw, "room_name").to_owned());
        kind.push(col(raw, "room_type").to_lowercase());
        surface.push(number(
            "rooms",
            *line,
            "room_surface_square_meter",
            col(raw, "room_surface_square_meter"),
            &mut problems,
        ));
    }
    finish("building_rooms", problems)?;
    crate::sql::query("delete from building_room").execute(&mut *db).await?;
    crate::sql::query(
        "insert into building_room (building_location, building_name, room_name, room_type, room_surface_square_meter)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[])",
    )
    .bind(&loc)
    .bind(&building)
    .bind(&room)
    .bind(&kind)
    .bind(&surface)
    .execute(&mut *db)
    .await?;
    // A whole set replaced: the planner's statistics follow at once (searches use its indexes).
    analyze(db, "building_room").await?;
    Ok(rows.len())
}

/// Replaces the exchange rates with the rows of an `exchange_rates.csv`.
pub async fn load_exchange_rates(db: &mut PgConnection, bytes: &[u8]) -> anyhow::Result<usize> {
    let rows = reference_rows("exchange_rates", bytes, &["year", "currency", "units_per_eur"])?;
    let mut problems = Vec::new();
    let (mut year, mut ccy, mut rate, mut obs) = (vec![], vec![], vec![], vec![]);
    for (line, raw) in &rows {
        match co2_domain::fields::parse_integer(col(raw, "year")) {
            Some(y) => year.push(y as i32),
            None => problems.push(format!("exchange_rates line {line}: year '{}' is not a year", col(raw, "year"))),
        }
        ccy.push(col(raw, "currency").to_lowercase());
        let r = number("exchange_rates", *line, "units_per_eur", col(raw, "units_per_eur"), &mut problems);
        if r <= 0.0 {
            problems.push(format!("exchange_rates line {line}: units_per_eur must be positive"));
        }
        rate.push(r);
        obs.push(co2_domain::fields::parse_integer(col(raw, "daily_observations")).map(|v| v as i32));
    }
    finish("exchange_rates", problems)?;
    crate::sql::query("delete from exchange_rate").execute(&mut *db).await?;
    crate::sql::query(
        "insert into exchange_rate (rate_year, currency, units_per_eur, daily_observations)
         select * from unnest($1::int4[], $2::text[], $3::float8[], $4::int4[])",
    )
    .bind(&year)
    .bind(&ccy)
    .bind(&rate)
    .bind(&obs)
    .execute(&mut *db)
    .await?;
    // A whole set replaced: the planner's statistics follow at once (searches use its indexes).
    analyze(db, "exchange_rate").await?;
    Ok(rows.len())
}

/// Replaces the inflation index with the rows of a CSV `year,index_value` (DOMAIN §5.7: the
/// factor applied to purchases of that year; a year without a row counts as 1).
pub async fn load_inflation_index(db: &mut PgConnection, bytes: &[u8]) -> anyhow::Result<usize> {
    let rows = reference_rows("inflation_index", bytes, &["year", "index_value"])?;
    let mut problems = Vec::new();
    let (mut years, mut values) = (vec![], vec![]);
    for (line, raw) in &rows {
        match co2_domain::fields::parse_integer(col(raw, "year")) {
            Some(y) if (1990..=2100).contains(&y) => years.push(y as i32),
            _ => problems.push(format!("inflation_index line {line}: year '{}' is not a year", col(raw, "year"))),
        }
        let v = number("inflation_index", *line, "index_value", col(raw, "index_value"), &mut problems);
        if v <= 0.0 {
            problems.push(format!("inflation_index line {line}: index_value must be positive"));
        }
        values.push(v);
    }
    finish("inflation_index", problems)?;
    crate::sql::query("delete from inflation_index").execute(&mut *db).await?;
    crate::sql::query(
        "insert into inflation_index (index_year, index_value) select * from unnest($1::int4[], $2::float8[])",
    )
    .bind(&years)
    .bind(&values)
    .execute(&mut *db)
    .await?;
    // A whole set replaced: the planner's statistics follow at once (searches use its indexes).
    analyze(db, "inflation_index").await?;
    Ok(rows.len())
}

/// Refreshes the planner's statistics of a reference table after it was reloaded.
async fn analyze(db: &mut PgConnection, table: &'static str) -> crate::DbResult<()> {
    crate::sql::query(sqlx::AssertSqlSafe(format!("analyze {table}"))).execute(db).await?;
    Ok(())
}

/// Airports matching `q` (IATA code, name or town; typos tolerated through trigram word
/// similarity), best first. Every condition of a query of three letters or more is answered by
/// an index (the trigram index on the searchable text, the code's); shorter ones, which trigrams
/// cannot serve, match the code, name or town by their beginning.
pub async fn search_airports(db: impl PgExecutor<'_>, q: &str, limit: i64) -> DbResult<Vec<Airport>> {
    let q = q.trim();
    if q.chars().count() < 3 {
        return Ok(crate::sql::query_as::<Airport>(
            "select iata_code, name, municipality, country_code, latitude, longitude from airport
             where iata_code like upper($1) || '%' or lower(name) like lower($1) || '%'
                or lower(municipality) like lower($1) || '%'
             order by (iata_code like upper($1) || '%') desc, (airport_size = 'large_airport') desc, iata_code
             limit $2",
        )
        .bind(crate::like_literal(q))
        .bind(limit)
        .fetch_all(db)
        .await?);
    }
    Ok(crate::sql::query_as::<Airport>(
        "select iata_code, name, municipality, country_code, latitude, longitude from airport
         where iata_code = upper($1)
            or search_text($1) <% (search_text(name) || ' ' || search_text(municipality) || ' ' || lower(iata_code))
            or (search_text(name) || ' ' || search_text(municipality) || ' ' || lower(iata_code))
               like '%' || search_text($3) || '%'
         order by (iata_code = upper($1)) desc,
                  (airport_size = 'large_airport') desc,
                  word_similarity(search_text($1), search_text(name) || ' ' || search_text(municipality) || ' ' || lower(iata_code)) desc,
                  iata_code
         limit $2",
    )
    .bind(q)
    .bind(limit)
    .bind(crate::like_literal(q))
    .fetch_all(db)
    .await?)
}

/// Stations matching `q` (name or town; typos tolerated), optionally within a country, best first.
pub async fn search_stations(
    db: impl PgExecutor<'_>,
    q: &str,
    country: Option<&str>,
    limit: i64,
) -> DbResult<Vec<Station>> {
    Ok(crate::sql::query_as::<Station>(
        "select name, country_code, municipality, latitude, longitude from train_station
         where ($2::text is null or country_code = upper($2))
           and (search_text($1) <% (search_text(name) || ' ' || search_text(municipality))
                or (search_text(name) || ' ' || search_text(municipality)) like '%' || search_text($4) || '%')
         order by (search_text(name) = search_text($1)) desc,
                  word_similarity(search_text($1), search_text(name) || ' ' || search_text(municipality)) desc, name
         limit $3",
    )
    .bind(q.trim())
    .bind(country)
    .bind(limit)
    .bind(crate::like_literal(q.trim()))
    .fetch_all(db)
    .await?)
}

/// The room identified by (building, room) — DOMAIN §9 D6.
pub async fn room(db: impl PgExecutor<'_>, building: &str, room: &str) -> DbResult<Option<Room>> {
    Ok(crate::sql::query_as::<Room>(
        "select building_location, building_name, room_name, room_type, room_surface_square_meter from building_room
         where building_name = $1 and room_name = $2",
    )
    .bind(building.trim())
    .bind(room.trim())
    .fetch_optional(db)
    .await?)
}

/// Rooms of a building (all buildings when `None`), by building and room name.
pub async fn rooms(db: impl PgExecutor<'_>, building: Option<&str>) -> DbResult<Vec<Room>> {
    Ok(crate::sql::query_as::<Room>(
        "select building_location, building_name, room_name, room_type, room_surface_square_meter from building_room
         where $1::text is null or building_name = $1 order by building_name, room_name",
    )
    .bind(building)
    .fetch_all(db)
    .await?)
}

/// Exchange rates of a year.
pub async fn exchange_rates(db: impl PgExecutor<'_>, year: i32) -> DbResult<Vec<ExchangeRate>> {
    Ok(crate::sql::query_as::<ExchangeRate>(
        "select rate_year, currency, units_per_eur from exchange_rate where rate_year = $1 order by currency",
    )
    .bind(year)
    .fetch_all(db)
    .await?)
}

/// An airport by IATA code.
pub async fn airport(db: impl PgExecutor<'_>, iata: &str) -> DbResult<Option<Airport>> {
    Ok(crate::sql::query_as::<Airport>(
        "select iata_code, name, municipality, country_code, latitude, longitude from airport where iata_code = upper($1)",
    )
    .bind(iata.trim())
    .fetch_optional(db)
    .await?)
}

/// Stations of a country whose normalised name equals `name`'s (several means ambiguous).
pub async fn stations_named(db: impl PgExecutor<'_>, country: &str, name: &str) -> DbResult<Vec<Station>> {
    Ok(crate::sql::query_as::<Station>(
        "select name, country_code, municipality, latitude, longitude from train_station
         where country_code = upper($1) and normalized_name = $2 order by name",
    )
    .bind(country.trim())
    .bind(normalize_station_name(name))
    .fetch_all(db)
    .await?)
}

/// The airports of the given IATA codes, as the domain's travel references (a batch loads only
/// the codes it uses).
pub async fn airports_by_codes(
    db: impl PgExecutor<'_>,
    codes: &[String],
) -> DbResult<Vec<co2_domain::travel::Airport>> {
    let rows: Vec<(String, String, Option<String>, String, f64, f64)> = crate::sql::query_as(
        "select iata_code, name, municipality, country_code, latitude, longitude from airport
         where iata_code = any($1)",
    )
    .bind(codes)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(code, name, municipality, country, latitude, longitude)| {
            Some(co2_domain::travel::Airport {
                iata_code: co2_domain::travel::IataCode::parse(&code)?,
                icao_code: None,
                name,
                municipality,
                country_code: co2_domain::travel::CountryCode::parse(&country)?,
                continent: None,
                latitude,
                longitude,
                airport_size: None,
            })
        })
        .collect())
}

/// A stored station: name, country, latitude, longitude, municipality, uic, trainline id.
type StationRecord = (String, String, f64, f64, Option<String>, Option<String>, Option<String>);

/// Every train station, indexed by (country, normalised name) for the domain (DOMAIN §12).
pub async fn station_index(db: impl PgExecutor<'_>) -> DbResult<co2_domain::travel::StationIndex> {
    let rows: Vec<StationRecord> = crate::sql::query_as(
        "select name, country_code, latitude, longitude, municipality, uic, trainline_id from train_station
         order by name, train_station_id",
    )
    .fetch_all(db)
    .await?;
    Ok(co2_domain::travel::StationIndex::new(rows.into_iter().filter_map(
        |(name, country, latitude, longitude, municipality, uic, trainline_id)| {
            Some(co2_domain::travel::Station {
                name,
                country_code: co2_domain::travel::CountryCode::parse(&country)?,
                latitude,
                longitude,
                municipality,
                uic,
                trainline_id,
            })
        },
    )))
}

/// The room reference as the domain's type (identity (building, room), DOMAIN §9 D6).
pub async fn room_reference(db: impl PgExecutor<'_>) -> DbResult<Vec<co2_domain::buildings::RoomReference>> {
    let rooms = rooms(db, None).await?;
    Ok(rooms
        .into_iter()
        .filter_map(|r| {
            Some(co2_domain::buildings::RoomReference {
                building_location: r.building_location,
                building_name: r.building_name,
                room_name: r.room_name,
                room_type: co2_domain::buildings::RoomType::parse(&r.room_type)?,
                room_surface_square_meter: r.room_surface_square_meter,
            })
        })
        .collect())
}

/// The exchange rates of a year as the domain's table.
pub async fn exchange_table(db: impl PgExecutor<'_>, year: i32) -> DbResult<co2_domain::purchases::ExchangeRates> {
    let mut table = co2_domain::purchases::ExchangeRates::default();
    for r in exchange_rates(db, year).await? {
        if let Some(c) = co2_domain::purchases::Currency::parse(&r.currency) {
            table.insert(r.rate_year, c, r.units_per_eur);
        }
    }
    Ok(table)
}

/// The inflation index (every year stored; a year without a value counts as 1, see the domain).
pub async fn inflation_index(db: impl PgExecutor<'_>) -> DbResult<co2_domain::purchases::InflationIndex> {
    let rows: Vec<(i32, f64)> =
        crate::sql::query_as("select index_year, index_value from inflation_index").fetch_all(db).await?;
    let mut index = co2_domain::purchases::InflationIndex::default();
    for (year, value) in rows {
        index.insert(year, value);
    }
    Ok(index)
}
