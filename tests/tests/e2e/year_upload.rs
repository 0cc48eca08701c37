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

const AGENCY_HEADER: &str = "unit_institutional_id,ticket,segment,origin_iata,destination_iata,user_institutional_id,departure_date,number_of_trips,cabin_class,kg_co2eq\n";

fn agency_body(from: &str, to: &str) -> Value {
    json!({"year": 2025, "module": "professional_travel", "entry_type": "plane", "filename": "agency.csv",
        "feed": "agency", "period_from": from, "period_to": to})
}

/// The agency's trips in the year, by unit: (unit, key, kg of its one emission row or `None`).
async fn agency_trips(s: &Stack) -> Vec<(String, String, Option<f64>)> {
    sqlx::query_as(
        "select u.institutional_id, d.source_key, (select sum(e.kg_co2eq) from emission e where e.data_entry_id = d.data_entry_id)
         from published_entry d join report_module m using (report_module_id) join report r using (report_id)
         join unit u using (unit_id)
         where d.source = 'agency' and r.report_year_id = 2025 order by 2",
    )
    .fetch_all(&s.pool)
    .await
    .unwrap()
}

/// Stored travel headline of each unit against its published rows, read afresh.
async fn assert_travel_totals_recomputed(s: &Stack) {
    let rows: Vec<(String, f64, f64)> = sqlx::query_as(
        "select u.institutional_id, m.headline_kg,
                coalesce((select sum(e.kg_co2eq) from published_entry d join emission e using (data_entry_id)
                          where d.report_module_id = m.report_module_id and not e.is_additional), 0)
         from report_module m join report r using (report_id) join unit u using (unit_id)
         where r.report_year_id = 2025 and m.module = 'professional_travel'",
    )
    .fetch_all(&s.pool)
    .await
    .unwrap();
    for (unit, stored, fresh) in rows {
        assert!((stored - fresh).abs() <= 1e-9 * fresh.abs().max(1.0), "{unit}: stored {stored}, recomputed {fresh}");
    }
}

