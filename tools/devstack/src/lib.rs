//! The embedded default: every function in one process, with the edge's paths, the embedded
//! queue's dispatcher, and local-disk storage with its signed links and its drop folder.
//!
//! Used by `make run` and by the end-to-end tests. Nothing here is deployed: in a cluster each
//! function runs alone and Knative plays the dispatcher's role.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, put};
use co2_platform::blob::{BlobStore, LocalBlob, Notifier};
use co2_platform::dispatch::Pump;
use co2_platform::step::step_router;
use co2_platform::{ApiError, Ctx};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Hidden time of a message being processed by an in-process step.
pub const VISIBILITY: Duration = Duration::from_secs(60);

/// The step pumps, delivering each queue to its step like Knative's IntegrationSource.
pub fn pumps(ctx: &Ctx, retry_after: Duration) -> Vec<Pump> {
    let s = &ctx.settings;
    let steps: [(&str, &'static str, Arc<dyn co2_platform::StepHandler>); 4] = [
        (&s.queue_ingest, "step-ingest", Arc::new(step_ingest::Ingest { ctx: ctx.clone() })),
        (&s.queue_compute, "step-compute", Arc::new(step_compute::Compute { ctx: ctx.clone() })),
        (&s.queue_aggregate, "step-aggregate", Arc::new(step_aggregate::Aggregate { ctx: ctx.clone() })),
        (&s.queue_export, "step-export", Arc::new(step_export::Export { ctx: ctx.clone() })),
    ];
    steps
        .into_iter()
        .map(|(queue, name, handler)| Pump {
            queue: ctx.queue.clone(),
            queue_name: queue.to_owned(),
            target: co2_platform::serve::with_platform(
                name,
                step_router(name, handler).fallback(co2_platform::error::route_not_found),
                None,
            ),
            visibility: VISIBILITY,
            retry_after,
            concurrency: 1,
        })
        .collect()
}

/// A pump target that forwards each CloudEvent to a step running as its own process (its
/// binary serving `POST /` on `url`), as Knative's IntegrationSource delivers to a Service:
/// the step's status is the answer. `STEP_URLS=co2-ingest=http://127.0.0.1:9101,…` in `make
/// run` (the bench uses it to measure each step's memory).
pub fn forward_to(url: String) -> Router {
    let client = reqwest::Client::new();
    Router::new().fallback(move |req: axum::extract::Request| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let (parts, body) = req.into_parts();
            let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
                return StatusCode::BAD_REQUEST;
            };
            let mut out = client.post(&url).body(body);
            for (name, value) in &parts.headers {
                out = out.header(name.as_str(), value.as_bytes());
            }
            match out.send().await {
                Ok(res) => StatusCode::from_u16(res.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY),
                Err(e) => {
                    tracing::warn!(url, error.message = %e, "dispatch.forward_failed");
                    StatusCode::BAD_GATEWAY
                }
            }
        }
    })
}

/// Parses `STEP_URLS` (`queue=url,…`) into (queue name, url) pairs.
pub fn step_urls(spec: &str) -> anyhow::Result<Vec<(String, String)>> {
    spec.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (queue, url) =
                pair.split_once('=').ok_or_else(|| anyhow::anyhow!("STEP_URLS: '{pair}' is not queue=url"))?;
            Ok((queue.trim().to_owned(), url.trim().to_owned()))
        })
        .collect()
}

/// All HTTP functions mounted at their edge paths, the local store's links, and the SPA.
pub fn app(
    ctx: &Ctx,
    local: Option<Arc<LocalBlob>>,
    web_root: &std::path::Path,
    oidc: Option<co2_platform::config::OidcSettings>,
) -> Router {
    if let Some(local) = &local {
        local.set_notifier(Notifier { queue: ctx.queue.clone(), queue_name: ctx.settings.queue_ingest.clone() });
    }
    let mut api = Router::new()
        .merge(api_session::router(ctx.clone(), oidc))
        .merge(api_workspace::router(ctx.clone()))
        .merge(api_results::router(ctx.clone()))
        .merge(api_backoffice::router(ctx.clone()))
        .merge(api_access::router(ctx.clone()))
        .merge(api_entries::router(ctx.clone()))
        .merge(api_uploads::router(ctx.clone()))
        .merge(api_reference::router(ctx.clone()))
        .merge(api_docs::router())
        .route("/api/{*rest}", any(co2_platform::error::route_not_found));
    if let Some(local) = local {
        api = api.merge(blob_routes(local, ctx.settings.max_upload_bytes));
    }
    co2_platform::serve::with_platform(
        "devstack",
        api.fallback_service(web::router(web_root, &spa_policy())),
        Some(ctx.pools.write.clone()),
    )
}

