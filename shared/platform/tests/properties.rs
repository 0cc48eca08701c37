//! Properties of the event decoders on generated input: S3 notifications, step messages and
//! CloudEvents never make a step panic; what we encode decodes to the same thing. `make fuzz`
//! runs many more cases (`PROPTEST_CASES`).

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use bytes::Bytes;
use co2_platform::events::{
    AggregateMessage, ComputeMessage, S3Notification, STEP_MESSAGE_VERSION, StepMessage, decode_key,
    parse_s3_notification, s3_object_created,
};
use co2_platform::step::parse_cloudevent;
use proptest::prelude::*;

/// JSON-looking text: fragments of notifications and messages, shuffled and cut.
fn jsonish() -> impl Strategy<Value = String> {
    let fragments = prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"Records\"",
        "\"s3\"",
        "\"object\"",
        "\"key\"",
        "\"bucket\"",
        "\"name\"",
        "\"eventName\"",
        "\"ObjectCreated:Put\"",
        "\"size\"",
        "-1",
        "1e999",
        "null",
        "\"kind\"",
        "\"compute\"",
        "\"version\"",
        "1",
        "\"job_id\"",
        "\"%ZZ%\"",
        "\"a+b%2Fc\"",
        "\"\\u0000\"",
        "true",
    ]);
    proptest::collection::vec(fragments, 0..40).prop_map(|f| f.concat())
}

proptest! {
    #[test]
    fn any_notification_body_decodes_or_is_refused(body in prop_oneof![jsonish(), any::<String>()]) {
        let _ = parse_s3_notification(&body);
        let _ = StepMessage::parse(&body);
    }

    /// A created object's key, however written (spaces, `+`, `%`, accents, slashes), comes out of
    /// the notification we encode as it went in.
    #[test]
    fn a_key_survives_its_notification(
        key in "[a-zA-Z0-9 +%/._éü€-]{1,80}",
        size in any::<u64>(),
    ) {
        let body = s3_object_created("bucket", &key, size, "etag");
        match parse_s3_notification(&body).unwrap() {
            S3Notification::Created(objects) => {
                prop_assert_eq!(objects.len(), 1);
                prop_assert_eq!(&objects[0].key, &key);
                prop_assert_eq!(objects[0].size, Some(size));
            }
            S3Notification::Test => prop_assert!(false, "not a test event"),
        }
    }

    #[test]
    fn any_raw_key_decodes_without_panicking(raw in any::<String>()) {
        let _ = decode_key(&raw);
    }

    #[test]
    fn a_step_message_survives_its_body(job in any::<u128>(), module in any::<u128>(), compute in any::<bool>()) {
        let (job_id, report_module_id) = (uuid::Uuid::from_u128(job), uuid::Uuid::from_u128(module));
        let message = if compute {
            StepMessage::Compute(ComputeMessage { version: STEP_MESSAGE_VERSION, job_id, report_module_id })
        } else {
            StepMessage::Aggregate(AggregateMessage { version: STEP_MESSAGE_VERSION, job_id: Some(job_id), report_module_id })
        };
        prop_assert_eq!(StepMessage::parse(&message.to_body()).unwrap(), message);
    }

    /// Any headers and body: a CloudEvent is read, or refused with a reason (the step answers 400
    /// and the source does not redeliver a request that can never be read).
    #[test]
    fn any_request_is_a_cloudevent_or_refused(
        headers in proptest::collection::vec(
            (prop::sample::select(vec!["ce-id", "ce-type", "ce-source", "content-type", "ce-specversion", "x-other"]),
             "[ -~]{0,40}"),
            0..6,
        ),
        structured in any::<bool>(),
        body in prop_oneof![jsonish(), any::<String>()],
    ) {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                map.insert(HeaderName::from_static(name), v);
            }
        }
        if structured {
            map.insert("content-type", HeaderValue::from_static("application/cloudevents+json"));
        }
        if let Err(e) = parse_cloudevent(&map, Bytes::from(body)) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    /// A structured CloudEvent's `data_base64` gives exactly its bytes.
    #[test]
    fn structured_data_base64_gives_its_bytes(data in proptest::collection::vec(any::<u8>(), 0..200), id in "[a-zA-Z0-9-]{1,20}") {
        use base64::Engine;
        let event = serde_json::json!({"specversion": "1.0", "id": id, "type": "t", "source": "s",
            "data_base64": base64::engine::general_purpose::STANDARD.encode(&data)});
        let mut map = HeaderMap::new();
        map.insert("content-type", HeaderValue::from_static("application/cloudevents+json"));
        let input = parse_cloudevent(&map, Bytes::from(event.to_string())).unwrap();
        prop_assert_eq!(input.id, id);
        prop_assert_eq!(input.data.as_ref(), data.as_slice());
    }
}
