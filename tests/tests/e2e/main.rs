//! End-to-end tests: one binary, one module per behaviour.

mod access;
mod embedded;
mod http_listener;
mod organisation;
mod s3_sqs;
mod support;
