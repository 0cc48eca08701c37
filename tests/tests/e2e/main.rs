//! End-to-end tests: one binary, one module per behaviour.

mod access;
mod access_admin;
mod all_modules;
mod backoffice_data;
mod concurrency;
mod crash;
mod embedded;
mod errors;
mod exports;
mod hostile;
mod http_listener;
mod inputs;
mod jobs;
mod organisation;
mod outage;
mod permissions;
mod recalculation;
mod reference;
mod results;
mod routes;
mod s3_sqs;
mod storage;
mod support;
mod thresholds;
mod year_upload;
