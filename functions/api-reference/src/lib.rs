//! api-reference: the reference data every form needs — airport and station search (typo
//! tolerant), the distance of a trip as the calculation counts it, building rooms by
//! (building, room), the year's exchange rates, the choices the year's factors offer, and one
//! factor with where it comes from (what "why this number" links to).
//!
//! Owns `/api/v1/reference/*`. Reference data is not unit-scoped: any signed-in user may read it.

use axum::Router;
use axum::extract::{Path, State};
use co2_api_types::{AirportView, DistanceView, ExchangeRateView, FactorChoiceView, FactorView, RoomView, StationView};
use co2_domain::geo::{self, Coordinates};
use co2_domain::travel;
use co2_platform::auth::Caller;
use co2_platform::{ApiError, ApiJson, ApiQuery, ApiResult, Ctx};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Largest number of search results.
pub const MAX_RESULTS: i64 = 50;

/// The function's routes and their OpenAPI operations, from one builder: each handler's
/// `#[utoipa::path]` gives both its route and its documentation.
fn routes() -> OpenApiRouter<Ctx> {
    OpenApiRouter::new()
        .routes(routes!(airports))
        .routes(routes!(stations))
        .routes(routes!(distance))
        .routes(routes!(rooms))
        .routes(routes!(room))
        .routes(routes!(exchange_rates))
        .routes(routes!(factor_choices))
        .routes(routes!(factor))
}

/// The function's routes.
pub fn router(ctx: Ctx) -> Router {
    routes().split_for_parts().0.with_state(ctx)
}

/// The OpenAPI document of this function.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().into_openapi()
}

/// Search parameters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct Search {
    /// What was typed: a code, a name or a town (2 characters at least; typos tolerated).
    q: String,
    /// ISO-2 country (stations only).
    country: Option<String>,
    /// At most this many results (default 10, at most 50).
    limit: Option<i64>,
}

fn query_text(s: &Search) -> ApiResult<(&str, i64)> {
    let q = s.q.trim();
    if q.chars().count() < 2 || q.chars().count() > 100 {
        return Err(ApiError::bad_request("invalid_query", "search with 2 to 100 characters"));
    }
    Ok((q, s.limit.unwrap_or(10).clamp(1, MAX_RESULTS)))
}

/// Airports matching a code, name or town, best first (exact IATA code first).
#[utoipa::path(get, path = "/api/v1/reference/airports", tag = "reference", params(Search),
    responses((status = 200, body = [AirportView]), (status = 400), (status = 401)))]
async fn airports(
    State(ctx): State<Ctx>,
    _caller: Caller,
    ApiQuery(s): ApiQuery<Search>,
) -> ApiResult<ApiJson<Vec<AirportView>>> {
    let (q, limit) = query_text(&s)?;
    let found = co2_db::reference::search_airports(&ctx.pools.read, q, limit).await?;
    Ok(ApiJson(
        found
            .into_iter()
            .map(|a| AirportView {
                iata_code: a.iata_code,
                name: a.name,
                municipality: a.municipality,
                country_code: a.country_code,
                latitude: a.latitude,
                longitude: a.longitude,
            })
            .collect(),
    ))
}

/// Stations matching a name or town, optionally in one country, best first.
#[utoipa::path(get, path = "/api/v1/reference/stations", tag = "reference", params(Search),
    responses((status = 200, body = [StationView]), (status = 400), (status = 401)))]
async fn stations(
    State(ctx): State<Ctx>,
    _caller: Caller,
    ApiQuery(s): ApiQuery<Search>,
) -> ApiResult<ApiJson<Vec<StationView>>> {
    let (q, limit) = query_text(&s)?;
    let country = s.country.as_deref().map(str::trim).filter(|c| !c.is_empty());
    let found = co2_db::reference::search_stations(&ctx.pools.read, q, country, limit).await?;
    Ok(ApiJson(
        found
            .into_iter()
            .map(|s| StationView {
                name: s.name,
                country_code: s.country_code,
                municipality: s.municipality,
                latitude: s.latitude,
                longitude: s.longitude,
            })
            .collect(),
    ))
}

/// Distance parameters: airports by IATA code, or stations by name and country.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DistanceQuery {
    /// `plane` or `train`.
    mode: String,
    /// Plane: origin IATA code. Train: origin station name.
    from: String,
    /// Plane: destination IATA code. Train: destination station name.
    to: String,
    /// Train: origin country (ISO-2).
    from_country: Option<String>,
    /// Train: destination country (ISO-2).
    to_country: Option<String>,
}

