//! The audit log viewer (admin): filtered pages newest first, one entry, a CSV export of a
//! filter, and a verification of the hash chain.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use co2_api_types::{AuditChainView, AuditEntryView, AuditPage};
use co2_db::audit::{AuditEntry, AuditFilter};
use co2_domain::spreadsheet::spreadsheet_safe;
use co2_platform::auth::Caller;
use co2_platform::{ApiError, ApiJson, ApiQuery, ApiResult, Ctx};

/// Most rows one export holds; narrow the filter for more.
pub const MAX_EXPORT_ROWS: i64 = 100_000;

/// Filters of the audit log.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct AuditQuery {
    /// The actor's institutional id.
    actor: Option<String>,
    /// An action (`role.granted`), or a family ending with `.` (`role.`).
    action: Option<String>,
    /// The target (a unit, user, job or token id).
    target: Option<String>,
    /// From this instant (RFC 3339), included.
    from: Option<chrono::DateTime<chrono::Utc>>,
    /// Until this instant (RFC 3339), excluded.
    to: Option<chrono::DateTime<chrono::Utc>>,
    /// Entries older than this id (the `next_before` of the previous page).
    before: Option<i64>,
    /// Page size (default 50, at most 500).
    limit: Option<i64>,
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl AuditQuery {
    fn filter(&self) -> AuditFilter<'_> {
        AuditFilter {
            actor: non_empty(&self.actor),
            action: non_empty(&self.action),
            target: non_empty(&self.target),
            from: self.from,
            to: self.to,
            before: self.before,
        }
    }
}

fn view(e: AuditEntry) -> AuditEntryView {
    AuditEntryView {
        id: e.audit_log_id,
        at: e.created_at,
        actor: e.actor,
        action: e.action,
        target: e.target,
        details: e.details,
        prev_hash: e.prev_hash,
        hash: e.hash,
    }
}

/// A page of the audit log, newest first.
#[utoipa::path(get, path = "/api/v1/backoffice/audit", tag = "access", params(AuditQuery),
    responses((status = 200, body = AuditPage), (status = 400), (status = 403)))]
pub(crate) async fn list(
    State(ctx): State<Ctx>,
    caller: Caller,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<ApiJson<AuditPage>> {
    caller.require_admin()?;
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    // One more than the page tells whether an older page exists.
    let mut rows = co2_db::audit::list(&ctx.pools.read, &q.filter(), limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_before = if more { rows.last().map(|e| e.audit_log_id) } else { None };
    Ok(ApiJson(AuditPage { items: rows.into_iter().map(view).collect(), next_before }))
}

/// One entry with its details and hashes.
#[utoipa::path(get, path = "/api/v1/backoffice/audit/{entry_id}", tag = "access",
    params(("entry_id" = i64, Path)),
    responses((status = 200, body = AuditEntryView), (status = 403), (status = 404)))]
pub(crate) async fn get(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(entry_id): Path<i64>,
) -> ApiResult<ApiJson<AuditEntryView>> {
    caller.require_admin()?;
    let entry = co2_db::audit::get(&ctx.pools.read, entry_id)
        .await?
        .ok_or_else(|| ApiError::not_found("audit_entry_not_found", "no such audit entry"))?;
    Ok(ApiJson(view(entry)))
}

/// The entries of a filter as CSV (newest first, at most 100,000; `before` and `limit` ignored).
/// Text that a spreadsheet would run as a formula (an actor named `@A1`) is neutralised.
#[utoipa::path(get, path = "/api/v1/backoffice/audit/export", tag = "access", params(AuditQuery),
    responses((status = 200, content_type = "text/csv"), (status = 400), (status = 403)))]
pub(crate) async fn export(
    State(ctx): State<Ctx>,
    caller: Caller,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<impl IntoResponse> {
    caller.require_admin()?;
    let filter = AuditFilter { before: None, ..q.filter() };
    let rows = co2_db::audit::list(&ctx.pools.read, &filter, MAX_EXPORT_ROWS + 1).await?;
    if rows.len() as i64 > MAX_EXPORT_ROWS {
        return Err(ApiError::bad_request(
            "too_many_rows",
            format!("more than {MAX_EXPORT_ROWS} entries match: narrow the dates or the actor"),
        ));
    }
    let mut out = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| ApiError::Internal(e.into());
    out.write_record(["id", "at", "actor", "action", "target", "details", "prev_hash", "hash"]).map_err(csv_err)?;
    for e in rows {
        out.write_record([
            e.audit_log_id.to_string(),
            e.created_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            spreadsheet_safe(&e.actor),
            spreadsheet_safe(&e.action),
            spreadsheet_safe(&e.target.unwrap_or_default()),
            spreadsheet_safe(&e.details.to_string()),
            e.prev_hash,
            e.hash,
        ])
        .map_err(csv_err)?;
    }
    let body = out.into_inner().map_err(|e| ApiError::Internal(anyhow::anyhow!("csv: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"audit-log.csv\""),
        ],
        body,
    ))
}

/// Recomputes the whole hash chain: an edited or deleted entry shows as the first broken link.
#[utoipa::path(get, path = "/api/v1/backoffice/audit/verify", tag = "access",
    responses((status = 200, body = AuditChainView), (status = 403)))]
pub(crate) async fn verify(State(ctx): State<Ctx>, caller: Caller) -> ApiResult<ApiJson<AuditChainView>> {
    caller.require_admin()?;
    // The primary: a replica may lag behind the last append and still be a consistent prefix,
    // but the check should cover what has been written.
    let mut db = ctx.pools.write.begin().await?;
    let check = co2_db::audit::verify(&mut db).await?;
    Ok(ApiJson(AuditChainView {
        entries_checked: check.entries_checked,
        intact: check.first_broken.is_none(),
        first_broken: check.first_broken,
    }))
}
