//! A module's totals after a file's publication (ADR 0008, migration 0013): the rows the module
//! keeps are read, the file's rows are not, their sums come from what step-ingest staged. The
//! result must be what a full re-read gives.

use co2_db::entry::{self, Publication};
use co2_db::{aggregate, job, org, report};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// (emission type, scope, additional, Σ kg) of a module, and its stored totals.
async fn totals(db: &mut PgConnection, rm: Uuid) -> (Vec<(String, i16, bool, f64)>, (i64, f64, f64, f64)) {
    let leaves = sqlx::query_as(
        "select emission_type, scope, is_additional, kg_co2eq from module_leaf_total
         where report_module_id = $1 order by 1, 2, 3",
    )
    .bind(rm)
    .fetch_all(&mut *db)
    .await
    .unwrap();
    let module = sqlx::query_as(
        "select entry_count, headline_kg, scope3_kg, additional_kg from report_module where report_module_id = $1",
    )
    .bind(rm)
    .fetch_one(&mut *db)
    .await
    .unwrap();
    (leaves, module)
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn totals_after_a_publication_equal_a_full_refresh(pool: PgPool) {
    let mut conn = pool.acquire().await.unwrap();
    report::ensure_year(&mut *conn, 2025, true).await.unwrap();
    let lab = org::create_unit(&mut conn, "9001", "Lab", None, None).await.unwrap();
    report::ensure_report(&mut conn, lab.unit_id, 2025).await.unwrap();
    let rm = report::modules_of(&mut *conn, lab.unit_id, 2025).await.unwrap()[1].report_module_id;
    let job_id = job::create(
        &mut *conn,
        job::NewJob { kind: "upload", unit_id: Some(lab.unit_id), year: 2025, module: None, created_by: None },
    )
    .await
    .unwrap();
    // Two kept (published) entries, and three staged by the job: 2 + 4 + 8 kg of `b`, 16 kg of
    // an additional leaf.
    sqlx::query(
        "insert into data_entry (data_entry_id, report_module_id, data_entry_type, data, source, pending_job_id)
         values ('00000000-0000-7000-8000-000000000001', $1, 30, '{}', 'manual', null),
                ('00000000-0000-7000-8000-000000000002', $1, 30, '{}', 'manual', null),
                ('00000000-0000-7000-8000-000000000003', $1, 30, '{}', 'upload', $2),
                ('00000000-0000-7000-8000-000000000004', $1, 30, '{}', 'upload', $2),
                ('00000000-0000-7000-8000-000000000005', $1, 30, '{}', 'upload', $2)",
    )
    .bind(rm)
    .bind(job_id)
    .execute(&mut *conn)
    .await
    .unwrap();
    sqlx::query(
        "insert into emission (data_entry_id, emission_type, scope, is_additional, kg_co2eq) values
             ('00000000-0000-7000-8000-000000000001', 'a', 3, false, 0.1),
             ('00000000-0000-7000-8000-000000000002', 'b', 3, false, 1),
             ('00000000-0000-7000-8000-000000000003', 'b', 3, false, 2),
             ('00000000-0000-7000-8000-000000000004', 'b', 3, false, 4),
             ('00000000-0000-7000-8000-000000000005', 'b', 3, false, 8),
             ('00000000-0000-7000-8000-000000000005', 'x', 3, true, 16)",
    )
    .execute(&mut *conn)
    .await
    .unwrap();
    sqlx::query(
        r#"insert into job_staged_module (job_id, report_module_id, entries, leaf_totals) values ($1, $2, 3,
           '[{"emission_type": "b", "scope": 3, "is_additional": false, "kg_co2eq": 14},
             {"emission_type": "x", "scope": 3, "is_additional": true, "kg_co2eq": 16}]')"#,
    )
    .bind(job_id)
    .bind(rm)
    .execute(&mut *conn)
    .await
    .unwrap();

    let mut tx = pool.begin().await.unwrap();
    entry::publish_job(&mut tx, rm, job_id, None, Publication::ByJob).await.unwrap();
    aggregate::refresh_module_after_publication(&mut tx, rm, job_id).await.unwrap();
    tx.commit().await.unwrap();
    let after_publication = totals(&mut conn, rm).await;
    assert_eq!(
        after_publication.0,
        [("a".into(), 3, false, 0.1), ("b".into(), 3, false, 15.0), ("x".into(), 3, true, 16.0)]
    );
    assert_eq!(after_publication.1, (5, 15.1, 15.1, 16.0));
    let left: i64 = sqlx::query_scalar("select count(*) from job_staged_module").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(left, 0, "the staged sums are consumed by the publication");

    aggregate::refresh_module(&mut conn, rm).await.unwrap();
    assert_eq!(totals(&mut conn, rm).await, after_publication);

    // Without staged sums (consumed above), a second call re-reads every row.
    aggregate::refresh_module_after_publication(&mut conn, rm, job_id).await.unwrap();
    assert_eq!(totals(&mut conn, rm).await, after_publication);
}
