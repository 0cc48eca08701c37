//! PostgreSQL access for every function: the migrator, the write/read pools, and one module per
//! aggregate with free functions over `impl PgExecutor` or `&mut PgConnection`.
//!
//! Callers own transactions (`begin`/`commit`); functions here never commit on their own.
//! SQL lives only in this crate. It must not import axum, the AWS SDK or anything HTTP.

// Every match over an entry type or a module names each one: adding a type or a module shows,
// as compiler errors, every place that must say what it does with it.
#![warn(clippy::wildcard_enum_match_arm)]

pub mod aggregate;
pub mod audit;
pub mod campaign;
pub mod central;
pub mod copy;
pub mod db;
pub mod engine;
pub mod entry;
pub mod explain;
pub mod export;
pub mod factor;
pub mod factor_file;
pub mod facts;
pub mod idempotency;
pub mod inventory;
pub mod job;
pub mod lock;
pub mod org;
pub mod plans;
pub mod queue;
pub mod recalc;
pub mod reference;
pub mod report;
pub mod results;
pub mod seed;
pub mod session;
pub mod source;
pub mod sql;
pub mod threshold;
pub mod token;
pub mod upload;

pub use db::Db;
pub use source::EntrySource;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// The schema's migrations, applied by `tools/migrate` (never at function start).
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// Errors of the data layer that callers can react to.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("not found")]
    NotFound,
    /// A named constraint rejected the write (unique, foreign key or check).
    #[error("constraint {constraint} violated")]
    Constraint { constraint: String },
    #[error(transparent)]
    Sqlx(sqlx::Error),
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::RowNotFound = e {
            return DbError::NotFound;
        }
        if let Some(db) = e.as_database_error()
            && let Some(c) = db.constraint()
        {
            return DbError::Constraint { constraint: c.to_owned() };
        }
        DbError::Sqlx(e)
    }
}

impl DbError {
    /// Whether the write broke the constraint named `name` (the schema's names are the contract:
    /// a unique key a person can collide with gets its own answer).
    pub fn on_constraint(&self, name: &str) -> bool {
        matches!(self, DbError::Constraint { constraint } if constraint == name)
    }

    /// The statement carried text PostgreSQL cannot store: a NUL character (`22021`) or a
    /// `\u0000` in JSON (`22P05`). Never transient: the input has to change.
    pub fn is_unstorable_text(&self) -> bool {
        if let DbError::Sqlx(sqlx::Error::Database(db)) = self {
            matches!(db.code().as_deref(), Some("22021" | "22P05"))
        } else {
            false
        }
    }

    /// Whether retrying later may succeed: the database unreachable, restarting or shutting down
    /// (a connection lost mid-statement, refused, or reset), the pool exhausted, a
    /// serialisation conflict or deadlock, too many connections.
    // sqlx::Error is non-exhaustive: the errors not named are not transient.
    #[allow(clippy::wildcard_enum_match_arm)]
    pub fn is_transient(&self) -> bool {
        match self {
            DbError::Sqlx(e) => match e {
                sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::Protocol(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed => true,
                sqlx::Error::Database(db) => db.code().is_some_and(|c| {
                    // 08: connection exception; 57P01-03: shutdown, crash, starting up.
                    c.starts_with("08")
                        || matches!(c.as_ref(), "40001" | "40P01" | "57P01" | "57P02" | "57P03" | "53300")
                }),
                _ => false,
            },
            DbError::NotFound | DbError::Constraint { .. } => false,
        }
    }
}

/// `text` as a literal `LIKE`/`ILIKE` pattern fragment: its `%`, `_` and `\\` match themselves
/// (PostgreSQL's default escape character is the backslash). Every pattern built from data goes
/// through here; a subtree or path test uses exact comparisons instead.
pub(crate) fn like_literal(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// One round trip to the database (readiness).
pub async fn ping(db: &Db) -> DbResult<()> {
    sql::query_scalar::<i32>("select 1").fetch_one(db).await?;
    Ok(())
}

/// Result alias of this crate.
pub type DbResult<T> = Result<T, DbError>;

/// Longest wait for a connection: what a request waits at most when the database is down.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// The two pools: `write` for writes and reads that must see them, `read` for lists and results.
#[derive(Clone, Debug)]
pub struct Pools {
    pub write: Db,
    pub read: Db,
    /// Percentile thresholds kept for pages (per database; `threshold::limits`).
    pub percentiles: std::sync::Arc<threshold::Percentiles>,
}

impl Pools {
    /// Builds lazily-connecting pools: nothing touches the network before the first query, so a
    /// function's listener is up in milliseconds.
    pub fn connect_lazy(write_url: &str, read_url: Option<&str>, max_connections: u32) -> Result<Pools, sqlx::Error> {
        let make = |url: &str| -> Result<PgPool, sqlx::Error> {
            let opts = PgConnectOptions::from_str(url)?.application_name("co2-calculator");
            Ok(PgPoolOptions::new()
                .max_connections(max_connections)
                .min_connections(0)
                // A database that cannot be reached answers 503 after this, not a hang.
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .idle_timeout(Duration::from_secs(60))
                .connect_lazy_with(opts))
        };
        let write = make(write_url)?;
        let read = match read_url {
            Some(url) if url != write_url => Db::replica(make(url)?, write.clone()),
            _ => Db::new(write.clone()),
        };
        Ok(Pools::new(Db::new(write), read))
    }

    /// Both pools on one database (tests).
    pub fn single(pool: PgPool) -> Pools {
        let db = Db::new(pool);
        Pools::new(db.clone(), db)
    }

    /// Pools from their two halves.
    pub fn new(write: Db, read: Db) -> Pools {
        Pools { write, read, percentiles: Default::default() }
    }
}
