//! Helpers shared by the domain's unit tests: raw fields, the repository's data files read as
//! records numbered like the oracle's `csv_line` (header = 1), sums and tolerant comparisons.

use crate::emission::Computation;
use crate::fields::RawFields;

/// The repository's `data/` directory.
pub const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data");

/// A file of `data/`.
pub fn data(path: &str) -> String {
    std::fs::read_to_string(format!("{DATA}/{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The records of a CSV text with their physical line (header = 1, as the oracle's `csv_line`).
pub fn records(text: &str) -> Vec<(u64, RawFields)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = rdr.headers().expect("a header row").iter().map(|h| h.trim().to_lowercase()).collect();
    rdr.records()
        .map(|r| {
            let r = r.expect("a readable record");
            let line = r.position().map_or(0, |p| p.line());
            (line, headers.iter().cloned().zip(r.iter().map(str::to_owned)).collect())
        })
        .collect()
}

/// Raw fields from pairs.
pub fn raw(pairs: &[(&str, &str)]) -> RawFields {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// Σ kg of a computation's rows.
pub fn kg(c: &Computation) -> f64 {
    c.rows().iter().map(|r| r.kg_co2eq).sum()
}

/// Equal within a relative 1e-9 (absolute near zero).
pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}
