//! The pipeline killed with SIGKILL at random points (or as soon as the rows get staged), 20
//! times, while a 20,000-row file goes through it (a replace of the demo file): after every kill
//! the module shows the old file or the new one — never part of it — and once a worker is left
//! running the job completes with exactly the rows an uninterrupted run gives.

use crate::support::{Stack, demo_equipment};
use sqlx::PgPool;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

const ROWS: usize = 20_000;

/// 20,000 rows cycling through the demo file's 41 lines (all three equipment types), with unique
/// equipment ids; returns the file and its expected Σ kg from the oracle.
fn big_file() -> (Vec<u8>, f64) {
    let text = String::from_utf8(demo_equipment()).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let demo: Vec<&str> = lines.collect();
    let oracle = co2_e2e::expected_rows("equipments.csv");
    let mut out = format!("{header}\n");
    let mut kg = 0.0;
    for i in 0..ROWS {
        let n = i % demo.len();
        let (unit, rest) = demo[n].split_once(',').unwrap();
        let (_, rest) = rest.split_once(',').unwrap();
        out.push_str(&format!("{unit},CRASH-{i:05},{rest}\n"));
        kg += oracle.get(&(n as u64 + 2)).map_or(0.0, |rows| rows.iter().map(|r| r.kg_co2eq).sum());
    }
    (out.into_bytes(), kg)
}

/// (published entries, Σ kg of their rows) of 9001's equipment module.
async fn published(s: &Stack) -> (i64, f64) {
    sqlx::query_as(
        "select count(distinct d.data_entry_id), coalesce(sum(e.kg_co2eq), 0)
         from published_entry d left join emission e using (data_entry_id)",
    )
    .fetch_one(&s.pool)
    .await
    .unwrap()
}

async fn unpublished(s: &Stack) -> i64 {
    sqlx::query_scalar(crate::support::UNPUBLISHED_ROWS).fetch_one(&s.pool).await.unwrap()
}

fn worker(url: &str, dir: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_pipeline-worker"))
        .args([url, dir.to_str().unwrap()])
        .env("RUST_LOG", "error")
        .spawn()
        .expect("the worker starts")
}

/// A deterministic pseudo-random sequence (xorshift), so a failing trial can be replayed.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_pipeline_killed_20_times_at_random_points_publishes_all_or_nothing(pool: PgPool) {
    let db = pool.connect_options().get_database().expect("a test database").to_owned();
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let base = base.split('?').next().unwrap();
    let url = format!("{}/{db}", &base[..base.rfind('/').unwrap()]);
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    s.upload(&token, "9001", "demo.csv", "replace", demo_equipment()).await;
    s.drain().await;
    let old = published(&s).await;
    let (file, new_kg) = big_file();
    let job_id = s.upload(&token, "9001", "big.csv", "replace", file).await;

    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut kills = Vec::new();
    // What each kill interrupted (job state, rows staged), to show the kills land mid-pipeline.
    let mut stages: Vec<(String, bool)> = Vec::new();
    for trial in 0..20 {
        let mut child = worker(&url, &s._dir.0);
        // A random moment, or the moment the file's rows get staged (the short window between
        // ingest and publication), whichever comes first. The first 17 moments fall within the
        // ingest of a debug build, so most kills interrupt it at different points.
        let after = Duration::from_millis(100 + rng.below(if trial < 17 { 1800 } else { 5900 }));
        let started = Instant::now();
        let staged_before = unpublished(&s).await > 0;
        while started.elapsed() < after && (staged_before || unpublished(&s).await == 0) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let after = started.elapsed();
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        // The killed worker's messages come back once their visibility timeout (1 s) is over.
        tokio::time::sleep(Duration::from_millis(1100)).await;
        kills.push(after.as_millis());
        let staged = unpublished(&s).await;
        let state = s.job(&token, &job_id).await["state"].as_str().unwrap_or_default().to_owned();
        stages.push((state, staged > 0));
        let now = published(&s).await;
        let is_old = now.0 == old.0 && (now.1 - old.1).abs() < 1e-6;
        let is_new = now.0 == ROWS as i64 && (now.1 - new_kg).abs() < 1e-6 * new_kg;
        assert!(is_old || is_new, "trial {trial} (killed after {after:?}): partial state {now:?}; kills {kills:?}");
    }

    eprintln!("kills after (ms): {kills:?}\nwhat they interrupted (job state, rows staged): {stages:?}");
    assert!(
        stages.iter().any(|(state, staged)| state == "running" && *staged),
        "no kill landed between ingest and publication: {stages:?}"
    );
    let mut child = worker(&url, &s._dir.0);
    let deadline = Instant::now() + Duration::from_secs(120);
    let job = loop {
        let job = s.job(&token, &job_id).await;
        if job["state"] == "succeeded" || job["state"] == "failed" || Instant::now() > deadline {
            break job;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        (job["state"].as_str(), job["rows_ok"].as_i64()),
        (Some("succeeded"), Some(ROWS as i64)),
        "{job}; kills {kills:?}"
    );
    let now = published(&s).await;
    assert_eq!(now.0, ROWS as i64);
    assert!((now.1 - new_kg).abs() < 1e-6 * new_kg, "{} vs {new_kg}", now.1);
    let staged: i64 = sqlx::query_scalar(crate::support::UNPUBLISHED_ROWS).fetch_one(&s.pool).await.unwrap();
    assert_eq!(staged, 0, "nothing left staged");
    assert_eq!(crate::support::orphan_emissions(&s.pool).await, 0, "the replaced rows' emissions went too");
}
