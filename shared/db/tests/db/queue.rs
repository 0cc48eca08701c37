use co2_db::queue;
use sqlx::PgPool;

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_received_message_is_hidden_until_its_visibility_ends_then_redelivered(pool: PgPool) {
    queue::send(&pool, "q", "hello").await.unwrap();
    let first = queue::receive(&co2_db::Db::new(pool.clone()), "q", 10, 0.3, 5).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].receive_count, 1);
    assert!(
        queue::receive(&co2_db::Db::new(pool.clone()), "q", 10, 0.3, 5).await.unwrap().is_empty(),
        "hidden while in flight"
    );
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let again = queue::receive(&co2_db::Db::new(pool.clone()), "q", 10, 30.0, 5).await.unwrap();
    assert_eq!(again.len(), 1, "redelivered after the visibility timeout");
    assert_eq!(again[0].receive_count, 2);
    queue::ack(&pool, again[0].queue_message_id).await.unwrap();
    assert_eq!(queue::depth(&pool, "q").await.unwrap(), 0);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn concurrent_receivers_never_get_the_same_message(pool: PgPool) {
    for i in 0..200 {
        queue::send(&pool, "q", &i.to_string()).await.unwrap();
    }
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let batch = queue::receive(&co2_db::Db::new(pool.clone()), "q", 7, 60.0, 5).await.unwrap();
                if batch.is_empty() {
                    break;
                }
                got.extend(batch.into_iter().map(|m| m.body));
            }
            got
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort_by_key(|b| b.parse::<i32>().unwrap());
    assert_eq!(all, (0..200).map(|i| i.to_string()).collect::<Vec<_>>());
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_message_received_too_often_is_dead_lettered_and_kept(pool: PgPool) {
    queue::send(&pool, "q", "poison?").await.unwrap();
    queue::send(&pool, "other", "fine").await.unwrap();
    for _ in 0..3 {
        let got = queue::receive(&co2_db::Db::new(pool.clone()), "q", 1, 0.0, 3).await.unwrap();
        queue::release(&pool, got[0].queue_message_id, "boom", 0.0).await.unwrap();
    }
    assert!(queue::receive(&co2_db::Db::new(pool.clone()), "q", 1, 0.0, 3).await.unwrap().is_empty());
    let dead = queue::dead_letters(&pool, "q").await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].last_error.as_deref(), Some("boom"));
    assert_eq!(
        queue::receive(&co2_db::Db::new(pool.clone()), "other", 1, 10.0, 3).await.unwrap().len(),
        1,
        "other queues unaffected"
    );
}
