//! The embedded queue: a PostgreSQL table with at-least-once delivery. A receive claims visible
//! messages with `FOR UPDATE SKIP LOCKED` and hides them for the visibility timeout; an ack deletes
//! them; a message received `max_receives` times without an ack is dead-lettered. Nothing is lost
//! on a crash: an unacked message simply becomes visible again.

use crate::DbResult;
use sqlx::PgExecutor;
use uuid::Uuid;

/// A received message.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Received {
    pub queue_message_id: i64,
    pub message_id: Uuid,
    pub body: String,
    pub receive_count: i32,
}

/// A dead-lettered message.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeadLetter {
    pub message_id: Uuid,
    pub queue: String,
    pub body: String,
    pub receive_count: i32,
    pub last_error: Option<String>,
}

/// Enqueues a message; returns its id.
pub async fn send(db: impl PgExecutor<'_>, queue: &str, body: &str) -> DbResult<Uuid> {
    Ok(crate::sql::query_scalar("insert into queue_message (queue, body) values ($1, $2) returning message_id")
        .bind(queue)
        .bind(body)
        .fetch_one(db)
        .await?)
}

/// Claims up to `max` visible messages for `visibility_secs`, after dead-lettering those that
/// already reached `max_receives`.
pub async fn receive(
    db: &crate::Db,
    queue: &str,
    max: i64,
    visibility_secs: f64,
    max_receives: i32,
) -> DbResult<Vec<Received>> {
    crate::sql::query(
        "update queue_message set dead_lettered_at = now()
         where queue = $1 and dead_lettered_at is null and visible_at <= now() and receive_count >= $2",
    )
    .bind(queue)
    .bind(max_receives)
    .execute(db)
    .await?;
    Ok(crate::sql::query_as::<Received>(
        "with claimed as (
             select queue_message_id from queue_message
             where queue = $1 and dead_lettered_at is null and visible_at <= now()
             order by queue_message_id for update skip locked limit $2
         )
         update queue_message q set receive_count = q.receive_count + 1,
             visible_at = now() + make_interval(secs => $3),
             first_received_at = coalesce(q.first_received_at, now())
         from claimed where q.queue_message_id = claimed.queue_message_id
         returning q.queue_message_id, q.message_id, q.body, q.receive_count",
    )
    .bind(queue)
    .bind(max)
    .bind(visibility_secs)
    .fetch_all(db)
    .await?)
}

/// Acknowledges (deletes) a message.
pub async fn ack(db: impl PgExecutor<'_>, queue_message_id: i64) -> DbResult<()> {
    crate::sql::query("delete from queue_message where queue_message_id = $1")
        .bind(queue_message_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Records a failed delivery; the message becomes visible again after `retry_after_secs`.
pub async fn release(
    db: impl PgExecutor<'_>,
    queue_message_id: i64,
    error: &str,
    retry_after_secs: f64,
) -> DbResult<()> {
    crate::sql::query(
        "update queue_message set last_error = $2, visible_at = now() + make_interval(secs => $3)
         where queue_message_id = $1",
    )
    .bind(queue_message_id)
    .bind(error)
    .bind(retry_after_secs)
    .execute(db)
    .await?;
    Ok(())
}

/// Messages dead-lettered on a queue (the DLQ view).
pub async fn dead_letters(db: impl PgExecutor<'_>, queue: &str) -> DbResult<Vec<DeadLetter>> {
    Ok(crate::sql::query_as::<DeadLetter>(
        "select message_id, queue, body, receive_count, last_error from queue_message
         where queue = $1 and dead_lettered_at is not null order by queue_message_id",
    )
    .bind(queue)
    .fetch_all(db)
    .await?)
}

/// Messages still waiting or in flight on a queue.
pub async fn depth(db: impl PgExecutor<'_>, queue: &str) -> DbResult<i64> {
    Ok(crate::sql::query_scalar("select count(*) from queue_message where queue = $1 and dead_lettered_at is null")
        .bind(queue)
        .fetch_one(db)
        .await?)
}

/// A dead letter not yet attributed to its job.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnhandledDeadLetter {
    pub queue_message_id: i64,
    pub queue: String,
    pub body: String,
    pub last_error: Option<String>,
}

/// Dead letters whose job has not been failed yet, oldest first.
pub async fn unhandled_dead_letters(db: impl PgExecutor<'_>, limit: i64) -> DbResult<Vec<UnhandledDeadLetter>> {
    Ok(crate::sql::query_as::<UnhandledDeadLetter>(
        "select queue_message_id, queue, body, last_error from queue_message
         where dead_lettered_at is not null and handled_at is null order by queue_message_id limit $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await?)
}

/// Notes that a dead letter's job has been dealt with.
pub async fn mark_handled(db: impl PgExecutor<'_>, queue_message_id: i64) -> DbResult<()> {
    crate::sql::query("update queue_message set handled_at = now() where queue_message_id = $1")
        .bind(queue_message_id)
        .execute(db)
        .await?;
    Ok(())
}
