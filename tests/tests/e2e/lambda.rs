//! The same binaries on AWS Lambda: each started with `AWS_LAMBDA_RUNTIME_API` pointing at a
//! Lambda runtime API emulator (`cargo lambda watch --only-lambda-apis`, from the `cargo-lambda`
//! crate; `make test-rust` installs it), invoked through the emulator's Invoke API with the
//! events Lambda delivers: an API Gateway HTTP API (v2) request for an API function, an SQS
//! batch for a step, which reports the messages to retry as a partial batch failure.
//!
//! The functions get the environment of their Knative Service (the same configuration serves
//! both platforms), with the database tier and moto behind it.

use co2_e2e::cluster::{Objects, Running, free_port, one_by_one, service, session_token, wait_listening};
use serde_json::{Value, json};
use sqlx::PgPool;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The emulator's binary: `CO2_CARGO_LAMBDA`, set by `make test-rust` once it is installed.
fn cargo_lambda() -> PathBuf {
    let path = std::env::var_os("CO2_CARGO_LAMBDA")
        .map(PathBuf::from)
        .expect("CO2_CARGO_LAMBDA: make test-rust installs cargo-lambda and names it");
    assert!(path.exists(), "{} is missing", path.display());
    path
}

/// The emulator and the functions it serves.
struct LambdaHost {
    port: u16,
    logs: co2_testkit::TempDir,
    _processes: Vec<Running>,
    http: reqwest::Client,
}

impl LambdaHost {
    /// Starts the emulator, then each of `functions` as a Lambda function of that name.
    fn start(functions: &[&str], objects: &Objects) -> LambdaHost {
        let logs = co2_testkit::TempDir::new();
        let port = free_port();
        let log = logs.0.join("emulator.log");
        let emulator = Command::new(cargo_lambda())
            .args(["lambda", "watch", "--only-lambda-apis", "--invoke-address", "127.0.0.1", "--invoke-port"])
            .arg(port.to_string())
            // The emulator lists the workspace's binaries (cargo metadata) to know the functions.
            .current_dir(co2_e2e::knative_dir().join(".."))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("cargo-lambda");
        let mut processes = vec![Running(emulator)];
        wait_listening("the Lambda runtime API emulator", port, Some(log.as_path()));
        for function in functions {
            let child = Command::new(co2_e2e::binary(function))
                .env_clear()
                .env("PATH", std::env::var("PATH").unwrap_or_default())
                .envs(service(function).environment(objects))
                .env("AWS_LAMBDA_RUNTIME_API", format!("http://127.0.0.1:{port}/.rt/{function}"))
                .env("AWS_LAMBDA_FUNCTION_NAME", function)
                .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
                .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
                .env("RUST_LOG", "info")
                .stdout(std::fs::File::create(logs.0.join(format!("{function}.log"))).unwrap())
                .stderr(std::fs::File::create(logs.0.join(format!("{function}.stderr"))).unwrap())
                .spawn()
                .unwrap_or_else(|e| panic!("{function}: {e}"));
            processes.push(Running(child));
        }
        let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap();
        LambdaHost { port, logs, _processes: processes, http }
    }

    /// Invokes `function` with `event` (Lambda's Invoke API, request-response) and returns what
    /// the function answered.
    async fn invoke(&self, function: &str, event: &Value) -> Value {
        let url = format!("http://127.0.0.1:{}/2015-03-31/functions/{function}/invocations", self.port);
        let res = self.http.post(url).json(event).send().await.unwrap_or_else(|e| panic!("{e}\n{}", self.logs()));
        let status = res.status();
        let body = res.text().await.unwrap();
        assert!(status.is_success(), "invoke {function}: {status} {body}\n{}", self.logs());
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
    }

    fn logs(&self) -> String {
        let mut out = String::new();
        for entry in std::fs::read_dir(&self.logs.0).unwrap().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let tail: Vec<_> = text.lines().rev().take(20).collect();
            out.push_str(&format!("--- {} (newest first)\n{}\n", entry.file_name().to_string_lossy(), tail.join("\n")));
        }
        out
    }
}

/// An API Gateway HTTP API (payload format 2.0) request, as the gateway hands it to Lambda.
fn http_api_event(method: &str, path: &str, query: &str, bearer: Option<&str>) -> Value {
    let mut headers = json!({
        "accept": "application/json",
        "host": "abc123.execute-api.eu-central-2.amazonaws.com",
        "user-agent": "curl/8.5.0",
        "x-forwarded-for": "192.0.2.10",
        "x-forwarded-proto": "https",
    });
    if let Some(token) = bearer {
        headers["authorization"] = json!(format!("Bearer {token}"));
    }
    let query_parameters: serde_json::Map<String, Value> =
        query.split('&').filter_map(|kv| kv.split_once('=')).map(|(k, v)| (k.to_owned(), json!(v))).collect();
    let now = chrono::Utc::now();
    json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": headers,
        "queryStringParameters": query_parameters,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": "abc123.execute-api.eu-central-2.amazonaws.com",
            "domainPrefix": "abc123",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "192.0.2.10", "userAgent": "curl/8.5.0"},
            "requestId": uuid::Uuid::new_v4().to_string(),
            "routeKey": "$default",
            "stage": "$default",
            "time": now.format("%d/%b/%Y:%H:%M:%S +0000").to_string(),
            "timeEpoch": now.timestamp_millis(),
        },
        "isBase64Encoded": false,
    })
}