/// DOMAIN §9 D5: the travel agency's export is imported by trip key. Re-importing a period
/// updates the trips it brings again (wherever they were), removes those of the period it no
/// longer lists, adds the new ones, and never duplicates; another period's trips stay. Agency trips
/// are read-only for everyone.
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_agency_export_is_imported_by_trip_key(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let principal = s.token("principal", Some("9001")).await;
    let march = agency_body("2025-03-01", "2025-03-31");

    let first = format!(
        "{AGENCY_HEADER}\
         9001,T1,1,GVA,JFK,300001,2025-03-10,1,economy,500\n\
         9001,T1,2,JFK,GVA,300001,2025-03-17,1,economy,510\n\
         9002,T2,1,GVA,LHR,300002,2025-03-20,1,economy,\n\
         9001,T1,1,GVA,JFK,300001,2025-03-10,1,economy,505\n\
         9001,T9,1,GVA,LHR,300001,2025-04-02,1,economy,80\n\
         9001,,1,GVA,LHR,300001,2025-03-05,1,economy,80\n"
    );
    let (status, job) = year_upload(&s, &admin, march.clone(), first.into_bytes()).await;
    assert_eq!(status, 201, "{job}");
    assert_eq!(
        (job["state"].as_str(), job["rows_ok"].as_i64(), job["rows_failed"].as_i64()),
        (Some("succeeded"), Some(3), Some(3)),
        "{job}"
    );
    let codes: Vec<(i64, &str)> = job["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_i64().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(codes, [(5, "duplicate_key"), (6, "outside_period"), (7, "required")]);
    let trips = agency_trips(&s).await;
    assert_eq!(
        trips.iter().map(|(u, k, _)| (u.as_str(), k.as_str())).collect::<Vec<_>>(),
        [("9001", "T1/1/2025-03-10"), ("9001", "T1/2/2025-03-17"), ("9002", "T2/1/2025-03-20")]
    );
    assert_eq!(trips[0].2, Some(500.0), "the agency's kg replaces the formula, one row");
    assert!(trips[2].2.is_some_and(|kg| kg > 0.0), "without the agency's kg the formula applies");
    assert_travel_totals_recomputed(&s).await;

    // Read-only for everyone: the unit and the office alike.
    let listed = call(
        &s.app,
        Method::GET,
        "/api/v1/entries/units/9001/years/2025/modules/professional_travel?per_page=500",
        Some(&principal),
        None,
    )
    .await;
    let trip = listed.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["source"] == "agency")
        .map(|e| e["entry_id"].as_str().unwrap().to_owned())
        .expect("the unit lists the agency's trips");
    let res = call(&s.app, Method::DELETE, &format!("/api/v1/entries/{trip}"), Some(&principal), None).await;
    assert_eq!((res.status.as_u16(), res.json()["error"]["code"].clone()), (409, json!("agency_trip")));
    let edit = json!({"entry_type": "plane", "data": {"origin_iata": "GVA", "destination_iata": "JFK",
        "cabin_class": "economy", "departure_date": "2025-03-10"}});
    let res = call(&s.app, Method::PATCH, &format!("/api/v1/entries/{trip}"), Some(&principal), Some(edit)).await;
    assert_eq!((res.status.as_u16(), res.json()["error"]["code"].clone()), (409, json!("agency_trip")));
    let res = call(&s.app, Method::DELETE, &format!("/api/v1/entries/{trip}"), Some(&admin), None).await;
    assert!(res.status.is_client_error(), "the office does not delete a trip by hand either");
    assert_eq!(agency_trips(&s).await, trips);

    // The same period again: T1/1 updated, T1/2 no longer listed (removed), T2/1 moved to 9001,
    // T3/1 new. An April export leaves March alone.
    let again = format!(
        "{AGENCY_HEADER}\
         9001,T1,1,GVA,JFK,300001,2025-03-10,1,economy,450\n\
         9001,T2,1,GVA,LHR,300002,2025-03-20,1,economy,90\n\
         9001,T3,1,GVA,CDG,300001,2025-03-25,1,business,120\n"
    );
    let (_, job) = year_upload(&s, &admin, march.clone(), again.clone().into_bytes()).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let (_, job) = year_upload(
        &s,
        &admin,
        agency_body("2025-04-01", "2025-04-30"),
        format!("{AGENCY_HEADER}9002,T4,1,GVA,LHR,300002,2025-04-02,1,economy,70\n").into_bytes(),
    )
    .await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let expected = [
        ("9001".to_owned(), "T1/1/2025-03-10".to_owned(), Some(450.0)),
        ("9001".to_owned(), "T2/1/2025-03-20".to_owned(), Some(90.0)),
        ("9001".to_owned(), "T3/1/2025-03-25".to_owned(), Some(120.0)),
        ("9002".to_owned(), "T4/1/2025-04-02".to_owned(), Some(70.0)),
    ];
    assert_eq!(agency_trips(&s).await, expected);
    // Importing the very same file once more changes nothing: no duplicate.
    let (_, job) = year_upload(&s, &admin, march.clone(), again.into_bytes()).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(agency_trips(&s).await, expected);
    assert_travel_totals_recomputed(&s).await;
    assert_eq!(crate::support::orphan_emissions(&s.pool).await, 0);

    // The feed is the office's, for every unit, of travel, inside the year.
    let mut for_unit = march.clone();
    for_unit["unit"] = json!("9001");
    assert_eq!(year_upload(&s, &principal, march.clone(), Vec::new()).await.0, 403);
    let (status, res) = year_upload(&s, &principal, for_unit, Vec::new()).await;
    assert_eq!((status, res["error"]["code"].as_str()), (400, Some("agency_feed_is_year_wide")), "{res}");
    let refusals = [
        (json!({"year": 2025, "module": "equipment", "filename": "a.csv", "feed": "agency"}), "agency_feed_is_travel"),
        (agency_body("2025-04-01", "2025-03-01"), "invalid_period"),
        (agency_body("2024-12-01", "2025-01-31"), "invalid_period"),
        (
            json!({"year": 2025, "module": "equipment", "filename": "a.csv", "period_from": "2025-01-01"}),
            "period_without_feed",
        ),
    ];
    for (body, code) in refusals {
        let (status, res) = year_upload(&s, &admin, body, Vec::new()).await;
        assert_eq!((status, res["error"]["code"].as_str()), (400, Some(code)), "{res}");
    }
}

fn load_of<'a>(view: &'a Value, module: &str, entry_type: &str, feed: Option<&str>) -> &'a Value {
    view["loads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["module"] == module && l["entry_type"] == entry_type && l["feed"].as_str() == feed)
        .unwrap_or_else(|| panic!("no load {module}/{entry_type}/{feed:?} in {view}"))
}