async fn station_point(ctx: &Ctx, name: &str, country: Option<&str>, side: &str) -> ApiResult<Coordinates> {
    let country = country
        .map(str::trim)
        .filter(|c| c.len() == 2)
        .ok_or_else(|| ApiError::bad_request("invalid_country", format!("give {side}_country as a 2-letter code")))?;
    let matches = co2_db::reference::stations_named(&ctx.pools.read, country, name).await?;
    match matches.as_slice() {
        [one] => Ok(Coordinates { latitude: one.latitude, longitude: one.longitude }),
        [] => Err(ApiError::not_found("station_not_found", format!("no station '{name}' in {country}"))),
        many => Err(ApiError::conflict(
            "ambiguous_station",
            format!("{} stations are named '{name}' in {country}", many.len()),
        )),
    }
}

/// The one-way distance of a trip as the calculation counts it (DOMAIN §5.1).
#[utoipa::path(get, path = "/api/v1/reference/distance", tag = "reference", params(DistanceQuery),
    responses((status = 200, body = DistanceView), (status = 400), (status = 404), (status = 409)))]
async fn distance(
    State(ctx): State<Ctx>,
    _caller: Caller,
    ApiQuery(d): ApiQuery<DistanceQuery>,
) -> ApiResult<ApiJson<DistanceView>> {
    let (origin, destination) = match d.mode.as_str() {
        "plane" => {
            let mut points = Vec::new();
            for code in [&d.from, &d.to] {
                let a = co2_db::reference::airport(&ctx.pools.read, code).await?.ok_or_else(|| {
                    ApiError::not_found("airport_not_found", format!("no airport '{}'", code.trim().to_uppercase()))
                })?;
                points.push(Coordinates { latitude: a.latitude, longitude: a.longitude });
            }
            (points[0], points[1])
        }
        "train" => (
            station_point(&ctx, &d.from, d.from_country.as_deref(), "from").await?,
            station_point(&ctx, &d.to, d.to_country.as_deref(), "to").await?,
        ),
        _ => return Err(ApiError::bad_request("invalid_mode", "mode is plane or train")),
    };
    let one_way = if d.mode == "plane" {
        travel::plane_distance(origin, destination, 1).one_way_km
    } else {
        travel::train_distance(origin, destination, 1).one_way_km
    };
    Ok(ApiJson(DistanceView {
        mode: d.mode,
        great_circle_km: geo::haversine_km(origin, destination),
        one_way_km: one_way,
    }))
}

fn room_view(r: co2_db::reference::Room) -> RoomView {
    RoomView {
        building_location: r.building_location,
        building_name: r.building_name,
        room_name: r.room_name,
        room_type: r.room_type,
        room_surface_square_meter: r.room_surface_square_meter,
    }
}

/// Room filter.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RoomsQuery {
    /// Only this building.
    building: Option<String>,
}

/// Rooms of the reference (of one building when given).
#[utoipa::path(get, path = "/api/v1/reference/rooms", tag = "reference", params(RoomsQuery),
    responses((status = 200, body = [RoomView]), (status = 401)))]
async fn rooms(
    State(ctx): State<Ctx>,
    _caller: Caller,
    ApiQuery(q): ApiQuery<RoomsQuery>,
) -> ApiResult<ApiJson<Vec<RoomView>>> {
    let building = q.building.as_deref().map(str::trim).filter(|b| !b.is_empty());
    Ok(ApiJson(co2_db::reference::rooms(&ctx.pools.read, building).await?.into_iter().map(room_view).collect()))
}

/// One room by (building, room) — the same room name may exist in several buildings.
#[utoipa::path(get, path = "/api/v1/reference/rooms/{building}/{room}", tag = "reference",
    params(("building" = String, Path), ("room" = String, Path)), responses((status = 200, body = RoomView), (status = 404)))]
async fn room(
    State(ctx): State<Ctx>,
    _caller: Caller,
    Path((building, room)): Path<(String, String)>,
) -> ApiResult<ApiJson<RoomView>> {
    co2_db::reference::room(&ctx.pools.read, &building, &room)
        .await?
        .map(|r| ApiJson(room_view(r)))
        .ok_or_else(|| ApiError::not_found("room_not_found", format!("no room '{room}' in building '{building}'")))
}

