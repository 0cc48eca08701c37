//! `api-workspace` and `api-results`: units, report years, the report and its totals.

use co2_api_types::{ModuleStatus, ModuleStatusUpdate, ModuleView, ReportView, ResultsView, UnitSummary, YearSummary};
use gloo_net::http::Request;

use super::client::{ApiError, get_json, seg, send_json};

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

/// `GET /api/v1/results/units/{unit}/years/{year}` (api-results): totals by module and scope, counting the
/// validated modules.
pub async fn results(unit: &str, year: i32) -> Result<ResultsView, ApiError> {
    results_on(unit, year, Basis::Validated).await
}

/// `GET /api/v1/results/units/{unit}/years/{year}/quality` (api-results): how good the data is and
/// how uncertain the total.
pub async fn quality(unit: &str, year: i32) -> Result<co2_api_types::QualityView, ApiError> {
    get_json(&format!("/api/v1/results/units/{}/years/{year}/quality", seg(unit))).await
}

/// Which modules the figures of a unit-year count (DOMAIN §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Basis {
    /// The validated modules: the official figures.
    #[default]
    Validated,
    /// Every module, validated or not: the draft.
    All,
}

impl Basis {
    /// The `basis` parameter of the results and exports.
    pub fn key(self) -> &'static str {
        match self {
            Basis::Validated => "validated",
            Basis::All => "all",
        }
    }
}

/// [`results`] on the given basis.
pub async fn results_on(unit: &str, year: i32, basis: Basis) -> Result<ResultsView, ApiError> {
    results_excluding(unit, year, basis, &[]).await
}

/// [`results_on`] with modules left out of every figure (`exclude=`).
pub async fn results_excluding(unit: &str, year: i32, basis: Basis, exclude: &[&str]) -> Result<ResultsView, ApiError> {
    let mut url = format!("/api/v1/results/units/{}/years/{year}?basis={}", seg(unit), basis.key());
    if !exclude.is_empty() {
        url += &format!("&exclude={}", seg(&exclude.join(",")));
    }
    get_json(&url).await
}

/// `PATCH …/modules/{module}`: validates a module (`Validated`) or reopens it (`InProgress`).
pub async fn set_module_status(
    unit: &str,
    year: i32,
    module: &str,
    status: ModuleStatus,
) -> Result<ModuleView, ApiError> {
    send_json(
        Request::patch(&format!("/api/v1/units/{}/years/{year}/modules/{}", seg(unit), seg(module))),
        &ModuleStatusUpdate { status },
    )
    .await
}

/// `GET /api/v1/results/units/{unit}/years/{year}/modules/{module}/breakdown`: the module's
/// entries grouped for its charts.
pub async fn module_breakdown(
    unit: &str,
    year: i32,
    module: &str,
) -> Result<co2_api_types::ModuleBreakdownView, ApiError> {
    get_json(&format!("/api/v1/results/units/{}/years/{year}/modules/{}/breakdown", seg(unit), seg(module))).await
}

/// `POST …/modules/{module}/change-requests`: asks the unit's principals to reopen a validated
/// module for a change.
pub async fn request_change(
    unit: &str,
    year: i32,
    module: &str,
    message: &str,
) -> Result<co2_api_types::ChangeRequestView, ApiError> {
    send_json(
        Request::post(&format!("/api/v1/units/{}/years/{year}/modules/{}/change-requests", seg(unit), seg(module))),
        &co2_api_types::ChangeRequestInput { message: message.to_owned() },
    )
    .await
}

/// `GET /api/v1/results/units/{unit}/years/{year}/trips`: the unit-year's routes for its map.
pub async fn trips(unit: &str, year: i32) -> Result<co2_api_types::TripsMapView, ApiError> {
    get_json(&format!("/api/v1/results/units/{}/years/{year}/trips", seg(unit))).await
}
