//! Releases keep what the institution changed: the migration Job, run exactly as its manifest
//! states, installs the shipped defaults into a fresh database and leaves an installed one's
//! data alone — uploaded rooms, exchange rates and factors stay, and a recalculation gives the
//! same totals as before the release.

use crate::support::{Stack, demo_equipment};
use co2_testkit::call;
use http::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// The migration Job's container: its arguments, and where its `DATABASE_URL` comes from.
fn migrate_job() -> (Vec<String>, Value) {
    let text = std::fs::read_to_string(co2_e2e::knative_dir().join("base/database/migrate-job.yaml")).unwrap();
    let job: Value = serde_yaml_ng::from_str(&text).unwrap();
    let container = job["spec"]["template"]["spec"]["containers"][0].clone();
    assert!(container.get("command").is_none(), "the image's entrypoint is the migrate binary");
    let args = container["args"]
        .as_array()
        .map_or_else(Vec::new, |a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect());
    let url = container["env"].as_array().unwrap().iter().find(|e| e["name"] == "DATABASE_URL").cloned().unwrap();
    (args, url)
}

fn url_of(options: &PgConnectOptions) -> String {
    format!(
        "postgres://{}@{}:{}/{}",
        options.get_username(),
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap()
    )
}

/// Runs the Job's command against the database of `options`, as the cluster would.
fn run_release(options: &PgConnectOptions) {
    let (args, _) = migrate_job();
    let out = std::process::Command::new(co2_e2e::binary("migrate"))
        .args(&args)
        .env("DATABASE_URL", url_of(options))
        .env("DATA_DIR", co2_e2e::data_dir())
        .output()
        .unwrap();
    assert!(out.status.success(), "migrate {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

async fn put_ok(s: &Stack, token: &str, uri: &str, body: String) {
    let (status, answer) = crate::support::put_csv(s, token, uri, body).await;
    assert!(status.is_success(), "{uri}: {answer}");
}

fn data(path: &str) -> String {
    std::fs::read_to_string(co2_e2e::data_dir().join(path)).unwrap()
}

/// Everything the institution can change, as text: rooms, rates, factors (with their staleness).
async fn institution_data(pool: &PgPool) -> Vec<String> {
    let mut out = Vec::new();
    for query in [
        "select building_name || '/' || room_name || '/' || room_surface_square_meter from building_room order by 1",
        "select rate_year || '/' || currency || '/' || units_per_eur from exchange_rate order by 1",
        "select data_entry_type || '/' || classification::text || '/' || factor_values::text || '/' || is_stale
           from factor order by 1",
    ] {
        let rows: Vec<String> = sqlx::query_scalar(query).fetch_all(pool).await.unwrap();
        assert!(!rows.is_empty(), "{query}");
        out.extend(rows);
    }
    out
}

async fn equipment_total(s: &Stack, token: &str) -> f64 {
    let results = call(&s.app, Method::GET, "/api/v1/results/units/9001/years/2025?basis=all", Some(token), None).await;
    results.json()["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["module"] == "equipment")
        .and_then(|m| m["totals"]["total_kg"].as_f64())
        .unwrap()
}

#[sqlx::test(migrations = false)]
async fn a_release_runs_the_migrations_and_keeps_what_the_institution_changed(
    pool_options: PgPoolOptions,
    options: PgConnectOptions,
) {
    let (_, url) = migrate_job();
    assert_eq!(
        url["valueFrom"]["secretKeyRef"]["key"], "DATABASE_DIRECT_URL",
        "the Job migrates the primary directly, not through PgBouncer"
    );
    // First install: a fresh database gets the shipped defaults.
    run_release(&options);
    let pool = pool_options.connect_with(options.clone()).await.unwrap();
    let factors: i64 = sqlx::query_scalar("select count(*) from factor").fetch_one(&pool).await.unwrap();
    let airports: i64 = sqlx::query_scalar("select count(*) from airport").fetch_one(&pool).await.unwrap();
    assert!(factors > 100 && airports > 1000, "defaults installed: {factors} factors, {airports} airports");

    // The institution changes its data: a room, an exchange rate, every equipment factor doubled.
    let s = Stack::embedded(pool.clone()).await;
    let admin = s.token("admin", None).await;
    let principal = s.token("principal", Some("9001")).await;
    let rooms = data("reference/building_rooms_reference.csv") + "DEMO CAMPUS,NEW,NEW 0 01,offices,42\n";
    put_ok(&s, &admin, "/api/v1/backoffice/reference/building_rooms", rooms).await;
    let rates = data("reference/exchange_rates.csv").replace("2024,chf,0.95263", "2024,chf,0.9");
    put_ok(&s, &admin, "/api/v1/backoffice/reference/exchange_rates", rates).await;
    let doubled: String = data("factors/2025/equipments_factors.csv")
        .lines()
        .enumerate()
        .map(|(i, line)| {
            if i == 0 {
                return format!("{line}\n");
            }
            let (head, ef) = line.rsplit_once(',').unwrap();
            format!("{head},{}\n", ef.parse::<f64>().unwrap() * 2.0)
        })
        .collect();
    put_ok(&s, &admin, "/api/v1/backoffice/factors/2025/equipments_factors", doubled).await;
    s.upload(&principal, "9001", "e.csv", "append", demo_equipment()).await;
    s.drain().await;
    let before = institution_data(&pool).await;
    let total_before = equipment_total(&s, &principal).await;

    // The release.
    run_release(&options);
    assert_eq!(institution_data(&pool).await, before, "the release changed the institution's data");
    let room = call(&s.app, Method::GET, "/api/v1/reference/rooms?building=NEW", Some(&principal), None).await;
    assert_eq!(room.status, StatusCode::OK, "{}", String::from_utf8_lossy(&room.body));
    assert!(room.body.windows(8).any(|w| w == b"NEW 0 01"), "{}", String::from_utf8_lossy(&room.body));

    // And the next recalculation, with the institution's factors, gives the same totals.
    let res = call(
        &s.app,
        Method::POST,
        "/api/v1/backoffice/recalculations",
        Some(&admin),
        Some(json!({"year": 2025, "module": "equipment"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", String::from_utf8_lossy(&res.body));
    s.drain().await;
    let total_after = equipment_total(&s, &principal).await;
    assert!((total_after - total_before).abs() < 1e-6, "equipment {total_before} kg before, {total_after} kg after");
}
