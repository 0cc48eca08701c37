//! Reporting across the institution: the back office's filtered view of the units it reports
//! on — summary cards, per-module state counts, charts, each unit's row — its CSV, and its rights.

use crate::support::{Stack, demo_equipment};
use co2_testkit::call;
use http::Method;
use serde_json::{Value, json};
use sqlx::PgPool;

fn ids(view: &Value) -> Vec<&str> {
    view["units"].as_array().unwrap().iter().map(|u| u["institutional_id"].as_str().unwrap()).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_office_reports_on_its_units_filtered_with_cards_counts_and_charts(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let principal = s.token("principal", Some("9001")).await;
    let other = s.token("principal", Some("9002")).await;
    s.upload(&principal, "9001", "equipments.csv", "append", demo_equipment()).await;
    s.drain().await;
    let validated = call(
        &s.app,
        Method::PATCH,
        "/api/v1/units/9001/years/2025/modules/equipment",
        Some(&principal),
        Some(json!({"status": "validated"})),
    )
    .await;
    assert_eq!(validated.status, 200);
    let trip = json!({"entry_type": "train", "data": {"origin_name": "Lausanne", "origin_country_code": "CH",
        "destination_name": "Zürich HB", "destination_country_code": "CH", "cabin_class": "second"}});
    let res = call(
        &s.app,
        Method::POST,
        "/api/v1/entries/units/9002/years/2025/modules/professional_travel",
        Some(&other),
        Some(trip),
    )
    .await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    s.replica_caught_up().await;

    let get = |query: &str, token: &str| {
        let (app, uri, token) = (s.app.clone(), format!("/api/v1/backoffice/reporting/2025{query}"), token.to_owned());
        async move { call(&app, Method::GET, &uri, Some(&token), None).await }
    };
    let res = get("", &admin).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let view = res.json();
    assert_eq!(ids(&view), ["9001", "9002"]);
    let summary = &view["summary"];
    assert_eq!(
        (summary["units"].as_i64(), summary["validated"].as_i64(), summary["in_progress"].as_i64()),
        (Some(2), Some(0), Some(2)),
        "{summary}"
    );

    // 9001's row agrees with its results page: the validated equipment is its core total.
    let results = call(&s.app, Method::GET, &co2_api_types::results_path("9001", 2025), Some(&principal), None).await;
    let core = results.json()["core"]["total_kg"].as_f64().unwrap();
    assert!(core > 0.0);
    let lab = &view["units"][0];
    assert!(close(lab["validated_kg"].as_f64().unwrap(), core), "{lab} vs {core}");
    assert_eq!((lab["completion"].as_str(), lab["completion_progress"].as_str()), (Some("in_progress"), Some("1/8")));
    assert_eq!(lab["top_category"], "equipment");
    assert!(lab["principal"].as_str().is_some_and(|p| p.contains("test-principal-9001")), "{lab}");
    assert!(lab["last_update"].is_string());
    let equipment_state = lab["modules"].as_array().unwrap().iter().find(|m| m["module"] == "equipment").unwrap();
    assert_eq!(equipment_state["status"], "validated");
    // 9002's trip is in progress and not validated: it counts in the states, not in the figures.
    assert_eq!(view["units"][1]["validated_kg"], 0.0);
    assert!(close(summary["validated_kg"].as_f64().unwrap(), core));

    // Per-module counts and the charts over the filtered units.
    let module =
        |v: &Value, key: &str| v["modules"].as_array().unwrap().iter().find(|m| m["module"] == key).unwrap().clone();
    let equipment = module(&view, "equipment");
    assert_eq!(
        (equipment["validated"].as_i64(), equipment["in_progress"].as_i64(), equipment["not_started"].as_i64()),
        (Some(1), Some(0), Some(1))
    );
    assert!(close(equipment["scopes"]["total_kg"].as_f64().unwrap(), core));
    let travel = module(&view, "professional_travel");
    assert_eq!((travel["in_progress"].as_i64(), travel["scopes"]["total_kg"].as_f64()), (Some(1), Some(0.0)));
    let category_sum: f64 = view["categories"].as_array().unwrap().iter().map(|c| c["kg"].as_f64().unwrap()).sum();
    assert!(close(category_sum, core), "the categories add up to the validated total");

    // Filters: a module's state, completion, a subtree.
    assert_eq!(ids(&get("?module=equipment&module_status=validated", &admin).await.json()), ["9001"]);
    assert_eq!(ids(&get("?module=professional_travel&module_status=in_progress", &admin).await.json()), ["9002"]);
    assert_eq!(ids(&get("?completion=in_progress", &admin).await.json()), ["9001", "9002"]);
    let none = get("?completion=validated", &admin).await.json();
    assert_eq!((ids(&none).len(), none["summary"]["validated_kg"].as_f64()), (0, Some(0.0)));
    let school = get("?subtree=ENAC&module=equipment&module_status=not_started", &admin).await.json();
    assert_eq!(ids(&school), ["9002"]);
    assert_eq!(module(&school, "equipment")["not_started"], 1, "the counts follow the filter");
    assert_eq!(ids(&get("?subtree=9002", &admin).await.json()), ["9002"]);

    // The CSV of the rows.
    let csv = get("?format=csv", &admin).await;
    assert_eq!(csv.status, 200);
    let text = String::from_utf8(csv.body).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("unit,name,path,principal,fte,completion,validated_modules,validated_kg"));
    assert!(lines[1].starts_with("9001,") && lines[1].contains(",validated,"), "{}", lines[1]);

    // Bad filters and unknown places are clear errors.
    for (query, status) in [
        ("?module=equipment", 400),
        ("?module=rockets&module_status=validated", 400),
        ("?completion=finished", 400),
        ("?format=pdf", 400),
        ("?subtree=NOWHERE", 404),
    ] {
        assert_eq!(get(query, &admin).await.status, status, "{query}");
    }
    assert_eq!(call(&s.app, Method::GET, "/api/v1/backoffice/reporting/1999", Some(&admin), None).await.status, 404);

    // Rights: a back-office operator sees their subtree; a unit's principal is refused.
    let lab_office = s.token("backoffice", Some("9002")).await;
    assert_eq!(ids(&get("", &lab_office).await.json()), ["9002"]);
    assert_eq!(get("?subtree=9001", &lab_office).await.status, 404, "not disclosed");
    assert_eq!(ids(&get("", &s.token("backoffice", Some("ENAC")).await).await.json()), ["9001", "9002"]);
    assert_eq!(get("", &principal).await.status, 403);
}

