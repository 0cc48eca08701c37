//! Cross-function end-to-end tests of the CO₂ Calculator live in `tests/e2e/`: the whole pipeline
//! (API → storage → notification → queue → steps → totals) against a real PostgreSQL, through
//! the embedded path (local disk + PostgreSQL queue) and the cloud path (a real S3+SQS server).
//! This library holds the oracle the tests compare with, and the cluster's shape run here
//! (`cluster`, on the resources of `cloud`), which the tests and the `topology` binary start.

pub mod cloud;
pub mod cluster;

use std::collections::BTreeMap;
use std::path::PathBuf;

/// One expected emission row of `data/demo/expected_emissions_2025.csv`.
#[derive(Debug, Clone)]
pub struct ExpectedRow {
    pub csv_line: u64,
    pub emission_type: String,
    pub scope: u8,
    pub kg_co2eq: f64,
    pub quantity: f64,
}

/// The repository's `data/` directory.
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data")
}

/// Expected rows of one demo file, keyed by the file's physical line.
pub fn expected_rows(file: &str) -> BTreeMap<u64, Vec<ExpectedRow>> {
    let mut rdr = csv::Reader::from_path(data_dir().join("demo/expected_emissions_2025.csv")).expect("oracle file");
    let mut out: BTreeMap<u64, Vec<ExpectedRow>> = BTreeMap::new();
    for rec in rdr.deserialize::<BTreeMap<String, String>>() {
        let r = rec.expect("oracle row");
        if r["file"] != file {
            continue;
        }
        let line: u64 = r["csv_line"].parse().expect("line");
        out.entry(line).or_default().push(ExpectedRow {
            csv_line: line,
            emission_type: r["emission_type"].clone(),
            scope: r["scope"].parse().expect("scope"),
            kg_co2eq: r["kg_co2eq"].parse().expect("kg"),
            quantity: r["quantity"].parse().unwrap_or(f64::NAN),
        });
    }
    out
}

/// Whether two numbers agree within a relative tolerance (with an absolute floor for zeros and
/// the oracle's 4-decimal rounding).
pub fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()) || (a - b).abs() <= 5e-5
}

/// A binary of the workspace, built before the tests (`make test-rust` builds them and sets
/// `CO2_BIN_DIR`; otherwise the target directory's debug build is used).
pub fn binary(name: &str) -> PathBuf {
    let dir = std::env::var_os("CO2_BIN_DIR").map(PathBuf::from).unwrap_or_else(|| {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
        target.join("debug")
    });
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is not built: run `cargo build --workspace --bins` (make test-rust does)",
        path.display()
    );
    path
}

/// The repository's `knative/` directory.
pub fn knative_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../knative")
}