/// One record of an SQS event, as Lambda's event source mapping builds it from a received message.
fn sqs_record(message: &aws_sdk_sqs::types::Message, queue_arn: &str) -> Value {
    let attributes: serde_json::Map<String, Value> =
        message.attributes().into_iter().flatten().map(|(k, v)| (k.as_str().to_owned(), json!(v))).collect();
    json!({
        "messageId": message.message_id().unwrap(),
        "receiptHandle": message.receipt_handle().unwrap(),
        "body": message.body().unwrap(),
        "attributes": attributes,
        "messageAttributes": {},
        "md5OfBody": message.md5_of_body().unwrap_or_default(),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": "us-east-1",
    })
}

/// One of the installation's queues (`name` without the test's suffix).
struct Queue {
    url: String,
    arn: String,
}

async fn queue(cloud: &co2_e2e::cloud::Cloud, name: &str) -> Queue {
    use aws_sdk_sqs::types::QueueAttributeName;
    let found = cloud.sqs.get_queue_url().queue_name(format!("{name}{}", cloud.suffix)).send().await.unwrap();
    let url = found.queue_url().unwrap().to_owned();
    let attributes =
        cloud.sqs.get_queue_attributes().queue_url(&url).attribute_names(QueueAttributeName::QueueArn).send().await;
    let arn = attributes.unwrap().attributes().unwrap()[&QueueAttributeName::QueueArn].clone();
    Queue { url, arn }
}

/// Up to 10 waiting messages, with the attributes Lambda's event source mapping passes on.
async fn receive(cloud: &co2_e2e::cloud::Cloud, queue: &Queue) -> Vec<aws_sdk_sqs::types::Message> {
    let batch = cloud
        .sqs
        .receive_message()
        .queue_url(&queue.url)
        .max_number_of_messages(10)
        .wait_time_seconds(1)
        .message_system_attribute_names(aws_sdk_sqs::types::MessageSystemAttributeName::All)
        .send()
        .await
        .unwrap();
    batch.messages().to_vec()
}

/// What Lambda's event source mapping does for `name`: receives what is waiting, invokes
/// `function` with it as one SQS event, deletes what the function did not report as failed.
async fn deliver(host: &LambdaHost, cloud: &co2_e2e::cloud::Cloud, name: &str, function: &str) -> usize {
    let queue = queue(cloud, name).await;
    let messages = receive(cloud, &queue).await;
    if messages.is_empty() {
        return 0;
    }
    let records: Vec<Value> = messages.iter().map(|m| sqs_record(m, &queue.arn)).collect();
    let response = host.invoke(function, &json!({ "Records": records })).await;
    let failed: Vec<&str> =
        response["batchItemFailures"].as_array().unwrap().iter().filter_map(|f| f["itemIdentifier"].as_str()).collect();
    for m in messages.iter().filter(|m| !failed.contains(&m.message_id().unwrap())) {
        cloud
            .sqs
            .delete_message()
            .queue_url(&queue.url)
            .receipt_handle(m.receipt_handle().unwrap())
            .send()
            .await
            .unwrap();
    }
    messages.len()
}

/// The storage notifications of `keys` (URL-encoded in their bodies), received from the ingest
/// queue, with its ARN.
async fn notifications(cloud: &co2_e2e::cloud::Cloud, keys: &[&str]) -> (Vec<aws_sdk_sqs::types::Message>, String) {
    let ingest = queue(cloud, "co2-ingest").await;
    let mut found = vec![None; keys.len()];
    let deadline = Instant::now() + Duration::from_secs(30);
    while found.iter().any(Option::is_none) {
        assert!(Instant::now() < deadline, "no notification for {keys:?}");
        for m in receive(cloud, &ingest).await {
            let decoded = percent_encoding::percent_decode_str(m.body().unwrap_or_default()).decode_utf8_lossy();
            if let Some(i) = keys.iter().position(|k| decoded.contains(k)) {
                found[i] = Some(m);
            }
        }
    }
    (found.into_iter().map(Option::unwrap).collect(), ingest.arn)
}

async fn drop_job(pool: &PgPool, key: &str) -> Option<(String, i64)> {
    sqlx::query_as(
        "select j.state, j.rows_ok from job j join upload u on u.job_id = j.job_id
         where u.object_key = $1",
    )
    .bind(key)
    .fetch_optional(pool)
    .await
    .unwrap()
}

