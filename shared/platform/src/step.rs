//! The step runtime. A step is a handler of one message. On Knative it is an HTTP function that
//! receives one CloudEvent per SQS message (binary or structured mode) from an `IntegrationSource`:
//! 2xx acks the message, anything else leaves it to be redelivered after the visibility timeout.
//! On Lambda (`AWS_LAMBDA_RUNTIME_API`) the same handler runs under the SQS batch handler with
//! partial batch failures.
//!
//! Handlers separate poison (undecodable: recorded and acknowledged) from transient failures
//! (retried). Steps must be idempotent: every message may arrive more than once.

use async_trait::async_trait;
use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use std::sync::Arc;

/// The message a step handles, whatever transport brought it.
#[derive(Debug, Clone)]
pub struct StepInput {
    /// The transport's id of this delivery, for the logs (the SQS message id on Lambda; the
    /// source's CloudEvent id on Knative, which is not the SQS message id). Never used to
    /// deduplicate: steps are idempotent by what the message says.
    pub id: String,
    pub event_type: String,
    pub source: String,
    /// The SQS message body.
    pub data: Bytes,
}

/// Why a step did not complete.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// Retry later: the database or storage was unavailable, or a race to be re-run.
    #[error("transient failure: {0:#}")]
    Retryable(anyhow::Error),
    /// Never retry: the message cannot be processed (already recorded where it matters).
    #[error("poison message: {0:#}")]
    Poison(anyhow::Error),
    /// Never retry: the work itself failed in a way a redelivery would repeat (a constraint the
    /// data breaks, a bug). The job it served is failed with a reason
    /// ([`fail_job_if_permanent`]) and the message acknowledged, instead of being retried until
    /// it is dead-lettered.
    #[error("permanent failure: {0:#}")]
    Permanent(anyhow::Error),
}

impl From<co2_db::DbError> for StepError {
    fn from(e: co2_db::DbError) -> Self {
        // Only what may pass (connection trouble, pool exhaustion, serialisation, failover) is
        // retried; a constraint violation would fail the same way at every redelivery.
        if e.is_transient() { StepError::Retryable(e.into()) } else { StepError::Permanent(e.into()) }
    }
}

impl From<sqlx::Error> for StepError {
    fn from(e: sqlx::Error) -> Self {
        co2_db::DbError::from(e).into()
    }
}

/// What a job's owner reads when its processing failed permanently: the cause is in the logs
/// (it may name internals), the job's id leads there.
pub const PERMANENT_FAILURE_REASON: &str = "processing stopped on an internal error that retrying would repeat; the IT manager can find the cause by this job's id";

/// Ends `job_id` as failed when `result` is a permanent failure (logging its cause once), so the
/// job neither waits for the sweeper nor goes through every redelivery. A failure to record it
/// is itself transient and retried.
pub async fn fail_job_if_permanent(
    db: &co2_db::Db,
    job_id: uuid::Uuid,
    result: Result<(), StepError>,
) -> Result<(), StepError> {
    match result {
        Err(StepError::Permanent(e)) => {
            tracing::error!(%job_id, error.message = %e, error.cause_chain = ?e, "job.failed_permanently");
            co2_db::job::fail(db, job_id, PERMANENT_FAILURE_REASON)
                .await
                .map_err(|e| StepError::Retryable(e.into()))?;
            Ok(())
        }
        other => other,
    }
}

impl From<crate::blob::BlobError> for StepError {
    fn from(e: crate::blob::BlobError) -> Self {
        StepError::Retryable(e.into())
    }
}

impl From<crate::queue::QueueError> for StepError {
    fn from(e: crate::queue::QueueError) -> Self {
        StepError::Retryable(e.into())
    }
}

/// A step's message handler.
#[async_trait]
pub trait StepHandler: Send + Sync + 'static {
    /// Handles one message.
    async fn handle(&self, input: StepInput) -> Result<(), StepError>;
}

/// The outcome of one delivery, for metrics and the transports.
fn outcome(step: &'static str, id: &str, result: &Result<(), StepError>) -> bool {
    let label = match result {
        Ok(()) => "processed",
        Err(StepError::Poison(_)) => "poison",
        Err(StepError::Permanent(_)) => "failed",
        Err(StepError::Retryable(_)) => "retry",
    };
    metrics::counter!("step_messages_total", "step" => step, "outcome" => label).increment(1);
    match result {
        Ok(()) => {
            tracing::debug!(step, message_id = id, "step.message_processed");
            true
        }
        Err(StepError::Poison(e)) => {
            tracing::warn!(step, message_id = id, error.message = %e, error.cause_chain = ?e, "step.poison_acknowledged");
            true
        }
        Err(StepError::Permanent(e)) => {
            tracing::error!(step, message_id = id, error.message = %e, error.cause_chain = ?e, "step.failure_acknowledged");
            true
        }
        Err(StepError::Retryable(e)) => {
            tracing::error!(step, message_id = id, error.message = %e, error.cause_chain = ?e, "step.retry_requested");
            false
        }
    }
}

