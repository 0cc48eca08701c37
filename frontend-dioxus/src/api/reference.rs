//! `api-reference`: what forms offer — airports, stations, rooms, trip distances and the
//! choices of the year's factors.

use co2_api_types::{AirportView, DistanceView, FactorChoiceView, RoomView, StationView};

use super::client::{ApiError, get_json, seg};

/// `GET /api/v1/reference/airports?q=`: best matches first (typos tolerated).
pub async fn search_airports(q: &str) -> Result<Vec<AirportView>, ApiError> {
    get_json(&format!("/api/v1/reference/airports?q={}&limit=8", seg(q))).await
}

/// `GET /api/v1/reference/stations?q=`.
pub async fn search_stations(q: &str) -> Result<Vec<StationView>, ApiError> {
    get_json(&format!("/api/v1/reference/stations?q={}&limit=8", seg(q))).await
}

/// `GET /api/v1/reference/rooms`: every room of the reference.
pub async fn rooms() -> Result<Vec<RoomView>, ApiError> {
    get_json("/api/v1/reference/rooms").await
}

/// `GET /api/v1/reference/distance?mode=plane`: one leg between two airports (IATA codes).
pub async fn plane_distance(from: &str, to: &str) -> Result<DistanceView, ApiError> {
    get_json(&format!("/api/v1/reference/distance?mode=plane&from={}&to={}", seg(from), seg(to))).await
}

/// `GET /api/v1/reference/distance?mode=train`: one leg between two stations (name, country).
pub async fn train_distance(from: (&str, &str), to: (&str, &str)) -> Result<DistanceView, ApiError> {
    get_json(&format!(
        "/api/v1/reference/distance?mode=train&from={}&from_country={}&to={}&to_country={}",
        seg(from.0),
        seg(from.1),
        seg(to.0),
        seg(to.1)
    ))
    .await
}

/// `GET /api/v1/reference/factor-choices?year=&entry_type=|module=`.
pub async fn factor_choices(year: i32, scope: &str, q: &str) -> Result<Vec<FactorChoiceView>, ApiError> {
    get_json(&format!("/api/v1/reference/factor-choices?year={year}&{scope}&q={}&limit=200", seg(q))).await
}
