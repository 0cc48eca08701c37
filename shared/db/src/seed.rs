//! Seeding: the shipped defaults — the report years, the factors of `data/factors/<year>/` and
//! the reference data — loaded once, at the first install ([`install_defaults`]), and the demo
//! lab (unit 9001 in a small hierarchy, with its 2025 report). An installed database is never
//! given the defaults again: what the institution uploaded or edited stays (ADR 0011).

use crate::factor_file::FactorFile;
use crate::{DbError, DbResult, factor, org, report};
use co2_domain::equipment::EquipmentFactorRow;
use co2_domain::fields::{FieldErrors, RawFields};
use sqlx::{PgConnection, PgPool};
use std::path::Path;

/// Years whose factors ship with the product.
pub const SEEDED_YEARS: [i32; 2] = [2024, 2025];

/// The demo lab's institutional id.
pub const DEMO_UNIT: &str = "9001";

/// Rows of a CSV with their physical record number (header = 1).
pub type NumberedRows = Vec<(u64, RawFields)>;

/// Rejected rows with their record number.
pub type RejectedRows = Vec<(u64, FieldErrors)>;

/// Reads a CSV into raw field maps (headers trimmed and lower-cased; BOM tolerated), with each
/// row's physical record number (header = 1).
pub fn read_csv_records(bytes: &[u8]) -> Result<(Vec<String>, NumberedRows), csv::Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers: Vec<String> = rdr.headers()?.iter().map(|h| h.trim().to_lowercase()).collect();
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec?;
        let line = rec.position().map_or(0, |p| p.line());
        let raw: RawFields = headers.iter().cloned().zip(rec.iter().map(str::to_owned)).collect();
        rows.push((line, raw));
    }
    Ok((headers, rows))
}

/// The first header named twice (compared as [`read_csv_records`] normalises them): a file with
/// one is refused, since which of the two columns would be read is a guess.
pub fn duplicated_header(headers: &[String]) -> Option<&str> {
    headers.iter().enumerate().find(|(i, h)| !h.is_empty() && headers[..*i].contains(h)).map(|(_, h)| h.as_str())
}

/// Loads an equipment factor CSV for `year`; returns the number stored and the rejected rows.
pub async fn load_equipment_factors(db: &mut PgConnection, year: i32, bytes: &[u8]) -> DbResult<(usize, RejectedRows)> {
    let (_, rows) = read_csv_records(bytes).map_err(|e| DbError::Sqlx(sqlx::Error::Decode(Box::new(e))))?;
    let mut stored = 0;
    let mut rejected = Vec::new();
    for (line, raw) in rows {
        match EquipmentFactorRow::parse(&raw) {
            Ok(row) => {
                factor::upsert_equipment(db, year, &row, factor::Provenance::Shipped).await?;
                stored += 1;
            }
            Err(e) => rejected.push((line, e)),
        }
    }
    Ok((stored, rejected))
}

/// Loads any factor file for `year`: every valid row is upserted on its identity (DOMAIN §4);
/// returns the number stored and the rejected rows. A file whose rows are inconsistent as a set
/// (overlapping haul bands, no `RoW` train factor) is refused as a whole.
pub async fn load_factor_file(
    db: &mut PgConnection,
    year: i32,
    file: FactorFile,
    bytes: &[u8],
) -> anyhow::Result<(usize, RejectedRows)> {
    let (_, rows) = read_csv_records(bytes)?;
    let parsed = crate::factor_file::parse_file(file, &rows)?;
    for (_, record) in &parsed.records {
        factor::store_record(db, year, record, factor::Provenance::Shipped).await?;
    }
    Ok((parsed.records.len(), parsed.rejected))
}

/// What [`install_defaults`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Install {
    /// A fresh database: the defaults were loaded.
    Installed,
    /// Installed before: nothing was touched.
    AlreadyInstalled,
}

/// Loads the shipped defaults from `data_dir` (the repository's `data/`) into a database that
/// was never installed — years, airports, stations, rooms, exchange rates and the default
/// factors — and records the installation in the same transaction. An installed database is
/// left as it is. Two installs at once: the second waits for the first's record and then does
/// nothing.
pub async fn install_defaults(pool: &PgPool, data_dir: &Path) -> anyhow::Result<Install> {
    let mut tx = pool.begin().await?;
    let defaults = format!("factors of {}", SEEDED_YEARS.map(|y| y.to_string()).join(", "));
    let fresh: Option<i16> = crate::sql::query_scalar(
        "insert into installation (installation_id, defaults) values (1, $1) on conflict do nothing
         returning installation_id",
    )
    .bind(&defaults)
    .fetch_optional(&mut *tx)
    .await?;
    if fresh.is_none() {
        return Ok(Install::AlreadyInstalled);
    }
    let read = |name: &str| {
        let path = data_dir.join(name);
        std::fs::read(&path).map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))
    };
    let airports = crate::reference::load_airports(&mut tx, &read("reference/airports.csv")?).await?;
    let stations = crate::reference::load_stations(&mut tx, &read("reference/train_stations.csv")?).await?;
    let rooms = crate::reference::load_rooms(&mut tx, &read("reference/building_rooms_reference.csv")?).await?;
    let rates = crate::reference::load_exchange_rates(&mut tx, &read("reference/exchange_rates.csv")?).await?;
    tracing::info!(airports, stations, rooms, rates, "seed.reference_loaded");
    for year in SEEDED_YEARS {
        report::ensure_year(&mut *tx, year, true).await?;
        for file in FactorFile::ALL {
            let path = data_dir.join(format!("factors/{year}/{}", file.file_name()));
            let bytes = std::fs::read(&path).map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
            let (stored, rejected) = load_factor_file(&mut tx, year, file, &bytes).await?;
            anyhow::ensure!(
                rejected.is_empty(),
                "{}: {} invalid factor rows: {:?}",
                path.display(),
                rejected.len(),
                rejected
            );
            tracing::info!(year, file = file.file_name(), stored, "seed.factors_loaded");
        }
    }
    // The shipped factors in place: the planner's statistics follow (the reference tables' are
    // refreshed by their loaders).
    crate::sql::query("analyze factor").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(Install::Installed)
}

/// Seeds the demo hierarchy (EPFL › ENAC › 9001) and the demo lab's 2024 and 2025 reports.
pub async fn seed_demo(pool: &PgPool) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    let root = ensure_unit(&mut tx, "EPFL", "École polytechnique fédérale de Lausanne", None).await?;
    let school =
        ensure_unit(&mut tx, "ENAC", "School of Architecture, Civil and Environmental Engineering", Some(&root))
            .await?;
    let lab = ensure_unit(&mut tx, DEMO_UNIT, "Demo Laboratory of Sustainable Systems", Some(&school)).await?;
    let other = ensure_unit(&mut tx, "9002", "Second Demo Laboratory", Some(&school)).await?;
    for year in SEEDED_YEARS {
        report::ensure_report(&mut tx, lab.unit_id, year).await?;
        report::ensure_report(&mut tx, other.unit_id, year).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn ensure_unit(tx: &mut PgConnection, id: &str, name: &str, parent: Option<&org::Unit>) -> DbResult<org::Unit> {
    match org::unit_by_institutional_id(&mut *tx, id).await? {
        Some(u) => Ok(u),
        None => org::create_unit(tx, id, name, parent, None).await,
    }
}
