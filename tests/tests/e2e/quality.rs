//! Data quality and uncertainty of a unit-year: each entry's class from how it was computed, a
//! kg-weighted score, the coverage, the ± range of the total propagated from each factor's
//! uncertainty, and the factors whose better data would shrink the range most.

use crate::support::{Stack, demo_equipment, put_csv};
use co2_testkit::call;
use http::{Method, StatusCode};
use serde_json::Value;
use sqlx::PgPool;

const QUALITY: &str = "/api/v1/results/units/9001/years/2025/quality";

async fn quality(s: &Stack, token: &str) -> Value {
    let res = call(&s.app, Method::GET, QUALITY, Some(token), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", String::from_utf8_lossy(&res.body));
    res.json()
}

fn class(summary: &Value, key: &str) -> (i64, f64) {
    let c = summary["classes"].as_array().unwrap().iter().find(|c| c["class"] == key).unwrap();
    (c["entries"].as_i64().unwrap(), c["kg_co2eq"].as_f64().unwrap())
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_unit_year_says_how_good_its_data_is_and_the_range_its_total_lies_in(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    s.upload(&principal, "9001", "e.csv", "replace", demo_equipment()).await;
    s.drain().await;

    let q = quality(&s, &principal).await;
    let total = &q["total"];
    // The demo's 41 equipment rows: one has no factor (incomplete), 16 leave hours blank (the
    // factor's defaults stand in), the rest give them; none gives its kg.
    assert_eq!((total["entries"].as_i64(), total["computed_entries"].as_i64()), (Some(41), Some(40)));
    assert!((total["coverage"].as_f64().unwrap() - 40.0 / 41.0).abs() < 1e-12);
    let (defaulted, defaulted_kg) = class(total, "default_filled");
    let (activity, activity_kg) = class(total, "activity_based");
    let (given, given_kg) = class(total, "overridden");
    assert_eq!(class(total, "incomplete").0, 1);
    assert_eq!((defaulted, activity, given), (16, 24, 0), "{total}");
    let kg = total["kg_co2eq"].as_f64().unwrap();
    assert!((kg - 5890.867424).abs() < 1e-6, "every computed kg counts: {kg}");
    assert!((defaulted_kg + activity_kg + given_kg - kg).abs() < 1e-6);
    // The score is the kg-weighted mean of the weights (80 activity, 60 given, 40 defaulted).
    let score = total["score"].as_f64().unwrap();
    assert!((score - 100.0 * (0.8 * activity_kg + 0.6 * given_kg + 0.4 * defaulted_kg) / kg).abs() < 1e-9);
    let before = total["uncertainty_kg"].as_f64().unwrap();
    assert!(before > 0.0 && before < kg, "{before}");
    assert_eq!(q["modules"].as_array().unwrap().len(), 1);
    assert_eq!(q["modules"][0]["module"], "equipment");
    let hint = &q["hints"][0];
    assert_eq!(hint["module"], "equipment");
    assert!(hint["share_of_variance"].as_f64().unwrap() > 0.0 && hint["share_of_variance"].as_f64().unwrap() <= 1.0);
    assert!(["fill_blank_inputs", "measure_activity", "document_given_kg"].contains(&hint["advice"].as_str().unwrap()));

    // The office states its factors' uncertainty: ± 5 % on every equipment factor narrows the
    // range (the defaults still widen their rows).
    let admin = s.token("admin", None).await;
    let file = std::fs::read_to_string(co2_e2e::data_dir().join("factors/2025/equipments_factors.csv")).unwrap();
    let mut lines = file.lines();
    let with_pct: String = std::iter::once(format!("{},uncertainty_pct\n", lines.next().unwrap()))
        .chain(lines.map(|l| format!("{l},5\n")))
        .collect();
    let uri = "/api/v1/backoffice/factors/2025/equipments_factors";
    let (status, body) = put_csv(&s, &admin, uri, with_pct.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    s.drain().await;
    let after = quality(&s, &principal).await["total"]["uncertainty_kg"].as_f64().unwrap();
    assert!(after < before, "{after} < {before}");

    // A percentage that is not one is refused with the column named, and nothing changes.
    let bad = with_pct.replacen(",5\n", ",-3\n", 1);
    let (status, body) = put_csv(&s, &admin, uri, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("uncertainty_pct"), "{body}");
    assert_eq!(quality(&s, &principal).await["total"]["uncertainty_kg"].as_f64().unwrap(), after);

    // Another unit's principal does not see it.
    let other = s.token("principal", Some("9002")).await;
    assert_eq!(call(&s.app, Method::GET, QUALITY, Some(&other), None).await.status, StatusCode::NOT_FOUND);
}
