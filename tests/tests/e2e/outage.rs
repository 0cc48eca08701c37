//! The S3+SQS server unreachable for 10 s in the middle of a run: the steps' calls fail, the
//! messages come back after their visibility timeout, and the job completes with exactly the
//! rows of an undisturbed run. The outage is a TCP proxy in front of the shared test server that
//! this test alone talks through, and that it closes (refusing and cutting connections) and
//! reopens on the same port.

use crate::support::{assert_matches_oracle, demo_equipment};
use co2_platform::blob::S3Blob;
use co2_platform::config::Profile;
use co2_platform::queue::SqsQueue;
use co2_testkit::call;
use http::Method;
use serde_json::json;
use sqlx::PgPool;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// A TCP proxy to `upstream` on a fixed local port; `stop` closes the port and every connection.
struct Proxy {
    addr: SocketAddr,
    upstream: String,
    tasks: JoinSet<()>,
}

impl Proxy {
    async fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut p = Proxy { addr, upstream, tasks: JoinSet::new() };
        p.serve(listener);
        p
    }

    fn serve(&mut self, listener: TcpListener) {
        let upstream = self.upstream.clone();
        self.tasks.spawn(async move {
            let mut conns = JoinSet::new();
            while let Ok((mut inbound, _)) = listener.accept().await {
                let upstream = upstream.clone();
                conns.spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
    }

    /// Closes the port and cuts every open connection (aborting the accept task drops them all).
    fn stop(&mut self) {
        self.tasks.abort_all();
    }

    async fn restart(&mut self) {
        let listener = TcpListener::bind(self.addr).await.expect("the same port again");
        self.serve(listener);
    }
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_10_second_storage_and_queue_outage_mid_run_delays_the_job_and_loses_nothing(pool: PgPool) {
    co2_testkit::seed(&pool).await;
    let moto = std::env::var("MOTO_ENDPOINT").expect("MOTO_ENDPOINT (make test starts the server)");
    let mut proxy = Proxy::start(moto.trim_start_matches("http://").trim_end_matches('/').to_owned()).await;
    let endpoint = format!("http://{}", proxy.addr);
    let cloud = crate::s3_sqs::Cloud::with_endpoint(&endpoint).await;
    let settings = co2_testkit::settings(Profile::Dev, &cloud.suffix);
    let ctx = co2_platform::Ctx {
        pools: co2_db::Pools::single(pool.clone()),
        blob: Arc::new(S3Blob::with_endpoint(cloud.bucket.clone(), true, endpoint.clone())),
        queue: Arc::new(SqsQueue::with_endpoint(endpoint.clone())),
        auth: Arc::new(co2_testkit::auth_keys(&settings)),
        settings: Arc::new(settings),
    };
    let app = devstack::app(&ctx, None, std::path::Path::new("/nonexistent"), None);
    let mut workers = JoinSet::new();
    for mut pump in devstack::pumps(&ctx, Duration::ZERO) {
        pump.visibility = Duration::from_secs(3);
        workers.spawn(pump.run());
    }
    let token = co2_testkit::mint_token(&ctx, "principal", Some("9001")).await;
    let res = call(
        &app,
        Method::POST,
        "/api/v1/uploads",
        Some(&token),
        Some(json!({"unit": "9001", "year": 2025, "module": "equipment", "filename": "e.csv", "mode": "replace"})),
    )
    .await;
    assert_eq!(res.status, 201);
    let up = res.json();
    let job_id = up["job_id"].as_str().unwrap().to_owned();
    assert_eq!(crate::s3_sqs::put_presigned(&up, demo_equipment()).await, 200);

    // The outage starts as soon as the file is stored: its notification is on its way through
    // SQS, and every step that follows needs the server (the pipeline takes well under a second
    // when the server is up, so waiting for a later point would race it).
    let job = |app: axum::Router, token: String, id: String| async move {
        call(&app, Method::GET, &format!("/api/v1/jobs/{id}"), Some(&token), None).await.json()
    };
    proxy.stop();
    let cut = Instant::now();
    tokio::time::sleep(Duration::from_secs(10)).await;
    let during = job(app.clone(), token.clone(), job_id.clone()).await;
    assert_ne!(during["state"], "succeeded", "the outage happened mid-run: {during}");
    proxy.restart().await;

    let deadline = Instant::now() + Duration::from_secs(90);
    let done = loop {
        let j = job(app.clone(), token.clone(), job_id.clone()).await;
        if j["state"] != "queued" && j["state"] != "running" || Instant::now() > deadline {
            break j;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    workers.abort_all();
    assert_eq!((done["state"].as_str(), done["rows_ok"].as_i64()), (Some("succeeded"), Some(41)), "{done}");
    assert!(cut.elapsed() >= Duration::from_secs(10));
    let entries = call(
        &app,
        Method::GET,
        "/api/v1/entries/units/9001/years/2025/modules/equipment?per_page=500",
        Some(&token),
        None,
    )
    .await
    .json();
    assert_eq!(entries["total"], 41, "no row twice");
    assert_matches_oracle(&entries);
}
