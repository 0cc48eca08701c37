//! The facts feed for BI tools: every published figure of a year, streamed as NDJSON or CSV,
//! adding up to what step-aggregate computed for each module; a back-office operator gets their
//! subtree only, an API token works as a session does, a unit's people are refused.

use crate::all_modules::{DEMO_FILES, demo, upload};
use crate::support::Stack;
use co2_api_types::FactView;
use co2_testkit::call;
use http::Method;
use sqlx::PgPool;
use std::collections::BTreeMap;

fn parse_ndjson(body: &[u8]) -> Vec<FactView> {
    std::str::from_utf8(body)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_facts_feed_adds_up_to_each_modules_totals_within_the_callers_subtree(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    for (file, module) in DEMO_FILES {
        upload(&s, &principal, module, file, demo(file)).await;
        s.drain().await;
    }
    let other = s.token("principal", Some("9002")).await;
    let theirs = String::from_utf8(demo("equipments.csv")).unwrap().replace("\n9001,", "\n9002,");
    let job = s.upload(&other, "9002", "equipments.csv", "append", theirs.into_bytes()).await;
    s.drain().await;
    let job = s.job(&other, &job).await;
    assert_eq!(job["state"], "succeeded", "{job}");

    let admin = s.token("admin", None).await;
    let res = call(&s.app, Method::GET, "/api/v1/backoffice/facts?year=2025", Some(&admin), None).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.headers["content-type"], "application/x-ndjson");
    let facts = parse_ndjson(&res.body);
    assert!(facts.iter().any(|f| f.unit == "9002"), "the admin sees every unit");

    // Per module of 9001: the feed's sums are the module's totals as step-aggregate keeps them.
    let mut by_module: BTreeMap<String, [f64; 4]> = BTreeMap::new();
    for f in facts.iter().filter(|f| f.unit == "9001") {
        assert!(f.kg_co2eq.is_finite() && f.entries > 0, "{f:?}");
        assert!(f.category.is_some(), "every leaf has its category: {f:?}");
        let slot = if f.additional { 3 } else { (f.scope - 1) as usize };
        by_module.entry(f.module.clone()).or_default()[slot] += f.kg_co2eq;
    }
    let totals: Vec<(String, f64, f64, f64, f64)> = sqlx::query_as(
        "select rm.module, rm.scope1_kg, rm.scope2_kg, rm.scope3_kg, rm.additional_kg
         from report_module rm join report r using (report_id) join unit u using (unit_id)
         where u.institutional_id = '9001' and r.report_year_id = 2025 and rm.entry_count > 0",
    )
    .fetch_all(&s.pool)
    .await
    .unwrap();
    assert_eq!(totals.len(), 8, "every module has entries");
    for (module, s1, s2, s3, additional) in totals {
        let got = by_module.get(&module).copied().unwrap_or_default();
        for (g, want) in got.iter().zip([s1, s2, s3, additional]) {
            assert!(co2_e2e::close(*g, want, 1e-9), "{module}: {got:?} vs {:?}", [s1, s2, s3, additional]);
        }
    }

    // The same facts as CSV, with the header the API documents.
    let csv = call(&s.app, Method::GET, "/api/v1/backoffice/facts?year=2025&format=csv", Some(&admin), None).await;
    assert_eq!(csv.status, 200);
    assert!(csv.headers["content-disposition"].to_str().unwrap().contains("facts-2025.csv"));
    let mut reader = csv::Reader::from_reader(csv.body.as_slice());
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), co2_api_types::FACT_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), facts.len());
    let csv_kg: f64 = rows.iter().map(|r| r[9].parse::<f64>().unwrap()).sum();
    assert!(co2_e2e::close(csv_kg, facts.iter().map(|f| f.kg_co2eq).sum(), 1e-9));

    // A subtree: only its units.
    let only = call(&s.app, Method::GET, "/api/v1/backoffice/facts?year=2025&subtree=9002", Some(&admin), None).await;
    assert!(parse_ndjson(&only.body).iter().all(|f| f.unit == "9002"));

    // An operator of 9002's subtree: 9002 only, whatever they ask; 9001 is not disclosed.
    let operator = s.token("backoffice", Some("9002")).await;
    let theirs = call(&s.app, Method::GET, "/api/v1/backoffice/facts?year=2025", Some(&operator), None).await;
    assert_eq!(theirs.status, 200);
    let theirs = parse_ndjson(&theirs.body);
    assert!(!theirs.is_empty() && theirs.iter().all(|f| f.unit == "9002"), "{theirs:?}");
    let asked =
        call(&s.app, Method::GET, "/api/v1/backoffice/facts?year=2025&subtree=9001", Some(&operator), None).await;
    assert_eq!(asked.status, 404);
    let wider =
        call(&s.app, Method::GET, "/api/v1/backoffice/facts?year=2025&subtree=ENAC", Some(&operator), None).await;
    assert!(parse_ndjson(&wider.body).iter().all(|f| f.unit == "9002"));

    // A unit's people are refused; an unknown year is a 404; a read-only API token of the admin works.
    for token in [&principal, &s.token("standard", Some("9001")).await] {
        let res = call(&s.app, Method::GET, "/api/v1/backoffice/facts?year=2025", Some(token), None).await;
        assert_eq!(res.status, 403);
    }
    let res = call(&s.app, Method::GET, "/api/v1/backoffice/facts?year=1999", Some(&admin), None).await;
    assert_eq!(res.status, 404);
    let created = call(
        &s.app,
        Method::POST,
        "/api/v1/backoffice/tokens",
        Some(&admin),
        Some(serde_json::json!({"name": "bi", "scope": "read", "expires_in_days": 30})),
    )
    .await;
    assert_eq!(created.status, 201);
    let secret = created.json()["secret"].as_str().unwrap().to_owned();
    let by_token = call(&s.app, Method::GET, "/api/v1/backoffice/facts?year=2025", Some(&secret), None).await;
    assert_eq!(by_token.status, 200);
    assert_eq!(parse_ndjson(&by_token.body).len(), facts.len());
}
