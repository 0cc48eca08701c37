//! co2-testkit