/// The combined PDF of a filtered reporting view is an export: the units the filters keep for
/// the requester are resolved when asked, and the PDF draws their cards, states, chart and rows.
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_reporting_view_exports_as_one_pdf_of_the_filtered_units(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let principal = s.token("principal", Some("9001")).await;
    s.upload(&principal, "9001", "equipments.csv", "append", demo_equipment()).await;
    s.drain().await;
    let request = json!({"kind": "reporting", "year": 2025,
        "reporting": {"subtree": "ENAC", "module": "equipment", "module_status": "in_progress"}});
    let res = call(&s.app, Method::POST, "/api/v1/exports", Some(&admin), Some(request.clone())).await;
    assert_eq!(res.status, 202, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["kind"], "reporting");
    let id = res.json()["job_id"].as_str().unwrap().to_owned();
    s.drain().await;
    let view = call(&s.app, Method::GET, &format!("/api/v1/exports/{id}"), Some(&admin), None).await.json();
    assert_eq!((view["state"].as_str(), view["entries"].as_i64()), (Some("succeeded"), Some(1)), "{view}");
    assert_eq!(view["file_name"], "reporting_ENAC_2025.pdf");
    let file = co2_testkit::get_link(&s.app, view["download_url"].as_str().unwrap()).await;
    let bytes = file.body.to_vec();
    assert!(bytes.starts_with(b"%PDF-") && bytes.trim_ascii_end().ends_with(b"%%EOF"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("(Reporting 2025)"), "the title");
    // A string with a byte beyond ASCII (WinAnsi's middle dot) is written in hex.
    let words: String = b"units of ENAC \xb7 Equipment: in progress".iter().map(|b| format!("{b:02X}")).collect();
    assert!(text.contains(&format!("<{words}>")), "the filters, in words");
    assert!(text.contains("(9001)") && !text.contains("(9002)"), "only the unit the filter keeps");
    assert!(text.contains("(Validated emissions by category (t CO2-eq))") && text.contains(" re\n"), "the chart");

    // Bad filters and formats are refused; the units are the requester's.
    for (body, status) in [
        (json!({"kind": "reporting", "year": 2025, "format": "csv"}), 400),
        (json!({"kind": "reporting", "year": 2025, "reporting": {"module": "equipment"}}), 400),
        (json!({"kind": "reporting", "year": 2025, "reporting": {"subtree": "NOWHERE"}}), 404),
    ] {
        assert_eq!(call(&s.app, Method::POST, "/api/v1/exports", Some(&admin), Some(body)).await.status, status);
    }
    assert_eq!(call(&s.app, Method::POST, "/api/v1/exports", Some(&principal), Some(request)).await.status, 403);
}

fn node<'a>(view: &'a Value, id: &str) -> &'a Value {
    view["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["institutional_id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {view}"))
}

