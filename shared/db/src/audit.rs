//! The append-only, hash-chained audit log: each entry's hash covers the previous hash, so any
//! edit or deletion breaks the chain.

use crate::DbResult;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;

/// Appends an event. Serialised by a transaction-level advisory lock so the chain stays linear.
pub async fn append(
    db: &mut PgConnection,
    actor: &str,
    action: &str,
    target: Option<&str>,
    details: serde_json::Value,
) -> DbResult<()> {
    sqlx::query("select pg_advisory_xact_lock(7700001)").execute(&mut *db).await?;
    let prev: String = sqlx::query_scalar("select hash from audit_log order by audit_log_id desc limit 1")
        .fetch_optional(&mut *db)
        .await?
        .unwrap_or_else(|| "0".repeat(64));
    let mut h = Sha256::new();
    for part in [prev.as_str(), actor, action, target.unwrap_or(""), &details.to_string()] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let hash = hex::encode(h.finalize());
    sqlx::query(
        "insert into audit_log (actor, action, target, details, prev_hash, hash) values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(actor)
    .bind(action)
    .bind(target)
    .bind(details)
    .bind(prev)
    .bind(hash)
    .execute(&mut *db)
    .await?;
    Ok(())
}