/// A malformed CloudEvent request.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CloudEventError(String);

/// Reads a CloudEvent from an HTTP request: binary mode (`ce-*` headers, body = data) or
/// structured mode (`application/cloudevents+json`, `data` or `data_base64`).
pub fn parse_cloudevent(headers: &HeaderMap, body: Bytes) -> Result<StepInput, CloudEventError> {
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let content_type = header("content-type").unwrap_or_default();
    if content_type.starts_with("application/cloudevents+json") {
        let v: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|e| CloudEventError(format!("structured CloudEvent is not JSON: {e}")))?;
        let field = |n: &str| v.get(n).and_then(|x| x.as_str()).map(str::to_owned);
        let id = field("id").ok_or_else(|| CloudEventError("CloudEvent without id".into()))?;
        let event_type = field("type").ok_or_else(|| CloudEventError("CloudEvent without type".into()))?;
        let source = field("source").unwrap_or_default();
        let data = if let Some(b64) = field("data_base64") {
            use base64::Engine;
            Bytes::from(
                base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map_err(|e| CloudEventError(format!("data_base64: {e}")))?,
            )
        } else {
            match v.get("data") {
                Some(serde_json::Value::String(s)) => Bytes::from(s.clone()),
                Some(other) => Bytes::from(other.to_string()),
                None => Bytes::new(),
            }
        };
        return Ok(StepInput { id, event_type, source, data });
    }
    let id =
        header("ce-id").ok_or_else(|| CloudEventError("missing ce-id header (binary CloudEvent expected)".into()))?;
    let event_type = header("ce-type").ok_or_else(|| CloudEventError("missing ce-type header".into()))?;
    Ok(StepInput { id, event_type, source: header("ce-source").unwrap_or_default(), data: body })
}

#[derive(Clone)]
struct StepState {
    name: &'static str,
    handler: Arc<dyn StepHandler>,
}

/// The HTTP face of a step: `POST /` with a CloudEvent.
pub fn step_router(name: &'static str, handler: Arc<dyn StepHandler>) -> Router {
    Router::new().route("/", post(receive)).with_state(StepState { name, handler })
}

async fn receive(State(s): State<StepState>, headers: HeaderMap, body: Bytes) -> Response {
    let input = match parse_cloudevent(&headers, body) {
        Ok(i) => i,
        Err(e) => {
            return crate::ApiError::bad_request("invalid_cloudevent", e.to_string()).into_response();
        }
    };
    let id = input.id.clone();
    let result = s.handler.handle(input).await;
    if outcome(s.name, &id, &result) {
        StatusCode::OK.into_response()
    } else {
        crate::ApiError::Unavailable(anyhow::anyhow!("step {} will be retried", s.name)).into_response()
    }
}

/// Runs a step: under Lambda's SQS batch handler when `AWS_LAMBDA_RUNTIME_API` is set, else as a
/// Knative HTTP function receiving CloudEvents.
pub async fn run_step(name: &'static str, handler: Arc<dyn StepHandler>, db: Option<co2_db::Db>) -> anyhow::Result<()> {
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        let run = lambda_runtime::service_fn(move |event: lambda_runtime::LambdaEvent<SqsEvent>| {
            let handler = handler.clone();
            async move { Ok::<_, lambda_runtime::Error>(sqs_batch(name, handler.as_ref(), event.payload).await) }
        });
        return lambda_runtime::run(run).await.map_err(|e| anyhow::anyhow!("lambda runtime: {e}"));
    }
    crate::serve(name, step_router(name, handler), db).await
}

