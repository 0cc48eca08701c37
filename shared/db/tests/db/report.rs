use co2_db::{org, report};
use sqlx::PgPool;

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_report_has_the_eight_modules_once_however_often_it_is_ensured(pool: PgPool) {
    let mut conn = pool.acquire().await.unwrap();
    report::ensure_year(&mut *conn, 2025, true).await.unwrap();
    let root = org::create_unit(&mut conn, "EPFL", "EPFL", None, None).await.unwrap();
    let lab = org::create_unit(&mut conn, "9001", "Lab", Some(&root), None).await.unwrap();
    assert_eq!(lab.path, "/EPFL/9001/");
    let a = report::ensure_report(&mut conn, lab.unit_id, 2025).await.unwrap();
    let b = report::ensure_report(&mut conn, lab.unit_id, 2025).await.unwrap();
    assert_eq!(a, b);
    let modules = report::modules_of(&mut *conn, lab.unit_id, 2025).await.unwrap();
    assert_eq!(modules.len(), 8);
    assert!(modules.iter().all(|m| m.status == report::ModuleStatus::NotStarted && m.write_block().is_none()));
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_duplicate_unit_id_is_a_named_constraint_violation(pool: PgPool) {
    let mut conn = pool.acquire().await.unwrap();
    org::create_unit(&mut conn, "9001", "Lab", None, None).await.unwrap();
    let err = org::create_unit(&mut conn, "9001", "Lab again", None, None).await.unwrap_err();
    match err {
        co2_db::DbError::Constraint { constraint } => assert_eq!(constraint, "unit_institutional_id_key"),
        other => panic!("expected a constraint error, got {other:?}"),
    }
}
