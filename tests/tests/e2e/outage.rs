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
    let cloud = co2_e2e::cloud::Cloud::with_endpoint(&endpoint).await;
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

/// A PostgreSQL cluster of this test's own (so stopping it disturbs no other test), started by
/// the same script as the shared one.
struct OwnDatabase {
    dir: co2_testkit::TempDir,
    port: u16,
}

impl OwnDatabase {
    fn start() -> OwnDatabase {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let db = OwnDatabase { dir: co2_testkit::TempDir::new(), port };
        db.run_script(&[db.dir.0.to_str().unwrap(), &port.to_string()]);
        db
    }

    fn run_script(&self, args: &[&str]) {
        let out = std::process::Command::new("bash")
            .arg(co2_e2e::data_dir().join("../scripts/pg.sh"))
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "pg.sh {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Stops the server (fast shutdown: sessions are ended, nothing is accepted).
    fn stop(&self) {
        self.run_script(&["stop", self.dir.0.to_str().unwrap()]);
    }

    fn restart(&self) {
        self.run_script(&[self.dir.0.to_str().unwrap(), &self.port.to_string()]);
    }

    fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }
}

impl Drop for OwnDatabase {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `rows` data rows made of the demo equipment file's rows over and over (each with its own
/// id), and the Σ kg the oracle gives them.
fn many_equipment_rows(rows: usize) -> (Vec<u8>, f64) {
    let demo = demo_equipment();
    let mut reader = csv::Reader::from_reader(demo.as_slice());
    let header = reader.headers().unwrap().clone();
    let body: Vec<(u64, csv::StringRecord)> =
        reader.records().map(|r| r.unwrap()).map(|r| (r.position().unwrap().line(), r)).collect();
    let oracle = co2_e2e::expected_rows("equipments.csv");
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&header).unwrap();
    let mut kg = 0.0;
    for i in 0..rows {
        let (line, record) = &body[i % body.len()];
        let mut cells: Vec<String> = record.iter().map(str::to_owned).collect();
        cells[1] = format!("{}-{i}", cells[1]);
        out.write_record(&cells).unwrap();
        kg += oracle.get(line).map_or(0.0, |r| r.iter().map(|e| e.kg_co2eq).sum());
    }
    (out.into_inner().unwrap(), kg)
}

/// PgBouncer in transaction pooling in front of `db`, with the manifests' timeouts
/// (`knative/base/database/pgbouncer.ini`: a client waits 5 s at most for a server, a failed
/// server login is retried after 1 s).
struct OwnPgBouncer {
    dir: co2_testkit::TempDir,
    port: u16,
}

impl OwnPgBouncer {
    fn start(db: &OwnDatabase) -> OwnPgBouncer {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let dir = co2_testkit::TempDir::new();
        std::fs::write(dir.0.join("userlist.txt"), "\"postgres\" \"\"\n").unwrap();
        std::fs::write(
            dir.0.join("pgbouncer.ini"),
            format!(
                "[databases]\n* = host=127.0.0.1 port={}\n[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\n\
                 unix_socket_dir =\nauth_type = trust\nauth_file = {dir}/userlist.txt\npidfile = {dir}/pgbouncer.pid\n\
                 logfile = {dir}/pgbouncer.log\npool_mode = transaction\ndefault_pool_size = 10\n\
                 query_wait_timeout = 5\nserver_login_retry = 1\nignore_startup_parameters = extra_float_digits\n",
                db.port,
                dir = dir.0.display()
            ),
        )
        .unwrap();
        let as_postgres = nix_is_root();
        let mut cmd = if as_postgres {
            let mut c = std::process::Command::new("runuser");
            c.args(["-u", "postgres", "--", "pgbouncer"]);
            c
        } else {
            std::process::Command::new("pgbouncer")
        };
        if as_postgres {
            let _ = std::process::Command::new("chown").args(["-R", "postgres:", dir.0.to_str().unwrap()]).status();
        }
        let out = cmd.args(["-d", "-q", dir.0.join("pgbouncer.ini").to_str().unwrap()]).output().unwrap();
        assert!(out.status.success(), "pgbouncer: {}", String::from_utf8_lossy(&out.stderr));
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        OwnPgBouncer { dir, port }
    }

    fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }
}

fn nix_is_root() -> bool {
    std::process::Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0"))
}