/// Year parameter.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct YearQuery {
    year: i32,
}

/// The exchange rates of a year (units per EUR; ECB annual averages).
#[utoipa::path(get, path = "/api/v1/reference/exchange-rates", tag = "reference", params(YearQuery),
    responses((status = 200, body = [ExchangeRateView]), (status = 401)))]
async fn exchange_rates(
    State(ctx): State<Ctx>,
    _caller: Caller,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<ApiJson<Vec<ExchangeRateView>>> {
    let rates = co2_db::reference::exchange_rates(&ctx.pools.read, q.year).await?;
    Ok(ApiJson(
        rates
            .into_iter()
            .map(|r| ExchangeRateView { year: r.rate_year, currency: r.currency, units_per_eur: r.units_per_eur })
            .collect(),
    ))
}

/// Which factors' choices to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ChoicesQuery {
    year: i32,
    /// An entry type (DET name, e.g. `scientific`)…
    entry_type: Option<String>,
    /// …or every type of a module (e.g. `purchase`).
    module: Option<String>,
    /// Text the classification or values contain (e.g. part of a purchase code or description).
    q: Option<String>,
    /// At most this many (default 200, at most 500).
    limit: Option<i64>,
}

/// The year's current factor classifications for an entry type or a module, with their values:
/// what a form may offer (classes, codes, fuels, gases, providers) and its defaults.
#[utoipa::path(get, path = "/api/v1/reference/factor-choices", tag = "reference", params(ChoicesQuery),
    responses((status = 200, body = [FactorChoiceView]), (status = 400), (status = 401), (status = 404)))]
async fn factor_choices(
    State(ctx): State<Ctx>,
    _caller: Caller,
    ApiQuery(q): ApiQuery<ChoicesQuery>,
) -> ApiResult<ApiJson<Vec<FactorChoiceView>>> {
    use co2_domain::{EntryType, Module};
    let types: Vec<EntryType> = match (q.entry_type.as_deref(), q.module.as_deref()) {
        (Some(name), _) => {
            let t = EntryType::ALL
                .into_iter()
                .find(|t| t.name() == name)
                .ok_or_else(|| ApiError::not_found("entry_type_not_found", format!("no entry type '{name}'")))?;
            vec![t]
        }
        (None, Some(key)) => Module::parse(key)
            .ok_or_else(|| ApiError::not_found("module_not_found", format!("no module '{key}'")))?
            .entry_types()
            .collect(),
        (None, None) => return Err(ApiError::bad_request("invalid_query", "give an entry_type or a module")),
    };
    let ids: Vec<i16> = types.iter().map(|t| t.id()).collect();
    let text = q.q.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let limit = q.limit.unwrap_or(200).clamp(1, 500);
    let rows = co2_db::factor::choices(&ctx.pools.read, q.year, &ids, text, limit).await?;
    Ok(ApiJson(
        rows.into_iter()
            .filter_map(|r| {
                let entry_type = EntryType::from_id(r.data_entry_type)?.name().to_owned();
                let as_map = |v: serde_json::Value| match v {
                    serde_json::Value::Object(m) => m,
                    _ => serde_json::Map::new(),
                };
                Some(FactorChoiceView {
                    entry_type,
                    classification: as_map(r.classification),
                    values: as_map(r.factor_values),
                })
            })
            .collect(),
    ))
}

/// One factor by id: its classification and values, its year and entry type, and where it comes
/// from (the shipped defaults and their source, or the back office's upload: file, who, when).
#[utoipa::path(get, path = "/api/v1/reference/factors/{factor_id}", tag = "reference",
    params(("factor_id" = uuid::Uuid, Path)),
    responses((status = 200, body = FactorView), (status = 401), (status = 404)))]
async fn factor(
    State(ctx): State<Ctx>,
    _caller: Caller,
    Path(factor_id): Path<uuid::Uuid>,
) -> ApiResult<ApiJson<FactorView>> {
    let found = co2_db::factor::details(&ctx.pools.read, &[factor_id]).await?.into_iter().next();
    let f = found.ok_or_else(|| ApiError::not_found("factor_not_found", "no such factor"))?;
    Ok(ApiJson(co2_db::explain::factor_view(f)))
}
