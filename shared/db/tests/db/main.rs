//! SQL behaviour against a real PostgreSQL (`#[sqlx::test]`: a fresh migrated database per test).

mod aggregate;
mod audit;
mod cascades;
mod factor;
mod org;
mod queue;
mod report;
