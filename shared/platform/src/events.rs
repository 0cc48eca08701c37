//! The messages steps receive: S3 ObjectCreated notifications (decoded leniently, as S3-compatible
//! servers omit optional fields and URL-encode keys) and our own typed step messages, each with a
//! `kind` and a `version`. Fixtures in `fixtures/` pin both formats.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A message that cannot be decoded: it is recorded and acknowledged, never retried.
#[derive(Debug, thiserror::Error)]
#[error("undecodable message: {0}")]
pub struct DecodeError(pub String);

/// One created object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectCreated {
    pub bucket: String,
    /// The decoded key.
    pub key: String,
    pub size: Option<u64>,
    /// Without quotes.
    pub etag: Option<String>,
    pub sequencer: Option<String>,
}

impl ObjectCreated {
    /// The idempotency key of the event: bucket, key and content version.
    pub fn natural_key(&self) -> String {
        let version = self.etag.as_deref().or(self.sequencer.as_deref()).unwrap_or("-");
        format!("s3:{}/{}#{}", self.bucket, self.key, version)
    }
}

/// A decoded S3 notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum S3Notification {
    /// Created objects (other event kinds are dropped).
    Created(Vec<ObjectCreated>),
    /// The `s3:TestEvent` sent when notifications are configured.
    Test,
}

#[derive(Deserialize)]
struct RawNotification {
    #[serde(rename = "Records", default)]
    records: Option<Vec<RawRecord>>,
    #[serde(rename = "Event", default)]
    event: Option<String>,
}

#[derive(Deserialize)]
struct RawRecord {
    #[serde(rename = "eventName", default)]
    event_name: String,
    s3: RawS3,
}

#[derive(Deserialize)]
struct RawS3 {
    bucket: RawBucket,
    object: RawObject,
}

#[derive(Deserialize)]
struct RawBucket {
    name: String,
}

#[derive(Deserialize)]
struct RawObject {
    key: String,
    #[serde(default)]
    size: Option<u64>,
    #[serde(rename = "eTag", default)]
    etag: Option<String>,
    #[serde(default)]
    sequencer: Option<String>,
}

/// Decodes an S3 key as notifications carry it (`+` for space, then percent-encoding).
pub fn decode_key(raw: &str) -> String {
    let plus = raw.replace('+', " ");
    percent_encoding::percent_decode_str(&plus).decode_utf8_lossy().into_owned()
}

/// Decodes an S3 notification body.
pub fn parse_s3_notification(body: &str) -> Result<S3Notification, DecodeError> {
    let raw: RawNotification =
        serde_json::from_str(body).map_err(|e| DecodeError(format!("not an S3 notification: {e}")))?;
    if raw.event.as_deref() == Some("s3:TestEvent") {
        return Ok(S3Notification::Test);
    }
    let records = raw.records.ok_or_else(|| DecodeError("S3 notification without Records".into()))?;
    Ok(S3Notification::Created(
        records
            .into_iter()
            .filter(|r| r.event_name.starts_with("ObjectCreated"))
            .map(|r| ObjectCreated {
                bucket: r.s3.bucket.name,
                key: decode_key(&r.s3.object.key),
                size: r.s3.object.size,
                etag: r.s3.object.etag.map(|e| e.trim_matches('"').to_owned()),
                sequencer: r.s3.object.sequencer,
            })
            .collect(),
    ))
}

/// Builds the notification S3 sends for a created object (used by the local store).
pub fn s3_object_created(bucket: &str, key: &str, size: u64, etag: &str) -> String {
    let encoded: String = key
        .split('/')
        .map(|s| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string())
        .collect::<Vec<_>>()
        .join("/");
    serde_json::json!({
        "Records": [{
            "eventVersion": "2.1",
            "eventSource": "aws:s3",
            "awsRegion": "local",
            "eventTime": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "eventName": "ObjectCreated:Put",
            "s3": {
                "s3SchemaVersion": "1.0",
                "bucket": {"name": bucket},
                "object": {"key": encoded, "size": size, "eTag": etag}
            }
        }]
    })
    .to_string()
}

/// Our own step messages (JSON in the queue body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepMessage {
    /// Compute the emissions of a job's entries.
    Compute(ComputeMessage),
    /// Publish a job's entries and refresh a module's aggregates.
    Aggregate(AggregateMessage),
    /// Compute one slice of a recalculation job again with the current factors.
    Recalculate(RecalculateMessage),
    /// Run the jobs sweeper (sent every minute by a schedule).
    Sweep(SweepMessage),
    /// Build an export job's file.
    Export(ExportMessage),
}

