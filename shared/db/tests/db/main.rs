//! SQL behaviour against a real PostgreSQL (`#[sqlx::test]`: a fresh migrated database per test).

mod audit;
mod factor;
mod queue;
mod report;
