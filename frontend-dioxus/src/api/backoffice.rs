//! `api-workspace` back office: years, factor files, reference data, recalculations and jobs
//! (IT manager); cross-unit reporting (back office).

use co2_api_types::{
    CampaignSent, CentralLoadsView, CopyCentralLoadRequest, CopyCentralLoadResponse, CreateYearRequest,
    DeadlineRequest, EntryTypeSettings, FactorFilesView, FactorUploadResult, GhgInventoryView, JobView, LateUnitsView,
    ModuleEnabled, PublishInventoryRequest, PublishedInventoryView, RecalculationRequest, RecalculationStarted,
    ReferenceUploadResult, ReportingFilters, ReportingView, RestatementView, RollupView, ThresholdPolicyView,
    ThresholdView, UpdateYearRequest, YearGoal, YearSummary,
};
use gloo_net::http::Request;

use super::client::{ApiError, get_json, put_file_json, seg, send_empty, send_json};

/// `GET /api/v1/backoffice/years`: every report year, latest first.
pub async fn backoffice_years() -> Result<Vec<YearSummary>, ApiError> {
    get_json("/api/v1/backoffice/years").await
}

/// `POST /api/v1/backoffice/years`: opens a new year (reports and modules for every unit).
pub async fn create_year(year: i32) -> Result<YearSummary, ApiError> {
    send_json(Request::post("/api/v1/backoffice/years"), &CreateYearRequest { year, is_open: true }).await
}

/// `PATCH /api/v1/backoffice/years/{year}`: opens or closes a year for writes.
pub async fn set_year_open(year: i32, is_open: bool) -> Result<YearSummary, ApiError> {
    send_json(Request::patch(&format!("/api/v1/backoffice/years/{year}")), &UpdateYearRequest { is_open }).await
}

/// `GET /api/v1/backoffice/years/{year}/central-loads`: what the office loads for every unit.
pub async fn central_loads(year: i32) -> Result<CentralLoadsView, ApiError> {
    get_json(&format!("/api/v1/backoffice/years/{year}/central-loads")).await
}

/// `POST /api/v1/backoffice/years/{year}/central-loads/copy`: runs last year's file again.
pub async fn copy_central_load(year: i32, req: &CopyCentralLoadRequest) -> Result<CopyCentralLoadResponse, ApiError> {
    send_json(Request::post(&format!("/api/v1/backoffice/years/{year}/central-loads/copy")), req).await
}

/// `GET /api/v1/backoffice/factors/{year}`: the year's factor files, with their stale factors.
pub async fn factor_files(year: i32) -> Result<FactorFilesView, ApiError> {
    get_json(&format!("/api/v1/backoffice/factors/{year}")).await
}

/// `PUT /api/v1/backoffice/factors/{year}/{file}`: replaces a factor file; starts the
/// recalculation of the entries it serves.
pub async fn upload_factors(year: i32, file: &str, csv: &web_sys::File) -> Result<FactorUploadResult, ApiError> {
    put_file_json(&format!("/api/v1/backoffice/factors/{year}/{}", seg(file)), "text/csv", csv).await
}

/// `POST /api/v1/backoffice/recalculations`: computes entries again with the current factors.
pub async fn recalculate(req: &RecalculationRequest) -> Result<RecalculationStarted, ApiError> {
    send_json(Request::post("/api/v1/backoffice/recalculations"), req).await
}

/// `GET /api/v1/backoffice/jobs?state=&kind=`: jobs, latest first (empty filters: all).
pub async fn list_jobs(state: &str, kind: &str) -> Result<Vec<JobView>, ApiError> {
    get_json(&format!("/api/v1/backoffice/jobs?state={}&kind={}&limit=200", seg(state), seg(kind))).await
}

/// `POST /api/v1/backoffice/jobs/{id}/abort`.
pub async fn abort_job(job_id: uuid::Uuid) -> Result<(), ApiError> {
    send_empty(Request::post(&format!("/api/v1/backoffice/jobs/{job_id}/abort"))).await
}

/// `POST /api/v1/backoffice/jobs/{id}/retry` (a running recalculation: its undone slices again).
pub async fn retry_job(job_id: uuid::Uuid) -> Result<(), ApiError> {
    send_empty(Request::post(&format!("/api/v1/backoffice/jobs/{job_id}/retry"))).await
}

/// `PUT /api/v1/backoffice/reference/{kind}`: replaces a reference set with a CSV file.
pub async fn upload_reference(kind: &str, csv: &web_sys::File) -> Result<ReferenceUploadResult, ApiError> {
    put_file_json(&format!("/api/v1/backoffice/reference/{}", seg(kind)), "text/csv", csv).await
}

