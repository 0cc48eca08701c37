//! Natural keys of processed events: recorded in the same transaction as a step's effect, so a
//! redelivered message finds its key and does nothing.

use crate::DbResult;
use sqlx::PgConnection;

/// Records `key`; returns `false` when it was already recorded (a duplicate delivery).
pub async fn claim(db: &mut PgConnection, key: &str, step: &str) -> DbResult<bool> {
    let done =
        crate::sql::query("insert into processed_event (event_key, step) values ($1, $2) on conflict do nothing")
            .bind(key)
            .bind(step)
            .execute(&mut *db)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether `key` was already processed.
pub async fn is_processed(db: &mut PgConnection, key: &str) -> DbResult<bool> {
    Ok(crate::sql::query_scalar::<bool>("select exists (select 1 from processed_event where event_key = $1)")
        .bind(key)
        .fetch_one(&mut *db)
        .await?)
}
