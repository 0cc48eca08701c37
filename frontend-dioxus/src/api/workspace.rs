//! `api-workspace` and `api-results`: units, report years, the report and its totals.

use co2_api_types::{ReportView, ResultsView, UnitSummary, YearSummary};

use super::client::{ApiError, get_json, seg};

/// `GET /api/v1/units`: the units visible to the caller.
pub async fn list_units() -> Result<Vec<UnitSummary>, ApiError> {
    get_json("/api/v1/units").await
}

/// `GET /api/v1/units/{unit}/years`.
pub async fn list_years(unit: &str) -> Result<Vec<YearSummary>, ApiError> {
    get_json(&format!("/api/v1/units/{}/years", seg(unit))).await
}

/// `GET /api/v1/units/{unit}/years/{year}/report`: the 8 modules with status and headlines.
pub async fn report(unit: &str, year: i32) -> Result<ReportView, ApiError> {
    get_json(&format!("/api/v1/units/{}/years/{year}/report", seg(unit))).await
}

/// `GET /api/v1/units/{unit}/years/{year}/results`: totals by module and scope.
pub async fn results(unit: &str, year: i32) -> Result<ResultsView, ApiError> {
    get_json(&format!("/api/v1/units/{}/years/{year}/results", seg(unit))).await
}
