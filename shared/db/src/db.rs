//! [`Db`]: the pool every function queries through.
//!
//! **Transactions.** Each statement it runs on its own (a function of this crate given `&Db`)
//! runs inside a transaction of its own, committed before the statement's result is handed back.
//! In PgBouncer's transaction pooling a client keeps its server connection only until the end of
//! a transaction. sqlx sends a statement with parameters in two exchanges (Parse/Describe, then
//! Bind/Execute), each closed by a Sync; outside a transaction PgBouncer may hand the second
//! exchange to another server, which never saw the first. Inside one, both reach the same server.
//! Together with unnamed statements ([`crate::sql`]) this makes every statement correct through
//! any PgBouncer in transaction mode (ADR 0011). Explicit transactions ([`Db::begin`]) are
//! unchanged: the caller's transaction is the one that holds the server.
//!
//! **Reads on a replica.** The read pool of a function ([`Db::replica`]) sends a statement to the
//! streaming replica only when the replica is known to have replayed what the caller must see:
//! the position of the caller's last write or observed job end ([`consistency`]), and everything
//! the primary had [`MAX_STALENESS`] ago. Otherwise — behind, unreachable, not yet checked — the
//! statement goes to the primary. A lagging or failed replica costs speed, never a wrong or
//! missing figure (ADR 0012).

use futures::future::BoxFuture;
use futures::stream::{BoxStream, TryStreamExt};
use sqlx::postgres::{PgQueryResult, PgRow, PgStatement, PgTypeInfo};
use sqlx::{Either, Execute, Executor, PgPool, Postgres, Transaction};
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A replica that has not replayed what the primary had this long ago is not read from: the
/// staleness any reader can see is bounded, whoever they are.
pub const MAX_STALENESS: Duration = Duration::from_secs(2);

/// How often the replica's replay position is asked for, at most (per pod, under load).
const REPLAY_CHECK_EVERY: Duration = Duration::from_millis(100);

/// How long an unreachable replica is left alone before it is tried again.
const REPLICA_RETRY_AFTER: Duration = Duration::from_secs(5);

/// How long the replica may take to say where it is before it counts as unreachable (a
/// request waits this long at most, once per [`REPLICA_RETRY_AFTER`], when the replica is down).
const REPLICA_CHECK_TIMEOUT: Duration = Duration::from_millis(300);

/// A position in PostgreSQL's write-ahead log (`pg_lsn`), as a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Lsn(pub u64);

impl Lsn {
    /// Parses PostgreSQL's `X/Y` form (and the `X_Y` form of our cookie).
    pub fn parse(text: &str) -> Option<Lsn> {
        let (hi, lo) = text.trim().split_once(['/', '_'])?;
        Some(Lsn((u64::from_str_radix(hi, 16).ok()? << 32) | u64::from_str_radix(lo, 16).ok()?))
    }
}

impl std::fmt::Display for Lsn {
    /// The `X_Y` form: PostgreSQL's, with a cookie-safe separator.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:X}_{:X}", self.0 >> 32, self.0 & 0xFFFF_FFFF)
    }
}

/// What the caller of the current request or step must see: reads of this task are served by
/// the replica only once it has replayed this position. A request's scope starts empty and is
/// raised when the caller is known (their recorded position), a step's by its message. A change
/// (a request that writes) reads everything it needs on the primary: it must act on the latest
/// state, and it is a small share of the reads.
pub mod consistency {
    use super::Lsn;
    use std::cell::Cell;

    #[derive(Debug)]
    struct Scope {
        read_after: Cell<Option<Lsn>>,
        primary_only: bool,
    }

    tokio::task_local! {
        static SCOPE: Scope;
    }

    /// Runs `f` with reads that must see at least `lsn` (raised further inside by [`raise`]);
    /// `primary_only` for a change.
    pub async fn scope<F: std::future::Future>(lsn: Option<Lsn>, primary_only: bool, f: F) -> F::Output {
        SCOPE.scope(Scope { read_after: Cell::new(lsn), primary_only }, f).await
    }

    /// Reads of the current scope must see at least `lsn` from now on (no-op outside a scope).
    pub fn raise(lsn: Option<Lsn>) {
        let _ = SCOPE.try_with(|s| s.read_after.set(s.read_after.get().max(lsn)));
    }

    /// The current task's requirement (none outside a scope).
    pub fn required() -> Option<Lsn> {
        SCOPE.try_with(|s| s.read_after.get()).ok().flatten()
    }

    /// Whether the current task is a change, whose reads all go to the primary.
    pub fn primary_only() -> bool {
        SCOPE.try_with(|s| s.primary_only).unwrap_or(false)
    }
}