/// Handles an SQS batch; failed records are reported so only they are redelivered.
pub async fn sqs_batch(name: &'static str, handler: &dyn StepHandler, event: SqsEvent) -> SqsBatchResponse {
    let mut response = SqsBatchResponse::default();
    for record in event.records {
        let id = record.message_id.clone().unwrap_or_default();
        let input = StepInput {
            id: id.clone(),
            event_type: "aws.sqs.message".into(),
            source: record.event_source_arn.clone().unwrap_or_default(),
            data: Bytes::from(record.body.unwrap_or_default()),
        };
        let result = handler.handle(input).await;
        if !outcome(name, &id, &result) {
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = id;
            response.batch_item_failures.push(failure);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_and_structured_cloudevents_give_the_same_input() {
        let mut h = HeaderMap::new();
        h.insert("ce-id", "m-1".parse().unwrap());
        h.insert("ce-type", "dev.knative.connector.event.aws-sqs".parse().unwrap());
        h.insert("ce-source", "dev.knative.eventing.aws-sqs-source".parse().unwrap());
        h.insert("ce-specversion", "1.0".parse().unwrap());
        let binary = parse_cloudevent(&h, Bytes::from_static(b"{\"a\":1}")).unwrap();

        let mut s = HeaderMap::new();
        s.insert("content-type", "application/cloudevents+json; charset=utf-8".parse().unwrap());
        let body = r#"{"specversion":"1.0","id":"m-1","type":"dev.knative.connector.event.aws-sqs","source":"x","data":"{\"a\":1}"}"#;
        let structured = parse_cloudevent(&s, Bytes::from(body)).unwrap();
        assert_eq!(binary.id, structured.id);
        assert_eq!(binary.data, structured.data);

        let b64 = r#"{"specversion":"1.0","id":"m-2","type":"t","source":"x","data_base64":"eyJhIjoxfQ=="}"#;
        assert_eq!(parse_cloudevent(&s, Bytes::from(b64)).unwrap().data, Bytes::from_static(b"{\"a\":1}"));
    }

    struct ByBody;

    #[async_trait]
    impl StepHandler for ByBody {
        async fn handle(&self, input: StepInput) -> Result<(), StepError> {
            match &input.data[..] {
                b"retry" => Err(StepError::Retryable(anyhow::anyhow!("database down"))),
                b"poison" => Err(StepError::Poison(anyhow::anyhow!("garbage"))),
                _ => Ok(()),
            }
        }
    }

    #[tokio::test]
    async fn an_sqs_batch_reports_only_the_messages_to_retry() {
        let records = [("m1", "ok"), ("m2", "retry"), ("m3", "poison"), ("m4", "retry")]
            .into_iter()
            .map(|(id, body)| {
                let mut m = aws_lambda_events::event::sqs::SqsMessage::default();
                m.message_id = Some(id.into());
                m.body = Some(body.into());
                m
            })
            .collect();
        let mut event = SqsEvent::default();
        event.records = records;
        let response = sqs_batch("test", &ByBody, event).await;
        let failed: Vec<_> = response.batch_item_failures.iter().map(|f| f.item_identifier.as_str()).collect();
        assert_eq!(failed, ["m2", "m4"]);
    }

    #[tokio::test]
    async fn over_http_poison_is_acked_and_transient_failures_are_not() {
        use tower::ServiceExt;
        let router = step_router("test", Arc::new(ByBody));
        let status = |body: &'static str| {
            let router = router.clone();
            async move {
                let req = axum::http::Request::post("/")
                    .header("ce-id", "1")
                    .header("ce-type", "t")
                    .header("ce-source", "s")
                    .header("ce-specversion", "1.0")
                    .body(axum::body::Body::from(body))
                    .unwrap();
                router.oneshot(req).await.unwrap().status()
            }
        };
        assert_eq!(status("ok").await, StatusCode::OK);
        assert_eq!(status("poison").await, StatusCode::OK);
        assert_eq!(status("retry").await, StatusCode::SERVICE_UNAVAILABLE);
    }

    #[test]
    fn only_database_failures_that_may_pass_are_retried() {
        let constraint = co2_db::DbError::Constraint { constraint: "data_entry_member_key".into() };
        assert!(matches!(StepError::from(constraint), StepError::Permanent(_)));
        assert!(matches!(StepError::from(sqlx::Error::PoolTimedOut), StepError::Retryable(_)));
        assert!(matches!(
            StepError::from(sqlx::Error::Io(std::io::ErrorKind::ConnectionReset.into())),
            StepError::Retryable(_)
        ));
        assert!(matches!(StepError::from(sqlx::Error::ColumnNotFound("x".into())), StepError::Permanent(_)));
    }

    #[test]
    fn a_request_without_cloudevent_attributes_is_refused() {
        assert!(parse_cloudevent(&HeaderMap::new(), Bytes::from_static(b"{}")).is_err());
    }
}
