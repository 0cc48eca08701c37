//! The statements of this crate, built one way: unnamed (.persistent(false)`), never a named
//! prepared statement cached on the connection.
//!
//! The functions reach PostgreSQL through PgBouncer in transaction pooling, which hands a client
//! a different server connection from one transaction to the next. A named statement prepared on
//! one server is missing on the next ("prepared statement sqlx_s_3 does not exist"), or clashes
//! with another client's of the same name; the unnamed statement is re-parsed on whichever
//! server runs it. PgBouncer 1.21+ can track named statements (`max_prepared_statements`), but
//! 1.18 (Debian 12's, which the tests run) cannot, and unnamed statements work with both
//! (ADR 0011). Every statement also runs inside a transaction ([`crate::Db`]), so its Parse and
//! Execute reach the same server.

use sqlx::Postgres;
use sqlx::postgres::PgArguments;
use sqlx::query::{Query, QueryAs, QueryScalar};

/// `sqlx::query`, unnamed.
pub fn query<'q>(sql: impl sqlx::SqlSafeStr) -> Query<'q, Postgres, PgArguments> {
    sqlx::query(sql).persistent(false)
}

/// `sqlx::query_as`, unnamed.
pub fn query_as<'q, O>(sql: impl sqlx::SqlSafeStr) -> QueryAs<'q, Postgres, O, PgArguments>
where
    O: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    sqlx::query_as(sql).persistent(false)
}

/// `sqlx::query_scalar`, unnamed.
pub fn query_scalar<'q, O>(sql: impl sqlx::SqlSafeStr) -> QueryScalar<'q, Postgres, O, PgArguments>
where
    (O,): for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    sqlx::query_scalar(sql).persistent(false)
}