/// `PUT /api/v1/backoffice/years/{year}/goal`.
pub async fn set_year_goal(year: i32, goal: &YearGoal) -> Result<YearSummary, ApiError> {
    send_json(Request::put(&format!("/api/v1/backoffice/years/{year}/goal")), goal).await
}

/// `DELETE /api/v1/backoffice/years/{year}/goal`.
pub async fn clear_year_goal(year: i32) -> Result<(), ApiError> {
    send_empty(Request::delete(&format!("/api/v1/backoffice/years/{year}/goal"))).await
}

/// `GET /api/v1/backoffice/thresholds/{year}`: each thresholded type's policy and its effect.
pub async fn thresholds(year: i32) -> Result<Vec<ThresholdView>, ApiError> {
    get_json(&format!("/api/v1/backoffice/thresholds/{year}")).await
}

/// `PUT /api/v1/backoffice/thresholds/{year}/{module}/{entry_type}`.
pub async fn set_threshold(
    year: i32,
    module: &str,
    entry_type: &str,
    policy: &ThresholdPolicyView,
) -> Result<ThresholdView, ApiError> {
    let url = format!("/api/v1/backoffice/thresholds/{year}/{}/{}", seg(module), seg(entry_type));
    send_json(Request::put(&url), policy).await
}

/// `DELETE /api/v1/backoffice/thresholds/{year}/{module}/{entry_type}`: back to the default.
pub async fn reset_threshold(year: i32, module: &str, entry_type: &str) -> Result<(), ApiError> {
    let url = format!("/api/v1/backoffice/thresholds/{year}/{}/{}", seg(module), seg(entry_type));
    send_empty(Request::delete(&url)).await
}

/// `PUT /api/v1/backoffice/years/{year}/modules/{module}`: collects a module that year, or not.
pub async fn set_module_enabled(year: i32, module: &str, enabled: bool) -> Result<YearSummary, ApiError> {
    let url = format!("/api/v1/backoffice/years/{year}/modules/{}", seg(module));
    send_json(Request::put(&url), &ModuleEnabled { enabled }).await
}

/// `PUT /api/v1/backoffice/years/{year}/entry-types/{entry_type}`: collects an entry type that year, or not.
pub async fn set_entry_type_enabled(year: i32, entry_type: &str, enabled: bool) -> Result<YearSummary, ApiError> {
    let url = format!("/api/v1/backoffice/years/{year}/entry-types/{}", seg(entry_type));
    send_json(Request::put(&url), &ModuleEnabled { enabled }).await
}

/// `PUT /api/v1/backoffice/years/{year}/entry-types/{entry_type}`: the type loaded by the office for
/// every unit that year, or by the units (`enabled`: whether it is collected, unchanged here).
pub async fn set_entry_type_central(
    year: i32,
    entry_type: &str,
    enabled: bool,
    central: bool,
) -> Result<YearSummary, ApiError> {
    let url = format!("/api/v1/backoffice/years/{year}/entry-types/{}", seg(entry_type));
    send_json(Request::put(&url), &EntryTypeSettings { enabled, centrally_fed: Some(central) }).await
}

/// `GET /api/v1/backoffice/reporting/{year}`: the filtered units with their cards and charts.
pub async fn reporting(year: i32, filters: &ReportingFilters) -> Result<ReportingView, ApiError> {
    get_json(&reporting_url(year, filters, "json")).await
}

/// The reporting view's address with its filters, in `format` (`json` or `csv`).
pub fn reporting_url(year: i32, f: &ReportingFilters, format: &str) -> String {
    let key = |v: serde_json::Value| v.as_str().map(str::to_owned).unwrap_or_default();
    let mut query = vec![format!("format={format}")];
    if let Some(s) = f.subtree.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        query.push(format!("subtree={}", seg(s)));
    }
    if let Some(c) = f.completion {
        query.push(format!("completion={}", key(serde_json::json!(c))));
    }
    if let (Some(m), Some(s)) = (&f.module, f.module_status) {
        query.push(format!("module={}&module_status={}", seg(m), key(serde_json::json!(s))));
    }
    format!("/api/v1/backoffice/reporting/{year}?{}", query.join("&"))
}

/// `PUT /api/v1/backoffice/years/{year}/deadline`: the campaign's deadline, or none.
pub async fn set_deadline(year: i32, deadline: Option<chrono::NaiveDate>) -> Result<YearSummary, ApiError> {
    send_json(Request::put(&format!("/api/v1/backoffice/years/{year}/deadline")), &DeadlineRequest { deadline }).await
}

/// `GET /api/v1/backoffice/years/{year}/late`: the units not done.
pub async fn campaign_late(year: i32) -> Result<LateUnitsView, ApiError> {
    get_json(&format!("/api/v1/backoffice/years/{year}/late")).await
}