/// Where the read pool sent its statements: counts for `/metrics` and the tests.
#[derive(Debug, Default)]
pub struct ReadRoutes {
    pub replica: AtomicU64,
    /// The replica had not replayed what the caller must see.
    pub primary_behind: AtomicU64,
    /// The replica could not be reached.
    pub primary_unreachable: AtomicU64,
}

#[derive(Debug)]
struct ReplicaState {
    replayed: Option<Lsn>,
    checked_at: Option<Instant>,
    unreachable_since: Option<Instant>,
    /// The primary's position at recent instants, oldest first (for the staleness bound).
    primary_at: VecDeque<(Instant, Lsn)>,
}

#[derive(Debug)]
struct Replica {
    pool: PgPool,
    primary: PgPool,
    max_staleness: Duration,
    state: tokio::sync::Mutex<ReplicaState>,
    routes: ReadRoutes,
}

/// A PostgreSQL pool whose lone statements each run in their own transaction; a read pool may
/// route them to a streaming replica.
#[derive(Clone, Debug)]
pub struct Db {
    pool: PgPool,
    replica: Option<Arc<Replica>>,
}

async fn lsn_of(pool: &PgPool, sql: &'static str) -> Result<Option<Lsn>, sqlx::Error> {
    let text: Option<String> = sqlx::query_scalar(sql).persistent(false).fetch_one(pool).await?;
    Ok(text.as_deref().and_then(Lsn::parse))
}

impl Replica {
    /// The pool a statement should use now, and whether it is the replica.
    async fn choose(&self) -> (PgPool, bool) {
        if consistency::primary_only() {
            return (self.primary.clone(), false);
        }
        let required = consistency::required();
        let mut st = self.state.lock().await;
        let now = Instant::now();
        if let Some(since) = st.unreachable_since {
            if now.duration_since(since) < REPLICA_RETRY_AFTER {
                self.routes.primary_unreachable.fetch_add(1, Ordering::Relaxed);
                return (self.primary.clone(), false);
            }
            st.unreachable_since = None;
        }
        if st.checked_at.is_none_or(|t| now.duration_since(t) >= REPLAY_CHECK_EVERY) {
            // The primary first: what the replica replays afterwards is at least that old.
            if st.primary_at.back().is_none_or(|(t, _)| now.duration_since(*t) >= REPLAY_CHECK_EVERY)
                && let Ok(Some(at)) = lsn_of(&self.primary, "select pg_current_wal_insert_lsn()::text").await
            {
                st.primary_at.push_back((now, at));
            }
            let replay = tokio::time::timeout(
                REPLICA_CHECK_TIMEOUT,
                lsn_of(&self.pool, "select pg_last_wal_replay_lsn()::text"),
            );
            match replay.await.unwrap_or(Err(sqlx::Error::PoolTimedOut)) {
                Ok(replayed) => {
                    st.replayed = replayed;
                    st.checked_at = Some(now);
                }
                Err(e) => {
                    tracing::warn!(error.message = %e, "db.replica_unreachable");
                    st.unreachable_since = Some(now);
                    self.routes.primary_unreachable.fetch_add(1, Ordering::Relaxed);
                    return (self.primary.clone(), false);
                }
            }
        }
        // Keep one sample older than the bound (the one that decides), drop the rest of those.
        let max = self.max_staleness;
        while st.primary_at.len() > 1 && st.primary_at.get(1).is_some_and(|(t, _)| now.duration_since(*t) >= max) {
            st.primary_at.pop_front();
        }
        let bound = st.primary_at.front().filter(|(t, _)| now.duration_since(*t) >= max).map(|(_, l)| *l);
        let needed = required.into_iter().chain(bound).max();
        let fresh_enough = match (st.replayed, needed) {
            (Some(replayed), Some(needed)) => replayed >= needed,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if fresh_enough {
            self.routes.replica.fetch_add(1, Ordering::Relaxed);
            (self.pool.clone(), true)
        } else {
            self.routes.primary_behind.fetch_add(1, Ordering::Relaxed);
            (self.primary.clone(), false)
        }
    }

    async fn mark_unreachable(&self) {
        self.state.lock().await.unreachable_since = Some(Instant::now());
    }
}

impl Db {
    /// Wraps a pool (the primary, or a read pool on it).
    pub fn new(pool: PgPool) -> Db {
        Db { pool, replica: None }
    }

    /// A read pool on `replica` that falls back to `primary` whenever the replica is behind what
    /// a reader must see, more than [`MAX_STALENESS`] behind, or unreachable.
    pub fn replica(replica: PgPool, primary: PgPool) -> Db {
        Db::replica_bounded(replica, primary, MAX_STALENESS)
    }

