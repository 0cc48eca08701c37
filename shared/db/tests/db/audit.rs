use sqlx::PgPool;

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_audit_log_is_a_hash_chain(pool: PgPool) {
    let mut tx = pool.begin().await.unwrap();
    for i in 0..3 {
        co2_db::audit::append(&mut tx, "tester", "thing.done", Some(&i.to_string()), serde_json::json!({"i": i}))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let rows: Vec<(String, String)> =
        sqlx::query_as("select prev_hash, hash from audit_log order by audit_log_id").fetch_all(&pool).await.unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].0, "0".repeat(64));
    assert_eq!(rows[1].0, rows[0].1);
    assert_eq!(rows[2].0, rows[1].1);
    assert!(rows.iter().all(|(_, h)| h.len() == 64));
}