/// `POST /api/v1/backoffice/years/{year}/reminders`: reminds the principals of the units not done.
pub async fn send_reminders(year: i32) -> Result<CampaignSent, ApiError> {
    send_json(Request::post(&format!("/api/v1/backoffice/years/{year}/reminders")), &serde_json::json!({})).await
}

/// `POST /api/v1/backoffice/years/{year}/digest`: the office's digest, now.
pub async fn send_digest(year: i32) -> Result<CampaignSent, ApiError> {
    send_json(Request::post(&format!("/api/v1/backoffice/years/{year}/digest")), &serde_json::json!({})).await
}

/// `GET /api/v1/backoffice/rollups`: the units summed up the tree, year by year.
pub async fn rollups(q: &RollupQuery) -> Result<RollupView, ApiError> {
    get_json(&rollups_url(q, "json")).await
}

/// What a roll-up asks for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RollupQuery {
    pub subtree: String,
    pub depth: u32,
    /// `validated` or `all`.
    pub basis: String,
    pub restated: bool,
}

/// The roll-up's address in `format` (`json` or `csv`).
pub fn rollups_url(q: &RollupQuery, format: &str) -> String {
    let mut query = vec![format!("format={format}"), format!("depth={}", q.depth.max(1))];
    if !q.basis.is_empty() {
        query.push(format!("basis={}", q.basis));
    }
    if q.restated {
        query.push("restated=true".to_owned());
    }
    let subtree = q.subtree.trim();
    if !subtree.is_empty() {
        query.push(format!("subtree={}", seg(subtree)));
    }
    format!("/api/v1/backoffice/rollups?{}", query.join("&"))
}

/// `GET /api/v1/backoffice/inventory?year=&subtree=`: the year's GHG Protocol inventory.
pub async fn inventory(year: i32, subtree: &str) -> Result<GhgInventoryView, ApiError> {
    get_json(&inventory_url(year, subtree, "json")).await
}

/// The address of the inventory in `format` (`json` or `csv`), for a download link.
pub fn inventory_url(year: i32, subtree: &str, format: &str) -> String {
    let subtree = subtree.trim();
    let filter = if subtree.is_empty() { String::new() } else { format!("&subtree={}", seg(subtree)) };
    format!("/api/v1/backoffice/inventory?year={year}{filter}&format={format}")
}

/// `POST /api/v1/backoffice/inventory/publications`: freezes the current inventory as a version.
pub async fn publish_inventory(req: &PublishInventoryRequest) -> Result<PublishedInventoryView, ApiError> {
    send_json(Request::post("/api/v1/backoffice/inventory/publications"), req).await
}

/// `GET /api/v1/backoffice/inventory/publications?year=`: the published versions, newest first.
pub async fn inventory_publications(year: i32) -> Result<Vec<PublishedInventoryView>, ApiError> {
    get_json(&format!("/api/v1/backoffice/inventory/publications?year={year}")).await
}

/// `GET …/publications/{id}/restatement`: what changed since a publication.
pub async fn restatement(id: uuid::Uuid) -> Result<RestatementView, ApiError> {
    get_json(&format!("/api/v1/backoffice/inventory/publications/{id}/restatement")).await
}

/// `GET /api/v1/backoffice/goals`: the institution's long-term goals.
pub async fn institution_goals() -> Result<Vec<co2_api_types::InstitutionGoal>, ApiError> {
    get_json("/api/v1/backoffice/goals").await
}

/// `PUT /api/v1/backoffice/goals`: replaces them.
pub async fn set_institution_goals(
    goals: &[co2_api_types::InstitutionGoal],
) -> Result<Vec<co2_api_types::InstitutionGoal>, ApiError> {
    send_json(Request::put("/api/v1/backoffice/goals"), &goals).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use co2_api_types::{ModuleStatus, UnitCompletion};

    #[test]
    fn the_reporting_address_carries_the_filters_given() {
        assert_eq!(
            reporting_url(2025, &ReportingFilters::default(), "csv"),
            "/api/v1/backoffice/reporting/2025?format=csv"
        );
        // (Subtree and module values go through the browser's encodeURIComponent: the browser
        // journey covers them.)
        let f = ReportingFilters { completion: Some(UnitCompletion::InProgress), ..Default::default() };
        assert_eq!(
            reporting_url(2025, &f, "json"),
            "/api/v1/backoffice/reporting/2025?format=json&completion=in_progress"
        );
        let q = RollupQuery { depth: 3, basis: "all".into(), restated: true, ..Default::default() };
        assert_eq!(rollups_url(&q, "csv"), "/api/v1/backoffice/rollups?format=csv&depth=3&basis=all&restated=true");
        let half = ReportingFilters { module_status: Some(ModuleStatus::NotStarted), ..Default::default() };
        assert_eq!(
            reporting_url(2025, &half, "csv"),
            "/api/v1/backoffice/reporting/2025?format=csv",
            "a state needs its module"
        );
    }
}