/// The SPA's policy from `CSP_CONNECT_SRC`; a value that is not a list of origins leaves the
/// strict same-origin policy (the embedded default stores files on its own origin).
fn spa_policy() -> String {
    web::csp_from_env().unwrap_or_else(|e| {
        tracing::error!(error = %e, "devstack.csp_connect_src_ignored");
        web::content_security_policy(&[])
    })
}

#[derive(Clone)]
struct BlobState {
    store: Arc<LocalBlob>,
}

#[derive(Deserialize)]
struct Signed {
    expires: i64,
    signature: String,
}

/// Serves the local store's signed links: `PUT /blob/{key}` and `GET /blob/{key}`.
pub fn blob_routes(store: Arc<LocalBlob>, max_bytes: u64) -> Router {
    Router::new()
        .route("/blob/{*key}", put(put_blob).get(get_blob))
        .layer(DefaultBodyLimit::max(max_bytes as usize))
        .with_state(BlobState { store })
}

/// A storage failure as the caller should see it: their key's fault (400, 404) or ours (503).
fn blob_error(e: co2_platform::blob::BlobError) -> ApiError {
    match e {
        co2_platform::blob::BlobError::InvalidKey(k) => {
            ApiError::bad_request("invalid_key", format!("invalid key {k}"))
        }
        co2_platform::blob::BlobError::NotFound(_) => ApiError::not_found("object_not_found", "no such file"),
        co2_platform::blob::BlobError::AlreadyExists(_) => {
            ApiError::conflict("object_exists", "this link's file was received already: start a new upload")
        }
        other => ApiError::Unavailable(other.into()),
    }
}

fn link_refused() -> ApiError {
    ApiError::Forbidden("the link is invalid or has expired".into())
}

async fn put_blob(
    State(s): State<BlobState>,
    Path(key): Path<String>,
    Query(q): Query<Signed>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    if !s.store.verify("PUT", &key, q.expires, &q.signature) {
        return Err(link_refused());
    }
    // A presigned PUT creates its object once, as on S3 with the link's `If-None-Match: *`.
    s.store.put_new(&key, body).await.map_err(blob_error)?;
    Ok(StatusCode::OK)
}

async fn get_blob(
    State(s): State<BlobState>,
    Path(key): Path<String>,
    Query(q): Query<Signed>,
) -> Result<Response, ApiError> {
    if !s.store.verify("GET", &key, q.expires, &q.signature) {
        return Err(link_refused());
    }
    let bytes = s.store.get(&key).await.map_err(blob_error)?;
    let name = co2_platform::blob::safe_file_name(key.rsplit('/').next().unwrap_or("download"));
    let mut headers = HeaderMap::new();
    let ctype = if name.ends_with(".csv") { "text/csv; charset=utf-8" } else { "application/octet-stream" };
    headers.insert(header::CONTENT_TYPE, ctype.parse().map_err(ApiError::internal)?);
    headers.insert(
        header::CONTENT_DISPOSITION,
        format!("attachment; filename=\"{name}\"").parse().map_err(ApiError::internal)?,
    );
    Ok((headers, bytes).into_response())
}

/// Watches `<root>/dropbox` and announces every new or changed file once it has stopped growing,
/// as S3 would with an ObjectCreated notification. Restarting re-announces existing files; the
/// ingest step recognises versions it has processed, so nothing is loaded twice.
pub async fn watch_dropbox(store: Arc<LocalBlob>, every: Duration) {
    let mut seen: HashMap<String, (u64, SystemTime, bool)> = HashMap::new();
    loop {
        if let Err(e) = scan_dropbox(&store, &mut seen).await {
            tracing::warn!(error.message = %e, "dropbox.scan_failed");
        }
        tokio::time::sleep(every).await;
    }
}

async fn scan_dropbox(store: &LocalBlob, seen: &mut HashMap<String, (u64, SystemTime, bool)>) -> anyhow::Result<()> {
    for key in store.list("dropbox/").await? {
        // Our own answers to drops are not drops.
        if key.ends_with(co2_dropbox::RESULT_SUFFIX) {
            continue;
        }
        let path: PathBuf = store.root().join(&key);
        let Ok(meta) = tokio::fs::metadata(&path).await else {
            continue;
        };
        let (len, modified) = (meta.len(), meta.modified()?);
        let entry = seen.entry(key.clone()).or_insert((u64::MAX, SystemTime::UNIX_EPOCH, false));
        if entry.0 == len && entry.1 == modified {
            // Stable since the last scan: announce it once.
            if !entry.2 {
                let bytes = tokio::fs::read(&path).await?;
                store.notify_created(&key, bytes.len() as u64, &co2_platform::blob::etag_of(&bytes)).await?;
                entry.2 = true;
                tracing::info!(key, "dropbox.file_announced");
            }
        } else {
            *entry = (len, modified, false);
        }
    }
    Ok(())
}
