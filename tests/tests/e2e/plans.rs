//! Reduction plans: named per unit (or per faculty for the office), made of measures, saved and
//! audited, with a trajectory from the reference year to 2040 against the institution's goals
//! and what later reports show.

use crate::support::{Stack, demo_equipment};
use co2_testkit::call;
use http::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;

const PLANS: &str = "/api/v1/units/9001/plans";
/// Σ kg of the demo equipment file: the lab's 2025 footprint once it is loaded.
const EQUIPMENT_KG: f64 = 5890.867424;

fn year(plan: &Value, y: i64) -> Value {
    plan["trajectory"].as_array().unwrap().iter().find(|p| p["year"] == y).cloned().unwrap()
}

fn field_error(res: &co2_testkit::TestResponse, field: &str) -> bool {
    res.status == StatusCode::UNPROCESSABLE_ENTITY && res.json()["error"]["details"]["fields"][field].is_array()
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_unit_plans_its_reductions_and_follows_them_against_the_institutions_goals(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    let admin = s.token("admin", None).await;
    s.upload(&principal, "9001", "e.csv", "replace", demo_equipment()).await;
    s.drain().await;

    // The institution's goals: −50 % by 2030 and −100 % by 2040 against 2025.
    let goals = json!([
        {"target_year": 2040, "reduction_percent": 100.0, "reference_year": 2025},
        {"target_year": 2030, "reduction_percent": 50.0, "reference_year": 2025}
    ]);
    let set = call(&s.app, Method::PUT, "/api/v1/backoffice/goals", Some(&admin), Some(goals)).await;
    assert_eq!(set.status, StatusCode::OK, "{}", String::from_utf8_lossy(&set.body));
    assert_eq!(set.json()[0]["target_year"], 2030, "by target year");
    let bad = json!([{"target_year": 2030, "reduction_percent": 150.0, "reference_year": 2025}]);
    let refused = call(&s.app, Method::PUT, "/api/v1/backoffice/goals", Some(&admin), Some(bad)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);

    let created = call(
        &s.app,
        Method::POST,
        PLANS,
        Some(&principal),
        Some(json!({"name": " Lab 2030 ", "reference_year": 2025})),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&created.body));
    let plan = created.json();
    let id = plan["plan_id"].as_str().unwrap().to_owned();
    assert_eq!((plan["name"].as_str(), plan["can_edit"].as_bool()), (Some("Lab 2030"), Some(true)));
    assert!((plan["reference_kg"].as_f64().unwrap() - EQUIPMENT_KG).abs() < 1e-6, "{plan}");
    assert_eq!(plan["trajectory"].as_array().unwrap().len(), 16, "2025 to 2040");
    assert!((year(&plan, 2030)["goal_kg"].as_f64().unwrap() - EQUIPMENT_KG / 2.0).abs() < 1e-6);
    assert_eq!(year(&plan, 2040)["goal_kg"], 0.0);
    assert_eq!(year(&plan, 2025)["realised_kg"].as_f64().map(|k| (k - EQUIPMENT_KG).abs() < 1e-6), Some(true));

    // Measures cut the planned line from their year on.
    let measures = format!("{PLANS}/{id}/measures");
    let night = json!({"lever": "Switch the freezers' standby off at night", "module": "equipment",
                       "owner": "Lab manager", "target_year": 2027, "expected_kg": 1000.0});
    let res = call(&s.app, Method::POST, &measures, Some(&principal), Some(night)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&res.body));
    let replace = json!({"lever": "Replace the two oldest -80 °C freezers", "module": "equipment",
                         "target_year": 2030, "expected_kg": 2000.0, "note": "quotes asked"});
    let plan = call(&s.app, Method::POST, &measures, Some(&principal), Some(replace)).await.json();
    assert_eq!(plan["measures"].as_array().unwrap().len(), 2);
    assert_eq!(plan["planned_saving_kg"], 3000.0);
    assert_eq!(year(&plan, 2026)["planned_kg"].as_f64().unwrap(), plan["reference_kg"].as_f64().unwrap());
    assert!((year(&plan, 2027)["planned_kg"].as_f64().unwrap() - (EQUIPMENT_KG - 1000.0)).abs() < 1e-6);
    assert!((year(&plan, 2030)["planned_kg"].as_f64().unwrap() - (EQUIPMENT_KG - 3000.0)).abs() < 1e-6);

    // A measure changed, then removed.
    let first = plan["measures"][0]["measure_id"].as_str().unwrap().to_owned();
    let changed = json!({"lever": "Switch the freezers' standby off at night", "module": "equipment",
                         "owner": "Lab manager", "target_year": 2028, "expected_kg": 1500.0});
    let res = call(&s.app, Method::PUT, &format!("{measures}/{first}"), Some(&principal), Some(changed)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!((year(&res.json(), 2028)["planned_kg"].as_f64().unwrap() - (EQUIPMENT_KG - 1500.0)).abs() < 1e-6);
    let res = call(&s.app, Method::DELETE, &format!("{measures}/{first}"), Some(&principal), None).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    let plan = call(&s.app, Method::GET, &format!("{PLANS}/{id}"), Some(&principal), None).await.json();
    assert_eq!(plan["planned_saving_kg"], 2000.0);

    // What is refused, and why.
    let before_reference = json!({"lever": "x", "target_year": 2020, "expected_kg": 1.0});
    assert!(field_error(
        &call(&s.app, Method::POST, &measures, Some(&principal), Some(before_reference)).await,
        "target_year"
    ));
    let no_module = json!({"lever": "x", "module": "kitchen", "target_year": 2030, "expected_kg": 1.0});
    assert!(field_error(&call(&s.app, Method::POST, &measures, Some(&principal), Some(no_module)).await, "module"));
    let negative = json!({"lever": "x", "target_year": 2030, "expected_kg": -1.0});
    assert!(field_error(&call(&s.app, Method::POST, &measures, Some(&principal), Some(negative)).await, "expected_kg"));
    let unnamed = json!({"name": "   ", "reference_year": 2025});
    assert!(field_error(&call(&s.app, Method::POST, PLANS, Some(&principal), Some(unnamed)).await, "name"));
    let no_year = json!({"name": "Old", "reference_year": 1999});
    assert!(field_error(&call(&s.app, Method::POST, PLANS, Some(&principal), Some(no_year)).await, "reference_year"));
    let twice =
        call(&s.app, Method::POST, PLANS, Some(&principal), Some(json!({"name": "Lab 2030", "reference_year": 2025})))
            .await;
    assert_eq!((twice.status, twice.json()["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("plan_name_taken")));

    // A member reads the plan but does not change it; another unit does not see it.
    let member = s.token("standard", Some("9001")).await;
    let read = call(&s.app, Method::GET, &format!("{PLANS}/{id}"), Some(&member), None).await;
    assert_eq!((read.status, read.json()["can_edit"].as_bool()), (StatusCode::OK, Some(false)));
    let extra = json!({"lever": "x", "target_year": 2030, "expected_kg": 1.0});
    assert_eq!(call(&s.app, Method::POST, &measures, Some(&member), Some(extra)).await.status, StatusCode::FORBIDDEN);
    let other = s.token("principal", Some("9002")).await;
    assert_eq!(
        call(&s.app, Method::GET, &format!("{PLANS}/{id}"), Some(&other), None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(call(&s.app, Method::GET, PLANS, Some(&other), None).await.status, StatusCode::NOT_FOUND);

    // Every change is in the audit log.
    let actions: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where action like 'plan.%' or action = 'goals.set' order by audit_log_id",
    )
    .fetch_all(&s.pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "goals.set",
            "plan.created",
            "plan.measure_added",
            "plan.measure_added",
            "plan.measure_changed",
            "plan.measure_removed"
        ]
    );

    // The plan goes with its measures.
    assert_eq!(
        call(&s.app, Method::DELETE, &format!("{PLANS}/{id}"), Some(&principal), None).await.status,
        StatusCode::NO_CONTENT
    );
    let left: i64 = sqlx::query_scalar("select count(*) from reduction_measure").fetch_one(&s.pool).await.unwrap();
    assert_eq!(left, 0);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_office_plans_for_a_faculty_from_the_footprint_of_every_unit_beneath_it(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    s.upload(&principal, "9001", "e.csv", "replace", demo_equipment()).await;
    s.drain().await;
    let office = s.token("backoffice", Some("ENAC")).await;
    let res = call(
        &s.app,
        Method::POST,
        "/api/v1/units/ENAC/plans",
        Some(&office),
        Some(json!({"name": "ENAC 2030", "reference_year": 2025})),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&res.body));
    // The faculty's reference is its labs' footprint (9001's equipment; 9002 has nothing yet).
    assert!((res.json()["reference_kg"].as_f64().unwrap() - EQUIPMENT_KG).abs() < 1e-6);
    // The lab's principal does not see the faculty's plans.
    assert_eq!(
        call(&s.app, Method::GET, "/api/v1/units/ENAC/plans", Some(&principal), None).await.status,
        StatusCode::NOT_FOUND
    );
}
