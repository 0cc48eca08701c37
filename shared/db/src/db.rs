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
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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

#[derive(Debug, Default)]
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
    /// Held for a few instructions only, never across a query.
    state: std::sync::Mutex<ReplicaState>,
    /// A refresh of the positions is under way (one at a time, in the background).
    refreshing: AtomicBool,
    routes: ReadRoutes,
}

/// A sample older than this is not trusted for a decision (its refresh is stuck): the primary.
const SAMPLE_TRUSTED_FOR: Duration = Duration::from_secs(1);

/// A PostgreSQL pool whose lone statements each run in their own transaction; a read pool may
/// route them to a streaming replica.
#[derive(Clone, Debug)]
pub struct Db {
    pool: PgPool,
    replica: Option<Arc<Replica>>,
}

/// A position asked for in one simple-protocol exchange (no parameters): correct through
/// PgBouncer's transaction pooling without a transaction around it, and one round trip.
async fn lsn_of(pool: &PgPool, sql: &'static str) -> Result<Option<Lsn>, sqlx::Error> {
    use sqlx::Row;
    let row = sqlx::raw_sql(sql).fetch_one(pool).await?;
    let text: Option<String> = row.try_get(0)?;
    Ok(text.as_deref().and_then(Lsn::parse))
}

impl Replica {
    /// The pool a statement should use now, and whether it is the replica. Decided on the last
    /// known positions, without waiting for any query: when they are due, a refresh starts in
    /// the background, and until a trusted sample exists the primary serves.
    fn choose(self: &Arc<Self>) -> (PgPool, bool) {
        if consistency::primary_only() {
            return (self.primary.clone(), false);
        }
        let required = consistency::required();
        let now = Instant::now();
        let (decision, due) = {
            let mut st = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let unreachable = st.unreachable_since.is_some_and(|since| now.duration_since(since) < REPLICA_RETRY_AFTER);
            let due = !unreachable && st.checked_at.is_none_or(|t| now.duration_since(t) >= REPLAY_CHECK_EVERY);
            let max = self.max_staleness;
            // Keep one sample older than the bound (the one that decides), drop the rest of those.
            while st.primary_at.len() > 1 && st.primary_at.get(1).is_some_and(|(t, _)| now.duration_since(*t) >= max) {
                st.primary_at.pop_front();
            }
            let bound = staleness_bound(&st.primary_at, now, max);
            let trusted = st.checked_at.is_some_and(|t| now.duration_since(t) < SAMPLE_TRUSTED_FOR);
            let fresh_enough = match (st.replayed, bound) {
                (Some(replayed), Some(bound)) => replayed >= bound && required.is_none_or(|r| replayed >= r),
                // Without a sample of the primary, nothing bounds what the replica may miss.
                _ => false,
            };
            let decision = if unreachable {
                Route::Unreachable
            } else if trusted && fresh_enough {
                Route::Replica
            } else {
                Route::Behind
            };
            (decision, due)
        };
        if due && !self.refreshing.swap(true, Ordering::AcqRel) {
            let me = Arc::clone(self);
            tokio::spawn(async move { me.refresh().await });
        }
        match decision {
            Route::Replica => {
                self.routes.replica.fetch_add(1, Ordering::Relaxed);
                (self.pool.clone(), true)
            }
            Route::Behind => {
                self.routes.primary_behind.fetch_add(1, Ordering::Relaxed);
                (self.primary.clone(), false)
            }
            Route::Unreachable => {
                self.routes.primary_unreachable.fetch_add(1, Ordering::Relaxed);
                (self.primary.clone(), false)
            }
        }
    }

    /// Samples the primary's position, then the replica's replay position (what the replica has
    /// replayed after the first sample is at least that recent).
    async fn refresh(&self) {
        // Both at once; each stamped with the instant it was asked for (an answer describes the
        // server at that instant or later).
        let started = Instant::now();
        let (primary, replay) = tokio::join!(
            tokio::time::timeout(SAMPLE_TRUSTED_FOR, lsn_of(&self.primary, "select pg_current_wal_insert_lsn()::text")),
            tokio::time::timeout(REPLICA_CHECK_TIMEOUT, lsn_of(&self.pool, "select pg_last_wal_replay_lsn()::text")),
        );
        {
            let mut st = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Ok(Ok(Some(at))) = primary {
                st.primary_at.push_back((started, at));
            }
            match replay {
                Ok(Ok(replayed)) => {
                    st.replayed = replayed;
                    st.checked_at = Some(started);
                }
                Ok(Err(e)) => {
                    tracing::warn!(error.message = %e, "db.replica_unreachable");
                    st.unreachable_since = Some(Instant::now());
                }
                Err(_) => {
                    tracing::warn!("db.replica_unreachable: no answer in time");
                    st.unreachable_since = Some(Instant::now());
                }
            }
        }
        self.refreshing.store(false, Ordering::Release);
    }

