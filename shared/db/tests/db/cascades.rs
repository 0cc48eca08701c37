//! The statement-level triggers that replaced data_entry's per-row foreign keys (migration 0011):
//! a deleted entry takes its companion and every emission row, a deleted module takes its
//! entries, and a deleted user leaves their entries without an author.

use co2_db::{org, report};
use sqlx::PgPool;

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn deletes_cascade_through_the_statement_triggers(pool: PgPool) {
    let mut conn = pool.acquire().await.unwrap();
    report::ensure_year(&mut *conn, 2025, true).await.unwrap();
    let lab = org::create_unit(&mut conn, "9001", "Lab", None, None).await.unwrap();
    report::ensure_report(&mut conn, lab.unit_id, 2025).await.unwrap();
    let modules = report::modules_of(&mut *conn, lab.unit_id, 2025).await.unwrap();
    let (a, b) = (modules[0].report_module_id, modules[1].report_module_id);
    let user = org::upsert_user(&mut *conn, "u1", "U One", None).await.unwrap();
    // Entry 1 (module a, by the user) with a companion; entry 2 in module b; one emission each.
    sqlx::query(
        "insert into data_entry (data_entry_id, report_module_id, data_entry_type, data, source, created_by, parent_entry_id)
         values ('00000000-0000-7000-8000-000000000001', $1, 30, '{}', 'manual', $3, null),
                ('00000000-0000-7000-8000-000000000002', $1, 32, '{}', 'manual', null, '00000000-0000-7000-8000-000000000001'),
                ('00000000-0000-7000-8000-000000000003', $2, 10, '{}', 'manual', $3, null);
         ",
    )
    .bind(a)
    .bind(b)
    .bind(user.app_user_id)
    .execute(&mut *conn)
    .await
    .unwrap();
    sqlx::query(
        "insert into emission (data_entry_id, emission_type, scope, kg_co2eq)
         select data_entry_id, 'x', 3, 1 from data_entry",
    )
    .execute(&mut *conn)
    .await
    .unwrap();

    sqlx::query("delete from app_user where app_user_id = $1")
        .bind(user.app_user_id)
        .execute(&mut *conn)
        .await
        .unwrap();
    assert_eq!(count(&pool, "select count(*) from data_entry where created_by is not null").await, 0);
    assert_eq!(count(&pool, "select count(*) from data_entry").await, 3, "entries stay without an author");

    sqlx::query("delete from data_entry where data_entry_id = '00000000-0000-7000-8000-000000000001'")
        .execute(&mut *conn)
        .await
        .unwrap();
    assert_eq!(count(&pool, "select count(*) from data_entry").await, 1, "the companion went with its parent");
    assert_eq!(count(&pool, "select count(*) from emission").await, 1, "so did both emission rows");

    sqlx::query("delete from report_module where report_module_id = $1").bind(b).execute(&mut *conn).await.unwrap();
    assert_eq!(count(&pool, "select count(*) from data_entry").await, 0, "the module took its entry");
    assert_eq!(count(&pool, "select count(*) from emission").await, 0);
}
