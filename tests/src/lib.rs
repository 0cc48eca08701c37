//! co2-e2e