async fn wait_drop_job(pool: &PgPool, key: &str, host: &LambdaHost) -> (String, i64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some((state, rows)) = drop_job(pool, key).await
            && (state == "succeeded" || state == "failed")
        {
            return (state, rows);
        }
        assert!(Instant::now() < deadline, "the job of {key} did not end\n{}", host.logs());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// An API function answers API Gateway HTTP API events from the database, for the caller the
/// bearer token names; a step takes an SQS batch of a processable drop, a poison message and a
/// drop it cannot read yet (an archived object), and reports only the last for redelivery —
/// which, once the object is readable, completes; step-aggregate, on Lambda too, publishes what
/// step-ingest queued for it.
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn api_and_step_functions_run_under_a_lambda_runtime(pool: PgPool) {
    let (cloud, objects) = one_by_one(&pool, "https://co2.example.org").await;
    let host = LambdaHost::start(&["api-reference", "step-ingest", "step-aggregate"], &objects);

    // API Gateway → api-reference.
    let keys = co2_e2e::cluster::cluster_session_keys(&cloud.suffix);
    let token = session_token(&pool, &keys, "standard", Some("9001")).await;
    let answer = host
        .invoke("api-reference", &http_api_event("GET", "/api/v1/reference/airports", "q=Geneva", Some(&token)))
        .await;
    assert_eq!(answer["statusCode"], 200, "{answer}");
    let body = answer["body"].as_str().expect("a text body");
    let airports: Value = serde_json::from_str(body).unwrap();
    assert!(airports.as_array().unwrap().iter().any(|a| a["iata_code"] == "GVA"), "{airports}");
    let refused =
        host.invoke("api-reference", &http_api_event("GET", "/api/v1/reference/airports", "q=Geneva", None)).await;
    assert_eq!(refused["statusCode"], 401, "{refused}");
    let envelope: Value = serde_json::from_str(refused["body"].as_str().unwrap()).unwrap();
    assert!(envelope["error"]["code"].is_string(), "{envelope}");

    // Two drops: one readable now, one archived (S3 refuses to read it until it is restored).
    let (ready, archived) = ("dropbox/9001/2025/equipment.csv", "dropbox/9001/2025/professional_travel/train.csv");
    cloud
        .s3
        .put_object()
        .bucket(&cloud.bucket)
        .key(ready)
        .body(crate::support::demo_equipment().into())
        .send()
        .await
        .unwrap();
    let trains = std::fs::read(co2_e2e::data_dir().join("demo/travel_trains.csv")).unwrap();
    cloud
        .s3
        .put_object()
        .bucket(&cloud.bucket)
        .key(archived)
        .storage_class(aws_sdk_s3::types::StorageClass::Glacier)
        .body(trains.clone().into())
        .send()
        .await
        .unwrap();
    let (messages, queue_arn) = notifications(&cloud, &[ready, archived]).await;
    let (ready_record, archived_record) = (sqs_record(&messages[0], &queue_arn), sqs_record(&messages[1], &queue_arn));
    let mut poison = ready_record.clone();
    poison["messageId"] = json!(uuid::Uuid::new_v4().to_string());
    poison["body"] = json!("this is not a storage notification");

    let batch = json!({"Records": [ready_record, poison, archived_record.clone()]});
    let response = host.invoke("step-ingest", &batch).await;
    assert_eq!(
        response,
        json!({"batchItemFailures": [{"itemIdentifier": archived_record["messageId"]}]}),
        "only the unreadable drop is left for redelivery\n{}",
        host.logs()
    );
    // step-ingest staged the readable drop and queued its publication for step-aggregate.
    assert_eq!(deliver(&host, &cloud, "co2-aggregate", "step-aggregate").await, 1, "{}", host.logs());
    assert_eq!(wait_drop_job(&pool, ready, &host).await, ("succeeded".into(), 41), "the readable drop");
    let (state, _) = drop_job(&pool, archived).await.expect("the archived drop's job exists");
    assert!(state == "queued" || state == "running", "the archived drop waits for its retry: {state}");

    // Restored (rewritten in the standard class), the redelivered message completes.
    cloud
        .s3
        .put_object()
        .bucket(&cloud.bucket)
        .key(archived)
        .storage_class(aws_sdk_s3::types::StorageClass::Standard)
        .body(trains.into())
        .send()
        .await
        .unwrap();
    let response = host.invoke("step-ingest", &json!({"Records": [archived_record.clone()]})).await;
    assert_eq!(response, json!({"batchItemFailures": []}), "{}", host.logs());
    assert_eq!(deliver(&host, &cloud, "co2-aggregate", "step-aggregate").await, 1, "{}", host.logs());
    let (state, rows) = wait_drop_job(&pool, archived, &host).await;
    assert_eq!(state, "succeeded", "{}", host.logs());
    assert!(rows > 0, "the trains were read: {rows}");
}