impl Drop for OwnPgBouncer {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.dir.0.join("pgbouncer.pid")) {
            let _ = std::process::Command::new("kill").arg(pid.trim()).status();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_10_second_database_outage_mid_upload_answers_503_and_loses_nothing() {
    database_outage(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_outage_behind_pgbouncer_answers_503_and_loses_nothing() {
    database_outage(true).await;
}

/// PostgreSQL stopped for 10 s while a 10,000-row upload is processed, the functions' pools
/// straight to it (the embedded default) or through PgBouncer (a cluster).
async fn database_outage(via_pgbouncer: bool) {
    let db = OwnDatabase::start();
    let admin = sqlx::PgPool::connect(&db.url("postgres")).await.unwrap();
    sqlx::query("create database co2").execute(&admin).await.unwrap();
    admin.close().await;
    let direct = sqlx::PgPool::connect(&db.url("co2")).await.unwrap();
    co2_db::MIGRATOR.run(&direct).await.unwrap();
    co2_testkit::seed(&direct).await;
    direct.close().await;

    // The functions' pools as in production, and the pipeline running in the background.
    let bouncer = via_pgbouncer.then(|| OwnPgBouncer::start(&db));
    let functions_url = bouncer.as_ref().map_or_else(|| db.url("co2"), |b| b.url("co2"));
    let dir = co2_testkit::TempDir::new();
    let pools = co2_db::Pools::connect_lazy(&functions_url, None, 4).unwrap();
    let (ctx, local) = co2_testkit::ctx_on(pools, &dir.0, Profile::Dev);
    let app = devstack::app(&ctx, Some(local), &dir.0, None);
    let mut pumps = JoinSet::new();
    for mut pump in devstack::pumps(&ctx, Duration::from_millis(200)) {
        pump.visibility = Duration::from_secs(2);
        pumps.spawn(pump.run());
    }
    let principal = co2_testkit::mint_token(&ctx, "principal", Some("9001")).await;
    let (file, expected_kg) = many_equipment_rows(10_000);
    let res = call(
        &app,
        Method::POST,
        "/api/v1/uploads",
        Some(&principal),
        Some(json!({"unit": "9001", "year": 2025, "module": "equipment", "filename": "big.csv", "mode": "append"})),
    )
    .await;
    assert_eq!(res.status, 201);
    let job = res.json()["job_id"].as_str().unwrap().to_owned();
    assert_eq!(co2_testkit::put_link(&app, res.json()["put_url"].as_str().unwrap(), file).await.status, 200);
    // Stop the database while the file is being processed.
    let mut before = serde_json::Value::Null;
    for _ in 0..400 {
        before = call(&app, Method::GET, &format!("/api/v1/jobs/{job}"), Some(&principal), None).await.json();
        if before["state"] != "queued" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    db.stop();
    assert_eq!(before["state"], "running", "the outage falls in the middle of the job: {before}");
    let stopped = Instant::now();

    let entries = co2_api_types::module_entries_path("9001", 2025, "equipment");
    let requests = [
        (Method::GET, "/api/v1/session".to_owned(), None),
        (Method::GET, entries.clone(), None),
        (Method::GET, "/api/v1/results/units/9001/years/2025".to_owned(), None),
        (Method::GET, format!("/api/v1/jobs/{job}"), None),
        (Method::GET, "/api/v1/reference/airports?q=gva".to_owned(), None),
        (
            Method::POST,
            entries.clone(),
            Some(
                json!({"entry_type": "it", "data": {"equipment_id": "X-1", "name": "Laptop", "equipment_class": "Laptop"}}),
            ),
        ),
    ];
    let mut answers = Vec::new();
    let mut probes = Vec::new();
    while stopped.elapsed() < Duration::from_secs(10) {
        // The requests of a page at once, over and over.
        let round = requests.iter().map(|(method, uri, body)| {
            let (app, principal) = (&app, &principal);
            async move {
                let asked = Instant::now();
                let res = tokio::time::timeout(
                    Duration::from_secs(8),
                    call(app, method.clone(), uri, Some(principal), body.clone()),
                )
                .await
                .unwrap_or_else(|_| panic!("{method} {uri} hung during the outage"));
                (format!("{method} {uri}"), res, asked.elapsed())
            }
        });
        answers.extend(futures::future::join_all(round).await);
        for probe in ["/healthz", "/readyz"] {
            probes.push((probe, call(&app, Method::GET, probe, None, None).await));
        }
    }
    db.restart();

    assert!(answers.len() >= 12, "requests kept coming during the outage: {}", answers.len());
    for (what, res, took) in &answers {
        assert_eq!(res.status, http::StatusCode::SERVICE_UNAVAILABLE, "{what}: {}", String::from_utf8_lossy(&res.body));
        assert_eq!(res.json()["error"]["code"], "unavailable", "{what}");
        assert!(res.headers.contains_key("retry-after"), "{what} says when to retry");
        // The pool's acquire timeout (3 s), or PgBouncer's query_wait_timeout (5 s).
        assert!(*took < Duration::from_secs(7), "{what} took {took:?}");
    }
    for (probe, res) in &probes {
        let expected = if *probe == "/healthz" { 200 } else { 503 };
        assert_eq!(res.status.as_u16(), expected, "{probe} during the outage");
    }

    // The database is back: the job completes with every row once, and everything serves again.
    let mut state = serde_json::Value::Null;
    for _ in 0..600 {
        let res = call(&app, Method::GET, &format!("/api/v1/jobs/{job}"), Some(&principal), None).await;
        if res.status == 200 {
            state = res.json();
            if state["state"] == "succeeded" || state["state"] == "failed" {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(state["state"], "succeeded", "{state}");
    assert_eq!(state["rows_ok"], 10_000);
    let check = sqlx::PgPool::connect(&db.url("co2")).await.unwrap();
    let (entries_n, distinct, kg): (i64, i64, f64) = sqlx::query_as(
        "select count(*), count(distinct data->>'equipment_id'),
                (select coalesce(sum(kg_co2eq), 0) from emission)
         from data_entry",
    )
    .fetch_one(&check)
    .await
    .unwrap();
    assert_eq!((entries_n, distinct), (10_000, 10_000), "every row exactly once");
    assert!((kg - expected_kg).abs() < 1e-6 * expected_kg, "Σ kg {kg} vs {expected_kg}");
    let results = call(&app, Method::GET, "/api/v1/results/units/9001/years/2025", Some(&principal), None).await;
    assert_eq!(results.status, 200, "serving again without a restart");
    assert_eq!(call(&app, Method::GET, "/readyz", None, None).await.status, 200);
    pumps.abort_all();
    check.close().await;
}
