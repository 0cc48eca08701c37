//! DOMAIN §2.2 per-year back-office uploads: one file for every unit of a year, rows carrying
//! their unit; a replace swaps the rows loaded this way for (year, entry type) in every unit and
//! keeps manual and module-page rows.

use crate::support::{Stack, demo_equipment};
use co2_testkit::call;
use http::Method;
use serde_json::{Value, json};
use sqlx::PgPool;

/// Demo equipment lines (with their `unit_institutional_id` column) moved to the given units.
fn rows_for(units: &[&str]) -> Vec<u8> {
    let text = String::from_utf8(demo_equipment()).unwrap();
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    for (unit, line) in units.iter().zip(lines) {
        let rest = line.split_once(',').unwrap().1;
        out.push_str(&format!("{unit},{rest}\n"));
    }
    out.into_bytes()
}

async fn year_upload(s: &Stack, token: &str, body: Value, bytes: Vec<u8>) -> (u16, Value) {
    let res = call(&s.app, Method::POST, "/api/v1/uploads", Some(token), Some(body)).await;
    if res.status != 201 {
        return (res.status.as_u16(), res.json());
    }
    let created = res.json();
    let put = co2_testkit::put_link(&s.app, created["put_url"].as_str().unwrap(), bytes).await;
    assert_eq!(put.status, 200);
    s.drain().await;
    let job_id = created["job_id"].as_str().unwrap();
    (201, call(&s.app, Method::GET, &format!("/api/v1/jobs/{job_id}"), Some(token), None).await.json())
}

async fn by_source(s: &Stack, unit: &str) -> Vec<(String, i64)> {
    sqlx::query_as(
        "select d.source, count(*) from data_entry d join report_module m using (report_module_id)
         join report r using (report_id) join unit u using (unit_id)
         where u.institutional_id = $1 and r.report_year_id = 2025 group by 1 order by 1",
    )
    .bind(unit)
    .fetch_all(&s.pool)
    .await
    .unwrap()
}

async fn headline(s: &Stack, unit: &str) -> f64 {
    sqlx::query_scalar(
        "select m.headline_kg from report_module m join report r using (report_id) join unit u using (unit_id)
         where u.institutional_id = $1 and r.report_year_id = 2025 and m.module = 'equipment'",
    )
    .bind(unit)
    .fetch_one(&s.pool)
    .await
    .unwrap()
}

/// Σ kg of the non-additional emission rows of a unit's published equipment entries, read
/// afresh: what the stored headline must equal after each publication, however it was derived.
async fn headline_recomputed(s: &Stack, unit: &str) -> f64 {
    sqlx::query_scalar(
        "select coalesce(sum(e.kg_co2eq), 0) from published_entry d join emission e using (data_entry_id)
         join report_module m using (report_module_id) join report r using (report_id) join unit u using (unit_id)
         where u.institutional_id = $1 and r.report_year_id = 2025 and m.module = 'equipment' and not e.is_additional",
    )
    .bind(unit)
    .fetch_one(&s.pool)
    .await
    .unwrap()
}