/// The central loading page's API: every type the office can load for all units, with its
/// latest file and job (who, counts, errors) and what its files hold; last year's file runs
/// again under a new year as a job of its own, through the same pipeline.
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_office_follows_its_central_loads_and_copies_last_years_files(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let principal = s.token("principal", Some("9001")).await;
    let it_manager = s.token("backoffice", Some("ENAC")).await;
    let view = |year: i32| {
        let (app, admin) = (s.app.clone(), admin.clone());
        async move {
            let res =
                call(&app, Method::GET, &format!("/api/v1/backoffice/years/{year}/central-loads"), Some(&admin), None)
                    .await;
            assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
            res.json()
        }
    };
    let before = view(2025).await;
    let equipment = load_of(&before, "equipment", "scientific", None);
    assert_eq!((equipment["entries"].as_i64(), &equipment["latest"]), (Some(0), &Value::Null));
    assert!(load_of(&before, "professional_travel", "plane", Some("agency"))["latest"].is_null());
    assert!(
        !before["loads"].as_array().unwrap().iter().any(|l| l["module"] == "headcount"),
        "headcount is loaded per unit"
    );

    let body = json!({"year": 2025, "module": "equipment", "entry_type": "scientific", "filename": "all-units.csv",
        "mode": "replace"});
    let mut file = rows_for(&["9001", "9001", "9002"]);
    file.extend_from_slice(b"nowhere,SCI-X,No unit,Centrifugation,,1,1,,,scientific\n");
    let (_, job) = year_upload(&s, &admin, body, file).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let after = view(2025).await;
    let equipment = load_of(&after, "equipment", "scientific", None);
    assert_eq!((equipment["entries"].as_i64(), equipment["units"].as_i64()), (Some(3), Some(2)), "{equipment}");
    let latest = &equipment["latest"];
    assert_eq!(latest["filename"], "all-units.csv");
    assert_eq!(latest["mode"], "replace");
    assert!(latest["started_by"].as_str().is_some_and(|n| !n.is_empty()), "{latest}");
    assert_eq!((latest["job"]["rows_ok"].as_i64(), latest["job"]["rows_failed"].as_i64()), (Some(3), Some(1)));
    assert_eq!(latest["job"]["errors"][0]["code"], "unknown_unit");
    assert!(latest["job"]["errors_url"].is_string(), "the error report is linked");
    assert!(load_of(&after, "equipment", "it", None)["latest"].is_null(), "each type has its own file");

    // A new year: 2025's file is offered, and copying it runs it as a 2026 job once 2026 has factors.
    let res = call(&s.app, Method::POST, "/api/v1/backoffice/years", Some(&admin), Some(json!({"year": 2026}))).await;
    assert_eq!(res.status, 201);
    let next = view(2026).await;
    assert_eq!(next["previous_year"], 2025);
    assert_eq!(load_of(&next, "equipment", "scientific", None)["previous_file"], "all-units.csv");
    assert!(load_of(&next, "equipment", "it", None)["previous_file"].is_null());
    let copy = |year: i32, entry_type: &str, token: &str| {
        let (app, token) = (s.app.clone(), token.to_owned());
        let body = json!({"module": "equipment", "entry_type": entry_type});
        async move {
            call(
                &app,
                Method::POST,
                &format!("/api/v1/backoffice/years/{year}/central-loads/copy"),
                Some(&token),
                Some(body),
            )
            .await
        }
    };
    let res = copy(2026, "scientific", &admin).await;
    assert_eq!((res.status.as_u16(), res.json()["error"]["code"].clone()), (409, json!("factors_missing")));
    let factors = std::fs::read_to_string(co2_e2e::data_dir().join("factors/2025/equipments_factors.csv")).unwrap();
    let (status, _) =
        crate::support::put_csv(&s, &admin, "/api/v1/backoffice/factors/2026/equipments_factors", factors).await;
    assert_eq!(status, 200);
    let res = copy(2026, "scientific", &admin).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    let copied = res.json();
    assert_eq!((copied["from_year"].as_i64(), copied["filename"].as_str()), (Some(2025), Some("all-units.csv")));
    s.drain().await;
    let next = view(2026).await;
    let equipment = load_of(&next, "equipment", "scientific", None);
    assert_eq!(equipment["latest"]["job"]["job_id"], copied["job_id"]);
    assert_eq!(equipment["latest"]["job"]["state"], "succeeded", "{equipment}");
    assert_eq!((equipment["entries"].as_i64(), equipment["units"].as_i64()), (Some(3), Some(2)));
    // 2025 is untouched (the error report's link is signed anew at each read: not compared).
    let held = |v: &Value| -> Vec<(Value, Value, Value, Value)> {
        v["loads"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["entry_type"].clone(),
                    l["entries"].clone(),
                    l["units"].clone(),
                    l["latest"]["job"]["job_id"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(held(&view(2025).await), held(&after), "2025 is untouched");

    // Nothing to copy, no such year; and the page is the admin's alone.
    assert_eq!(copy(2026, "it", &admin).await.json()["error"]["code"], "nothing_to_copy");
    assert_eq!(copy(2025, "scientific", &admin).await.json()["error"]["code"], "nothing_to_copy");
    assert_eq!(copy(2031, "scientific", &admin).await.json()["error"]["code"], "year_not_found");
    for token in [&principal, &it_manager] {
        assert_eq!(copy(2026, "scientific", token).await.status, 403);
        let res = call(&s.app, Method::GET, "/api/v1/backoffice/years/2026/central-loads", Some(token), None).await;
        assert_eq!(res.status, 403);
    }
}
