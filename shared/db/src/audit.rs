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
    crate::lock::take(&mut *db, crate::lock::AdvisoryLock::AuditChain).await?;
    let prev: String = crate::sql::query_scalar("select hash from audit_log order by audit_log_id desc limit 1")
        .fetch_optional(&mut *db)
        .await?
        .unwrap_or_else(|| "0".repeat(64));
    let hash = chain_hash(&prev, actor, action, target, &details);
    crate::sql::query(
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

/// The hash of an entry: its predecessor's hash and its own fields, NUL-separated. `details` is
/// hashed as serde_json prints it (keys sorted), so a value read back from jsonb hashes the same.
fn chain_hash(prev: &str, actor: &str, action: &str, target: Option<&str>, details: &serde_json::Value) -> String {
    let mut h = Sha256::new();
    for part in [prev, actor, action, target.unwrap_or(""), &details.to_string()] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())
}

/// An audit entry.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditEntry {
    pub audit_log_id: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub action: String,
    pub target: Option<String>,
    pub details: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

/// Filters of [`list`]; `None` matches all.
#[derive(Debug, Default)]
pub struct AuditFilter<'a> {
    pub actor: Option<&'a str>,
    /// An action, or a family with a trailing `.` (`job.` matches `job.aborted`).
    pub action: Option<&'a str>,
    pub target: Option<&'a str>,
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    pub to: Option<chrono::DateTime<chrono::Utc>>,
    /// Entries older than this id (the next page).
    pub before: Option<i64>,
}

const SELECT: &str = "select audit_log_id, created_at, actor, action, target, details, prev_hash, hash from audit_log";

/// Matching entries, newest first.
pub async fn list(db: impl sqlx::PgExecutor<'_>, f: &AuditFilter<'_>, limit: i64) -> DbResult<Vec<AuditEntry>> {
    Ok(crate::sql::query_as::<AuditEntry>(sqlx::AssertSqlSafe(format!(
        "{SELECT}
         where ($1::text is null or actor = $1)
           and ($2::text is null or action = $2 or (right($2, 1) = '.' and starts_with(action, $2)))
           and ($3::text is null or target = $3)
           and ($4::timestamptz is null or created_at >= $4)
           and ($5::timestamptz is null or created_at < $5)
           and ($6::bigint is null or audit_log_id < $6)
         order by audit_log_id desc limit $7"
    )))
    .bind(f.actor)
    .bind(f.action)
    .bind(f.target)
    .bind(f.from)
    .bind(f.to)
    .bind(f.before)
    .bind(limit)
    .fetch_all(db)
    .await?)
}

/// One entry by id.
pub async fn get(db: impl sqlx::PgExecutor<'_>, id: i64) -> DbResult<Option<AuditEntry>> {
    Ok(crate::sql::query_as::<AuditEntry>(sqlx::AssertSqlSafe(format!("{SELECT} where audit_log_id = $1")))
        .bind(id)
        .fetch_optional(db)
        .await?)
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, PartialEq)]
pub struct ChainCheck {
    pub entries_checked: i64,
    /// The first entry whose hash or link does not match, if any.
    pub first_broken: Option<i64>,
}

/// Recomputes the chain from the first entry, streaming: every hash must cover its predecessor's.
pub async fn verify(db: &mut PgConnection) -> DbResult<ChainCheck> {
    use futures::TryStreamExt;
    let mut rows = crate::sql::query_as::<AuditEntry>(sqlx::AssertSqlSafe(format!("{SELECT} order by audit_log_id")))
        .fetch(&mut *db);
    let mut prev = "0".repeat(64);
    let mut checked = 0;
    while let Some(e) = rows.try_next().await? {
        checked += 1;
        if e.prev_hash != prev || chain_hash(&prev, &e.actor, &e.action, e.target.as_deref(), &e.details) != e.hash {
            return Ok(ChainCheck { entries_checked: checked, first_broken: Some(e.audit_log_id) });
        }
        prev = e.hash;
    }
    Ok(ChainCheck { entries_checked: checked, first_broken: None })
}