async fn assert_headlines_recomputed(s: &Stack) {
    for unit in ["9001", "9002"] {
        let (stored, fresh) = (headline(s, unit).await, headline_recomputed(s, unit).await);
        assert!((stored - fresh).abs() <= 1e-9 * fresh.abs().max(1.0), "{unit}: stored {stored}, recomputed {fresh}");
    }
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_year_wide_file_loads_every_unit_and_its_replace_keeps_other_rows(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let principal = s.token("principal", Some("9001")).await;
    // Rows that a year-wide replace must keep: a manual entry and a module-page upload.
    let manual = json!({"entry_type": "it", "data": {"equipment_id": "M-1", "name": "Laptop", "equipment_class": "Laptop", "kg_co2eq": 7}});
    let res = call(
        &s.app,
        Method::POST,
        "/api/v1/entries/units/9001/years/2025/modules/equipment",
        Some(&principal),
        Some(manual),
    )
    .await;
    assert_eq!(res.status, 201);
    s.upload(&principal, "9001", "page.csv", "append", rows_for(&["9001"])).await;
    s.drain().await;

    let body = json!({"year": 2025, "module": "equipment", "filename": "all-units.csv", "mode": "replace"});
    let mut file = rows_for(&["9001", "9001", "9001", "9002", "9002", "nowhere"]);
    file.extend_from_slice(b",SCI-X,No unit,Centrifugation,,1,1,,,scientific\n");
    let (status, job) = year_upload(&s, &admin, body.clone(), file).await;
    assert_eq!(status, 201);
    assert_eq!(
        (job["state"].as_str(), job["rows_ok"].as_i64(), job["rows_failed"].as_i64()),
        (Some("succeeded"), Some(5), Some(2)),
        "{job}"
    );
    let codes: Vec<&str> = job["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["unknown_unit", "required"]);

    // The office's rows are read-only for the unit: listed with their source, refused on change.
    let listed = call(
        &s.app,
        Method::GET,
        "/api/v1/entries/units/9001/years/2025/modules/equipment?per_page=500",
        Some(&principal),
        None,
    )
    .await;
    let central: Vec<String> = listed.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["source"] == "backoffice")
        .map(|e| e["entry_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(central.len(), 3);
    let edit =
        json!({"entry_type": "it", "data": {"equipment_id": "X", "name": "Mine now", "equipment_class": "Laptop"}});
    let patched =
        call(&s.app, Method::PATCH, &format!("/api/v1/entries/{}", central[0]), Some(&principal), Some(edit)).await;
    assert_eq!((patched.status.as_u16(), patched.json()["error"]["code"].clone()), (409, json!("centrally_fed")));
    let deleted =
        call(&s.app, Method::DELETE, &format!("/api/v1/entries/{}", central[0]), Some(&principal), None).await;
    assert_eq!((deleted.status.as_u16(), deleted.json()["error"]["code"].clone()), (409, json!("centrally_fed")));
    assert_eq!(by_source(&s, "9001").await.iter().find(|(k, _)| k == "backoffice").map(|(_, n)| *n), Some(3));
    assert_eq!(job["unit"], Value::Null, "the job is about every unit");
    assert_eq!(by_source(&s, "9001").await, [("backoffice".into(), 3), ("manual".into(), 1), ("upload".into(), 1)]);
    assert_eq!(by_source(&s, "9002").await, [("backoffice".into(), 2)]);
    // The unit sees where each row came from: the office's rows are not shown as typed in.
    let listed = s.entries(&principal, "9001").await;
    let mut sources: Vec<&str> =
        listed["items"].as_array().unwrap().iter().map(|e| e["source"].as_str().unwrap()).collect();
    sources.sort_unstable();
    assert_eq!(sources, ["backoffice", "backoffice", "backoffice", "manual", "upload"]);
    let lab_with = headline(&s, "9001").await;
    assert!(headline(&s, "9002").await > 0.0, "the other unit's totals are refreshed");
    assert_headlines_recomputed(&s).await;

    // The next year-wide replace names only 9002: 9001's rows loaded this way go, its others stay.
    let (_, job) = year_upload(&s, &admin, body.clone(), rows_for(&["9002"])).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(by_source(&s, "9001").await, [("manual".into(), 1), ("upload".into(), 1)]);
    assert_eq!(by_source(&s, "9002").await, [("backoffice".into(), 1)]);
    assert!(headline(&s, "9001").await < lab_with, "9001's totals are refreshed too");
    assert_headlines_recomputed(&s).await;
    assert_eq!(crate::support::orphan_emissions(&s.pool).await, 0);

    // Only the admin loads a year for every unit; headcount is loaded per unit.
    let (status, _) = year_upload(&s, &principal, body.clone(), Vec::new()).await;
    assert_eq!(status, 403);
    let headcount = json!({"year": 2025, "module": "headcount", "filename": "h.csv"});
    assert_eq!(year_upload(&s, &admin, headcount, Vec::new()).await.0, 409);
    // A unit whose module is validated refuses its rows; the others load.
    let ok = call(
        &s.app,
        Method::PATCH,
        "/api/v1/units/9002/years/2025/modules/equipment",
        Some(&admin),
        Some(json!({"status": "validated"})),
    )
    .await;
    assert_eq!(ok.status, 200);
    let (_, job) = year_upload(
        &s,
        &admin,
        json!({"year": 2025, "module": "equipment", "filename": "a.csv", "mode": "append"}),
        rows_for(&["9001", "9002"]),
    )
    .await;
    assert_eq!(
        (job["rows_ok"].as_i64(), job["errors"][0]["code"].as_str()),
        (Some(1), Some("module_validated")),
        "{job}"
    );
}

/// A type the office loads for every unit ("centrally fed") is collected, but no unit writes
/// it: a unit's form entry is refused, its file's rows of the type are listed as errors while the
/// other rows load; the office's year-wide file loads it. Distinct from "not collected".
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_centrally_fed_type_is_loaded_by_the_office_only(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let principal = s.token("principal", Some("9001")).await;
    let set = |body: Value| {
        let (app, admin) = (s.app.clone(), admin.clone());
        async move {
            call(&app, Method::PUT, "/api/v1/backoffice/years/2025/entry-types/it", Some(&admin), Some(body)).await
        }
    };
    let res = set(json!({"enabled": true, "centrally_fed": true})).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["central_entry_types"], json!(["it"]));
    assert_eq!(res.json()["disabled_entry_types"], json!([]), "still collected");
    // Only the admin sets it.
    let refused = call(
        &s.app,
        Method::PUT,
        "/api/v1/backoffice/years/2025/entry-types/it",
        Some(&principal),
        Some(json!({"enabled": true, "centrally_fed": false})),
    )
    .await;
    assert_eq!(refused.status, 403);

    let entries = "/api/v1/entries/units/9001/years/2025/modules/equipment";
    let it =
        json!({"entry_type": "it", "data": {"equipment_id": "L-1", "name": "Laptop", "equipment_class": "Laptop"}});
    let res = call(&s.app, Method::POST, entries, Some(&principal), Some(it)).await;
    assert_eq!((res.status.as_u16(), res.json()["error"]["code"].clone()), (409, json!("centrally_fed_type")));
    let scientific = json!({"entry_type": "scientific", "data": {"equipment_id": "S-1", "name": "Centrifuge",
        "equipment_class": "Centrifugation", "active_usage_hours_per_week": 10, "standby_usage_hours_per_week": 10}});
    assert_eq!(call(&s.app, Method::POST, entries, Some(&principal), Some(scientific)).await.status, 201);

    // The unit's file: its IT rows are listed as errors, the others load.
    let job = s.upload(&principal, "9001", "page.csv", "append", rows_for(&["9001"; 41])).await;
    s.drain().await;
    let job = s.job(&principal, &job).await;
    let errors = job["errors"].as_array().unwrap();
    assert!(!errors.is_empty() && errors.iter().all(|e| e["code"] == "centrally_fed"), "{job}");
    assert_eq!(job["state"], "succeeded");
    assert_eq!(job["rows_ok"].as_i64().unwrap() + errors.len() as i64, 41, "{job}");

    // The office's year-wide file loads the same rows, IT included.
    let body = json!({"year": 2025, "module": "equipment", "filename": "all-units.csv", "mode": "append"});
    let (status, job) = year_upload(&s, &admin, body, rows_for(&["9001"; 41])).await;
    assert_eq!(status, 201);
    assert_eq!((job["state"].as_str(), job["rows_ok"].as_i64()), (Some("succeeded"), Some(41)), "{job}");

    // Absent: unchanged; false: fed by the units again.
    assert_eq!(set(json!({"enabled": true})).await.json()["central_entry_types"], json!(["it"]));
    assert_eq!(set(json!({"enabled": true, "centrally_fed": false})).await.json()["central_entry_types"], json!([]));
}
