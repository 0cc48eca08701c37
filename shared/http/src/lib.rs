//! The HTTP face every function shares, and nothing more: configuration variables, logs and
//! Prometheus metrics, the one error type with its envelope, `/healthz` `/readyz` `/metrics`, the security headers, and
//! serving on Knative (a listener on `$PORT` with a graceful drain) or Lambda (`lambda_http`).
//!
//! It links no database driver and no AWS SDK: the static `web` function and `api-docs` depend on
//! it alone. The conversions of database and domain errors into answers are behind the `data`
//! feature, which `co2-platform` turns on for the functions that have data.

pub mod config;
pub mod error;
pub mod headers;
pub mod health;
pub mod serve;
pub mod telemetry;

pub use error::{ApiError, ApiJson, ApiQuery, ApiResult};
pub use health::Readiness;
