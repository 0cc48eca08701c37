//! Everything a function needs that is not its own business logic: configuration from env,
//! telemetry, the HTTP error type, authentication, serving (Knative or Lambda), the step runtime
//! (CloudEvents or SQS batches), and the storage and queue seams with their cloud and embedded
//! implementations.
//!
//! Function crates depend on this; it depends on no function. Nothing here does I/O at start-up
//! beyond reading env: clients and pools connect on first use, so listeners are up in milliseconds.

pub mod auth;
pub mod blob;
pub mod config;
pub mod consistency;
pub mod ctx;
pub mod dispatch;
pub mod drop_result;
pub mod error;
pub mod events;
pub mod health;
pub mod queue;
pub mod serve;
pub mod step;
pub mod sweep;
pub mod telemetry;

pub use ctx::Ctx;
pub use error::{ApiError, ApiJson, ApiQuery, ApiResult};
pub use serve::serve;
pub use step::{StepError, StepHandler, StepInput, run_step};
