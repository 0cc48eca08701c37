//! Everything a function with data needs that is not its own business logic: its settings,
//! authentication, serving with read-your-writes bookkeeping (over `co2-http`, whose error
//! type, telemetry and health it re-exports), the step runtime (CloudEvents or SQS batches),
//! and the storage and queue seams with their cloud and embedded implementations.
//!
//! Function crates depend on this; it depends on no function. Nothing here does I/O at start-up
//! beyond reading env: clients and pools connect on first use, so listeners are up in milliseconds.

pub mod auth;
pub mod blob;
pub mod config;
pub mod consistency;
pub mod ctx;
pub mod dispatch;
pub mod events;
pub mod queue;
pub mod reporting_scope;
pub mod serve;
pub mod step;

pub use co2_http::{error, health, telemetry};
pub use ctx::Ctx;
pub use error::{ApiError, ApiJson, ApiQuery, ApiResult};
pub use serve::serve;
pub use step::{StepError, StepHandler, StepInput, run_step};
