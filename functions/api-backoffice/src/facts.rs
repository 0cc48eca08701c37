//! The facts feed for business-intelligence tools: every published figure of a year, one row per
//! unit × module × emission leaf × scope × quantity unit, as NDJSON or CSV, streamed as the
//! database hands the rows over (the whole institution never sits in memory). For back-office
//! roles and their subtrees, by session or API token.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use co2_api_types::{FACT_COLUMNS, FactView};
use co2_db::facts::FactRow;
use co2_domain::EmissionType;
use co2_platform::auth::Caller;
use co2_platform::reporting_scope::units_reported_on;
use co2_platform::{ApiQuery, ApiResult, Ctx};
use futures::StreamExt;
use serde::Deserialize;

/// How much encoded feed is sent at once.
const CHUNK_BYTES: usize = 64 * 1024;

/// The feed's format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FactsFormat {
    /// One JSON object per line (`application/x-ndjson`).
    #[default]
    Ndjson,
    /// A header line, then one row per fact (`text/csv`).
    Csv,
}

/// `GET /api/v1/backoffice/facts` parameters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct FactsQuery {
    year: i32,
    /// A unit's institutional id: only the units of its subtree. Default: every unit the caller
    /// reports on.
    subtree: Option<String>,
    #[serde(default)]
    format: FactsFormat,
}

fn view(r: FactRow) -> FactView {
    FactView {
        category: EmissionType::by_key(&r.emission_type).map(|t| t.category.key().to_owned()),
        unit: r.unit,
        path: r.path,
        year: r.year,
        module: r.module,
        status: r.status,
        leaf: r.emission_type,
        scope: r.scope,
        additional: r.is_additional,
        kg_co2eq: r.kg_co2eq,
        quantity: r.quantity,
        quantity_unit: r.quantity_unit,
        entries: r.entries,
    }
}

/// Appends one fact to `out` in `format`.
fn encode(f: &FactView, format: FactsFormat, out: &mut Vec<u8>) {
    match format {
        FactsFormat::Ndjson => {
            if serde_json::to_writer(&mut *out, f).is_ok() {
                out.push(b'\n');
            }
        }
        FactsFormat::Csv => {
            let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
            let status = serde_json::to_value(f.status).ok().and_then(|v| v.as_str().map(str::to_owned));
            let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(&mut *out);
            let _ = w.write_record([
                f.unit.as_str(),
                &f.path,
                &f.year.to_string(),
                &f.module,
                status.as_deref().unwrap_or_default(),
                &f.leaf,
                f.category.as_deref().unwrap_or_default(),
                &f.scope.to_string(),
                if f.additional { "true" } else { "false" },
                &f.kg_co2eq.to_string(),
                &number(f.quantity),
                f.quantity_unit.as_deref().unwrap_or_default(),
                &f.entries.to_string(),
            ]);
        }
    }
}

/// The facts of a year (back-office roles): every unit the caller reports on, or the subtree of
/// `subtree`. Streamed; a failure midway ends the transfer unfinished, never with a partial
/// answer that looks complete.
///
/// `curl -H "Authorization: Bearer $T" "$B/api/v1/backoffice/facts?year=2025&subtree=ENAC&format=csv"`
#[utoipa::path(get, path = "/api/v1/backoffice/facts", tag = "backoffice", params(FactsQuery),
    responses((status = 200, description = "NDJSON (one FactView a line) or CSV", body = FactView,
        content_type = "application/x-ndjson"),
        (status = 403, description = "no back-office role"), (status = 404, description = "no such year or subtree")))]
pub(crate) async fn facts(
    State(ctx): State<Ctx>,
    caller: Caller,
    ApiQuery(q): ApiQuery<FactsQuery>,
) -> ApiResult<Response> {
    let ids: Vec<uuid::Uuid> = units_reported_on(&ctx, &caller, q.year, q.subtree.as_deref(), "the facts feed")
        .await?
        .iter()
        .map(|u| u.unit_id)
        .collect();
    let (format, year) = (q.format, q.year);
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(8);
    let db = ctx.pools.read.clone();
    tokio::spawn(async move {
        let mut buffer = Vec::with_capacity(CHUNK_BYTES);
        if format == FactsFormat::Csv {
            buffer.extend_from_slice(FACT_COLUMNS.join(",").as_bytes());
            buffer.push(b'\n');
        }
        let mut rows = std::pin::pin!(co2_db::facts::of_units(&db, &ids, year));
        while let Some(row) = rows.next().await {
            match row {
                Ok(row) => encode(&view(row), format, &mut buffer),
                Err(e) => {
                    tracing::error!(error.message = %e, "facts.interrupted");
                    let _ = tx.send(Err(std::io::Error::other("the facts feed was interrupted"))).await;
                    return;
                }
            }
            if buffer.len() >= CHUNK_BYTES && tx.send(Ok(Bytes::from(std::mem::take(&mut buffer)))).await.is_err() {
                return; // the client went away
            }
        }
        if !buffer.is_empty() {
            let _ = tx.send(Ok(Bytes::from(buffer))).await;
        }
    });
    let body = Body::from_stream(futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) }));
    let (content_type, ext) = match format {
        FactsFormat::Ndjson => ("application/x-ndjson", "ndjson"),
        FactsFormat::Csv => ("text/csv; charset=utf-8", "csv"),
    };
    let disposition = format!("attachment; filename=\"facts-{year}.{ext}\"");
    Ok(([(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, disposition)], body)
        .into_response())
}