    /// As [`Db::replica`] with another staleness bound (tests that hold the replica back longer).
    pub fn replica_bounded(replica: PgPool, primary: PgPool, max_staleness: Duration) -> Db {
        let state =
            ReplicaState { replayed: None, checked_at: None, unreachable_since: None, primary_at: VecDeque::new() };
        Db {
            pool: primary.clone(),
            replica: Some(Arc::new(Replica {
                pool: replica,
                primary,
                max_staleness,
                state: tokio::sync::Mutex::new(state),
                routes: ReadRoutes::default(),
            })),
        }
    }

    /// Where this read pool sent its statements (`None` for a pool without replica).
    pub fn read_routes(&self) -> Option<&ReadRoutes> {
        self.replica.as_ref().map(|r| &r.routes)
    }

    async fn target(&self) -> (PgPool, bool) {
        match &self.replica {
            Some(r) => r.choose().await,
            None => (self.pool.clone(), false),
        }
    }

    /// A transaction on the pool this statement group should use: every statement on it reaches
    /// the same server connection. A replica that cannot be reached is replaced by the primary.
    pub async fn begin(&self) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        let (target, on_replica) = self.target().await;
        match (target.begin().await, &self.replica) {
            (Ok(tx), _) => Ok(tx),
            (Err(e), Some(r)) if on_replica && is_connection_error(&e) => {
                tracing::warn!(error.message = %e, "db.replica_unreachable");
                r.mark_unreachable().await;
                r.routes.primary_unreachable.fetch_add(1, Ordering::Relaxed);
                r.primary.begin().await
            }
            (Err(e), _) => Err(e),
        }
    }

    /// The primary's current write-ahead log position: what a reader that must see everything
    /// committed so far requires (`None` on a server that does not say, e.g. a replica).
    pub async fn current_lsn(&self) -> Result<Option<Lsn>, sqlx::Error> {
        let primary = self.replica.as_ref().map_or(&self.pool, |r| &r.primary);
        lsn_of(primary, "select pg_current_wal_insert_lsn()::text").await
    }

    /// Closes the pools (tests, shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
        if let Some(r) = &self.replica {
            r.pool.close().await;
        }
    }
}

fn is_connection_error(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::Tls(_))
        || e.as_database_error().and_then(|d| d.code()).is_some_and(|c| c.starts_with("08") || c == "57P03")
}

impl<'c> Executor<'c> for &'c Db {
    type Database = Postgres;

    fn fetch_many<'e, 'q: 'e, E>(self, query: E) -> BoxStream<'e, Result<Either<PgQueryResult, PgRow>, sqlx::Error>>
    where
        'c: 'e,
        E: 'q + Execute<'q, Postgres>,
    {
        Box::pin(async_stream::try_stream! {
            let mut tx = self.begin().await?;
            {
                let mut results = tx.fetch_many(query);
                while let Some(item) = results.try_next().await? {
                    yield item;
                }
            }
            tx.commit().await?;
        })
    }

    fn fetch_optional<'e, 'q: 'e, E>(self, query: E) -> BoxFuture<'e, Result<Option<PgRow>, sqlx::Error>>
    where
        'c: 'e,
        E: 'q + Execute<'q, Postgres>,
    {
        Box::pin(async move {
            let mut tx = self.begin().await?;
            let row = tx.fetch_optional(query).await?;
            tx.commit().await?;
            Ok(row)
        })
    }

    fn prepare_with<'e>(
        self,
        sql: sqlx::SqlStr,
        parameters: &'e [PgTypeInfo],
    ) -> BoxFuture<'e, Result<PgStatement, sqlx::Error>>
    where
        'c: 'e,
    {
        let pool = self.pool.clone();
        Box::pin(async move { pool.acquire().await?.prepare_with(sql, parameters).await })
    }

    fn describe<'e>(self, sql: sqlx::SqlStr) -> BoxFuture<'e, Result<sqlx::Describe<Postgres>, sqlx::Error>>
    where
        'c: 'e,
    {
        let pool = self.pool.clone();
        Box::pin(async move { pool.acquire().await?.describe(sql).await })
    }
}

#[cfg(test)]
mod tests {
    use super::Lsn;

    #[test]
    fn positions_read_in_both_spellings_and_order_as_the_log() {
        assert_eq!(Lsn::parse("0/16B3748"), Some(Lsn(0x16B_3748)));
        assert_eq!(Lsn::parse("1/0"), Some(Lsn(1 << 32)));
        let l = Lsn::parse("A/FF").unwrap();
        assert_eq!(Lsn::parse(&l.to_string()), Some(l));
        assert!(Lsn::parse("1/0").unwrap() > Lsn::parse("0/FFFFFFFF").unwrap());
        assert_eq!(Lsn::parse("garbage"), None);
    }
}
