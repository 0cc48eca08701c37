//! Transaction-level advisory locks, by name: each serialises one kind of change across every
//! pod. Only `pg_advisory_xact_lock` is used (released at commit or rollback): a session-level
//! lock would outlive the transaction on a server connection that PgBouncer's transaction
//! pooling hands to another client next.

use sqlx::PgConnection;

/// The locks, with their fixed keys (part of the schema's contract: never reuse a key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdvisoryLock {
    /// Appends to the audit log, so its hash chain stays linear.
    AuditChain,
    /// Removals of role assignments, so two revocations cannot both pass the last-admin check.
    RoleRemovals,
}

impl AdvisoryLock {
    fn key(self) -> i64 {
        match self {
            AdvisoryLock::AuditChain => 7_700_001,
            AdvisoryLock::RoleRemovals => 7_700_002,
        }
    }
}

/// Takes `lock` until the end of the caller's transaction.
pub async fn take(db: &mut PgConnection, lock: AdvisoryLock) -> crate::DbResult<()> {
    crate::sql::query("select pg_advisory_xact_lock($1)").bind(lock.key()).execute(db).await?;
    Ok(())
}