    /// A refresh the caller waits for (after any background one under way).
    async fn sample(&self) {
        while self.refreshing.swap(true, Ordering::AcqRel) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        self.refresh().await;
    }

    fn mark_unreachable(&self) {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).unreachable_since = Some(Instant::now());
    }
}

/// What the replica must have replayed for its reads to be at most `max` stale, from the
/// primary's positions (oldest first, pruned to one older than `max`): the position the primary
/// had `max` ago or a little more. When the only older sample is much older (the pod was idle),
/// or there is none (it just started), the oldest younger one: stricter, never laxer.
fn staleness_bound(primary_at: &VecDeque<(Instant, Lsn)>, now: Instant, max: Duration) -> Option<Lsn> {
    let usable = |age: Duration| age >= max && age <= max + SAMPLE_TRUSTED_FOR;
    match primary_at.front() {
        Some((t, lsn)) if usable(now.duration_since(*t)) => Some(*lsn),
        _ => primary_at.iter().find(|(t, _)| now.duration_since(*t) < max).map(|(_, lsn)| *lsn),
    }
}

#[derive(Debug, Clone, Copy)]
enum Route {
    Replica,
    Behind,
    Unreachable,
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
        Db {
            pool: primary.clone(),
            replica: Some(Arc::new(Replica {
                pool: replica,
                primary,
                max_staleness,
                state: std::sync::Mutex::new(ReplicaState::default()),
                refreshing: AtomicBool::new(false),
                routes: ReadRoutes::default(),
            })),
        }
    }

    /// Where this read pool sent its statements (`None` for a pool without replica).
    pub fn read_routes(&self) -> Option<&ReadRoutes> {
        self.replica.as_ref().map(|r| &r.routes)
    }

    /// Samples the primary's and the replica's positions now and waits for the answers (the
    /// read pool otherwise samples in the background as reads come): the routing decisions
    /// from here on are made on this sample. Nothing to do for a pool without replica.
    pub async fn sample_replica(&self) {
        if let Some(r) = &self.replica {
            r.sample().await;
        }
    }

    fn target(&self) -> (PgPool, bool) {
        match &self.replica {
            Some(r) => r.choose(),
            None => (self.pool.clone(), false),
        }
    }

    /// A transaction on the pool this statement group should use: every statement on it reaches
    /// the same server connection. A replica that cannot be reached is replaced by the primary.
    pub async fn begin(&self) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        let (target, on_replica) = self.target();
        match (target.begin().await, &self.replica) {
            (Ok(tx), _) => Ok(tx),
            (Err(e), Some(r)) if on_replica && is_connection_error(&e) => {
                tracing::warn!(error.message = %e, "db.replica_unreachable");
                r.mark_unreachable();
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
    use super::{Lsn, staleness_bound};
    use std::collections::VecDeque;
    use std::time::{Duration, Instant};

    #[test]
    fn the_staleness_bound_is_never_older_than_the_bound_allows() {
        let max = Duration::from_secs(2);
        let now = Instant::now() + Duration::from_secs(3600);
        let ago = |s: f64| now - Duration::from_secs_f64(s);
        let samples = |v: &[(f64, u64)]| v.iter().map(|&(s, l)| (ago(s), Lsn(l))).collect::<VecDeque<_>>();
        // The sample from 2.1 s ago decides.
        assert_eq!(staleness_bound(&samples(&[(2.1, 10), (1.0, 20), (0.0, 30)]), now, max), Some(Lsn(10)));
        // After ten idle minutes the old sample says nothing about 2 s ago: the younger one decides.
        assert_eq!(staleness_bound(&samples(&[(600.0, 10), (0.0, 30)]), now, max), Some(Lsn(30)));
        // Just started: only young samples, the oldest of them.
        assert_eq!(staleness_bound(&samples(&[(0.5, 25), (0.0, 30)]), now, max), Some(Lsn(25)));
        assert_eq!(staleness_bound(&VecDeque::new(), now, max), None);
    }

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