/// `kind = export`: what to build lives in the job's `export` row, so a message cannot widen
/// the scope the API resolved for the requester.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportMessage {
    pub version: u32,
    pub job_id: Uuid,
    /// The primary's position when the export was asked for: the step reads its figures on the
    /// replica only once it has replayed that far (ADR 0012). Absent in older messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consistent_with: Option<String>,
}

/// `kind = sweep`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepMessage {
    pub version: u32,
}

/// `kind = recalculate`: the slice is identified by (job, slice number); its bounds live in the
/// database, so a message cannot widen what it recomputes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecalculateMessage {
    pub version: u32,
    pub job_id: Uuid,
    pub slice_no: i32,
}

/// `kind = compute`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComputeMessage {
    pub version: u32,
    pub job_id: Uuid,
    pub report_module_id: Uuid,
}

/// `kind = aggregate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AggregateMessage {
    pub version: u32,
    pub job_id: Option<Uuid>,
    pub report_module_id: Uuid,
}

/// Current version of the step messages.
pub const STEP_MESSAGE_VERSION: u32 = 1;

impl StepMessage {
    /// Decodes a queue body; unknown kinds and newer versions are poison.
    pub fn parse(body: &str) -> Result<StepMessage, DecodeError> {
        let msg: StepMessage =
            serde_json::from_str(body).map_err(|e| DecodeError(format!("not a step message: {e}")))?;
        let version = match &msg {
            StepMessage::Compute(m) => m.version,
            StepMessage::Aggregate(m) => m.version,
            StepMessage::Recalculate(m) => m.version,
            StepMessage::Sweep(m) => m.version,
            StepMessage::Export(m) => m.version,
        };
        if version != STEP_MESSAGE_VERSION {
            return Err(DecodeError(format!("unsupported step message version {version}")));
        }
        Ok(msg)
    }

    /// The JSON body.
    pub fn to_body(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn a_moto_notification_decodes_with_url_encoded_keys_and_no_optional_fields() {
        let n = parse_s3_notification(&fixture("s3_put_moto.json")).unwrap();
        let S3Notification::Created(objs) = n else { panic!("expected created objects") };
        assert_eq!(objs.len(), 1);
        assert_eq!(objs[0].key, "dropbox/9001/2025/equipment list.csv");
        assert_eq!(objs[0].etag.as_deref(), Some("6f1ed002ab5595859014ebf0951522d9"));
        assert_eq!(
            objs[0].natural_key(),
            "s3:co2-calculator/dropbox/9001/2025/equipment list.csv#6f1ed002ab5595859014ebf0951522d9"
        );
    }

    #[test]
    fn an_aws_notification_with_every_field_decodes() {
        let S3Notification::Created(objs) = parse_s3_notification(&fixture("s3_put_aws.json")).unwrap() else {
            panic!("expected created objects")
        };
        assert_eq!(objs[0].key, "uploads/0193a0c4-7d2e-7000-8000-000000000001/equipments.csv");
        assert_eq!(objs[0].sequencer.as_deref(), Some("0062E99A88DC407460"));
    }

    #[test]
    fn the_test_event_is_recognised_and_garbage_is_poison() {
        assert_eq!(parse_s3_notification(&fixture("s3_test_event.json")).unwrap(), S3Notification::Test);
        assert!(parse_s3_notification("not json").is_err());
        assert!(parse_s3_notification("{}").is_err());
    }

    #[test]
    fn a_locally_built_notification_round_trips() {
        let body = s3_object_created("local", "dropbox/9001/2025/equipment é+1.csv", 10, "abc");
        let S3Notification::Created(objs) = parse_s3_notification(&body).unwrap() else { panic!() };
        assert_eq!(objs[0].key, "dropbox/9001/2025/equipment é+1.csv");
        assert_eq!(objs[0].size, Some(10));
    }

    #[test]
    fn step_messages_match_their_fixtures() {
        for name in [
            "compute_message_v1.json",
            "aggregate_message_v1.json",
            "export_message_v1.json",
            "export_message_v1_consistent.json",
        ] {
            let text = fixture(name);
            let msg = StepMessage::parse(&text).unwrap();
            let expected: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(serde_json::from_str::<serde_json::Value>(&msg.to_body()).unwrap(), expected);
        }
        assert!(StepMessage::parse(r#"{"kind":"compute","version":2,"job_id":"0193a0c4-7d2e-7000-8000-00000000000a","report_module_id":"0193a0c4-7d2e-7000-8000-00000000000b"}"#).is_err());
        assert!(StepMessage::parse(r#"{"kind":"explode"}"#).is_err());
    }
}