fn year_of(node: &Value, year: i64) -> &Value {
    node["years"].as_array().unwrap().iter().find(|y| y["year"] == year).unwrap()
}

fn equipment_kg(year: &Value) -> f64 {
    year["modules"].as_array().unwrap().iter().find(|m| m["module"] == "equipment").unwrap()["scopes"]["total_kg"]
        .as_f64()
        .unwrap()
}

/// Roll-ups over years: the units summed up the tree, year by year, by module and scope, with the
/// trend; restated, every year is computed again with the latest factors — a factor change no
/// longer reads as a change of activity — and nothing stored changes.
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn roll_ups_sum_the_tree_over_years_and_restate_earlier_years_with_the_latest_factors(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let principal = s.token("principal", Some("9001")).await;
    let centrifuge = json!({"entry_type": "scientific", "data": {"equipment_id": "R-1", "name": "Ultracentrifuge",
        "equipment_class": "Centrifugation", "sub_class": "Ultra centrifuges",
        "active_usage_hours_per_week": 40, "standby_usage_hours_per_week": 128}});
    for year in [2024, 2025] {
        let uri = format!("/api/v1/entries/units/9001/years/{year}/modules/equipment");
        let res = call(&s.app, Method::POST, &uri, Some(&principal), Some(centrifuge.clone())).await;
        assert_eq!(res.status, 201, "{year}: {}", String::from_utf8_lossy(&res.body));
    }
    // 2025's electricity factor doubles (a new factor file): 2025's entries are recalculated.
    let factors = std::fs::read_to_string(co2_e2e::data_dir().join("factors/2025/equipments_factors.csv"))
        .unwrap()
        .replace(",0.097", ",0.194");
    let (status, _) =
        crate::support::put_csv(&s, &admin, "/api/v1/backoffice/factors/2025/equipments_factors", factors).await;
    assert_eq!(status, 200);
    s.drain().await;
    let stored_2024: f64 = sqlx::query_scalar(
        "select m.headline_kg from report_module m join report r using (report_id) join unit u using (unit_id)
         where u.institutional_id = '9001' and r.report_year_id = 2024 and m.module = 'equipment'",
    )
    .fetch_one(&s.pool)
    .await
    .unwrap();
    assert!(stored_2024 > 0.0);
    s.replica_caught_up().await;

    let get = |query: &str, token: &str| {
        let (app, uri, token) = (s.app.clone(), format!("/api/v1/backoffice/rollups{query}"), token.to_owned());
        async move { call(&app, Method::GET, &uri, Some(&token), None).await }
    };
    let res = get("?depth=3&basis=all", &admin).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let stored = res.json();
    assert_eq!(stored["years"], json!([2024, 2025]));
    assert_eq!(stored["restated_with"], Value::Null);
    let lab = node(&stored, "9001");
    let (y2024, y2025) = (year_of(lab, 2024), year_of(lab, 2025));
    assert!(close(equipment_kg(y2024), stored_2024), "as stored");
    assert!(close(equipment_kg(y2025), 2.0 * stored_2024), "2025 with its doubled factor");
    assert!(close(y2025["change_percent"].as_f64().unwrap(), 100.0), "{y2025}");
    assert!(close(y2025["total"]["total_kg"].as_f64().unwrap(), equipment_kg(y2025)));

    // Restated with 2025's factors: 2024 is the same activity, so the same kg; no change left.
    let restated = get("?depth=3&basis=all&restated=true", &admin).await.json();
    assert_eq!(restated["restated_with"], 2025);
    let lab = node(&restated, "9001");
    let (r2024, r2025) = (year_of(lab, 2024), year_of(lab, 2025));
    assert!(close(equipment_kg(r2024), 2.0 * stored_2024), "{r2024}");
    assert!(close(equipment_kg(r2025), equipment_kg(y2025)), "the latest year restates to itself");
    assert!(close(r2025["change_percent"].as_f64().unwrap(), 0.0));
    let after: f64 = sqlx::query_scalar(
        "select m.headline_kg from report_module m join report r using (report_id) join unit u using (unit_id)
         where u.institutional_id = '9001' and r.report_year_id = 2024 and m.module = 'equipment'",
    )
    .fetch_one(&s.pool)
    .await
    .unwrap();
    assert_eq!(after, stored_2024, "the stored report is unchanged");

    // Up the tree: ENAC holds both labs; the validated basis counts nothing not validated.
    let school = get("?depth=2&basis=all&from=2025", &admin).await.json();
    assert_eq!(school["years"], json!([2025]));
    let enac = node(&school, "ENAC");
    assert_eq!(year_of(enac, 2025)["units"], 2);
    assert_eq!(year_of(enac, 2025)["share_validated"], 0.0);
    let coverage = &year_of(enac, 2025)["coverage"];
    assert_eq!((coverage["units"].as_i64(), coverage["validated_units"].as_i64()), (Some(2), Some(0)), "{coverage}");
    assert!(coverage["extrapolated_total_kg"].is_null(), "nothing validated, nothing to extrapolate from");
    let validated = get("?depth=2", &admin).await.json();
    assert_eq!(year_of(node(&validated, "ENAC"), 2025)["total"]["total_kg"], 0.0);
    let csv = get("?depth=3&basis=all&format=csv", &admin).await;
    let text = String::from_utf8(csv.body).unwrap();
    assert!(text.starts_with("node,name,path,year,units,units_validated,share_validated,module,"));
    assert_eq!(text.lines().count(), 1 + 2 * 2 * 8, "2 units × 2 years × 8 modules");

    // Rights and bad parameters.
    let lab_office = s.token("backoffice", Some("9002")).await;
    let theirs = get("?depth=3", &lab_office).await.json();
    let ids: Vec<&str> =
        theirs["nodes"].as_array().unwrap().iter().map(|n| n["institutional_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["9002"]);
    assert_eq!(get("", &principal).await.status, 403);
    for query in ["?depth=0", "?basis=some", "?format=xml"] {
        assert_eq!(get(query, &admin).await.status, 400, "{query}");
    }
    assert_eq!(get("?from=1990&to=1991", &admin).await.status, 404);
}
