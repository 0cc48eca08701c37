//! The emission engine's data side (DOMAIN §5.0): load what parsing needs and the year's factors
//! once per batch, compute with the domain's catalogue of entry types
//! (`co2_domain::catalogue`), and replace the entries' rows.
//!
//! Every writer (the entries API and step-compute) goes through here, so a manual entry and a
//! file row give the same rows.

use crate::copy::CopyRows;
use crate::{DbResult, factor, reference};
pub use co2_domain::catalogue::{
    Computed, EntryRejection, FactorSet, ParseContext, ParsedEntry, compute, infer_entry_type, parse_entry,
    required_columns, supports, template_columns, template_columns_of,
};
use co2_domain::emission::{Computation, EmissionType};
use co2_domain::facilities;
use co2_domain::{EntryType, Module};
use sqlx::PgConnection;
use uuid::Uuid;
/// Loads what parsing entries of `module` needs, once per request or file.
pub async fn parse_context(db: &mut PgConnection, module: Module, year: i32) -> DbResult<ParseContext> {
    let mut ctx = ParseContext { year, ..ParseContext::default() };
    match module {
        Module::Buildings => ctx.rooms = reference::room_reference(&mut *db).await?,
        Module::ProfessionalTravel => ctx.stations = reference::station_index(&mut *db).await?,
        Module::Headcount
        | Module::Equipment
        | Module::Purchase
        | Module::ResearchFacilities
        | Module::ExternalCloudAndAi
        | Module::ProcessEmissions => {}
    }
    Ok(ctx)
}

/// Loads the factors of `year` for `module` and the references the `batch` (stored entry data)
/// needs: only the module's factors, and only the airports the batch names.
pub async fn load_factors(
    db: &mut PgConnection,
    year: i32,
    module: Module,
    batch: &[&serde_json::Value],
) -> DbResult<FactorSet> {
    let mut f = FactorSet { year, ..FactorSet::default() };
    add_factors(db, module, batch, &mut f).await?;
    Ok(f)
}

/// Loads the factors of `year` for every module, the airports the `batch` names, and every
/// reference a new entry of any type may need (stations, rooms): what a simulation computes with.
pub async fn load_all_factors(db: &mut PgConnection, year: i32, batch: &[&serde_json::Value]) -> DbResult<FactorSet> {
    let mut f = FactorSet { year, ..FactorSet::default() };
    for module in Module::ALL {
        add_factors(db, module, batch, &mut f).await?;
    }
    if f.stations.stations().is_empty() {
        f.stations = reference::station_index(&mut *db).await?;
    }
    Ok(f)
}

/// Adds `module`'s factors of `f.year` and the references the batch needs to `f`.
async fn add_factors(
    db: &mut PgConnection,
    module: Module,
    batch: &[&serde_json::Value],
    f: &mut FactorSet,
) -> DbResult<()> {
    let year = f.year;
    match module {
        Module::Equipment => f.equipment = factor::equipment_factors(&mut *db, year).await?,
        Module::Headcount => {
            f.members = factor::headcount_factors(&mut *db, year, EntryType::Member).await?;
            f.students = factor::headcount_factors(&mut *db, year, EntryType::Student).await?;
        }
        Module::ProfessionalTravel => load_travel(db, year, batch, f).await?,
        Module::Buildings => {
            f.rooms = factor::room_factors(&mut *db, year).await?;
            f.embodied = factor::embodied_factors(&mut *db, year).await?;
            f.combustion = factor::combustion_factors(&mut *db, year).await?;
            f.room_reference = reference::room_reference(&mut *db).await?;
        }
        Module::Purchase => {
            f.purchases = factor::purchase_factors(&mut *db, year).await?;
            f.additional = factor::additional_factors(&mut *db, year).await?;
            f.rates = reference::exchange_table(&mut *db, year).await?;
            f.inflation = reference::inflation_index(&mut *db).await?;
        }
        Module::ResearchFacilities => load_facilities(db, year, f).await?,
        Module::ExternalCloudAndAi => {
            f.clouds = factor::cloud_factors(&mut *db, year).await?;
            f.ai = factor::ai_factors(&mut *db, year).await?;
            f.rates = reference::exchange_table(&mut *db, year).await?;
        }
        Module::ProcessEmissions => f.process = factor::process_factors(&mut *db, year).await?,
    }
    Ok(())
}

async fn load_travel(
    db: &mut PgConnection,
    year: i32,
    batch: &[&serde_json::Value],
    f: &mut FactorSet,
) -> DbResult<()> {
    f.planes = factor::plane_factors(&mut *db, year).await?;
    f.trains = factor::train_factors(&mut *db, year).await?;
    let mut codes: Vec<String> = batch
        .iter()
        .flat_map(|d| [d["origin_iata"].as_str(), d["destination_iata"].as_str()])
        .flatten()
        .map(str::to_owned)
        .collect();
    codes.sort();
    codes.dedup();
    if !codes.is_empty() {
        let airports = reference::airports_by_codes(&mut *db, &codes).await?;
        f.airports = airports.into_iter().map(|a| (a.iata_code.as_str().to_owned(), a)).collect();
    }
    if batch.iter().any(|d| d.get("origin_name").is_some()) {
        f.stations = reference::station_index(&mut *db).await?;
    }
    Ok(())
}

async fn load_facilities(db: &mut PgConnection, year: i32, f: &mut FactorSet) -> DbResult<()> {
    f.facilities = factor::facility_factors(&mut *db, year).await?;
    f.animals = factor::animal_factors(&mut *db, year).await?;
    for id in f.facilities.iter().filter(|x| x.needs_computed_sum()).map(|x| x.researchfacility_id.clone()) {
        if let Some(rows) = crate::aggregate::unit_year_leaf_sums(&mut *db, &id, year).await? {
            let sum = facilities::facility_unit_sum(
                rows.iter().filter_map(|(leaf, kg)| EmissionType::by_key(leaf).map(|l| (l, *kg))),
            );
            f.facility_sums.insert(id, sum);
        }
    }
    Ok(())
}

/// Computes stored entries with the year's factors of their module and replaces their rows (the
/// one way entries are computed: files, single entries and recalculations); returns how many.
pub async fn compute_entries(
    db: &mut PgConnection,
    year: i32,
    module: Module,
    entries: &[crate::entry::EntryRow],
) -> DbResult<usize> {
    let batch: Vec<&serde_json::Value> = entries.iter().map(|e| &e.data).collect();
    let factors = load_factors(db, year, module, &batch).await?;
    let computed: Vec<_> = entries
        .iter()
        .map(|e| {
            let det = EntryType::from_id(e.data_entry_type).unwrap_or(EntryType::Other);
            (e.data_entry_id, compute(det, &e.data, &factors))
        })
        .collect();
    replace_rows(db, &computed).await?;
    Ok(computed.len())
}

/// Replaces the emission rows of the given entries with their computations, in bulk, and records
/// each entry's incomplete reason. Idempotent: running it twice leaves the same rows.
pub async fn replace_rows(db: &mut PgConnection, computed: &[(Uuid, Computed)]) -> DbResult<()> {
    if computed.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = computed.iter().map(|(id, _)| *id).collect();
    crate::sql::query("delete from emission where data_entry_id = any($1)").bind(&ids).execute(&mut *db).await?;

    let reasons: Vec<Option<String>> = computed
        .iter()
        .map(|(_, c)| match &c.computation {
            Computation::Incomplete(why) => Some(why.clone()),
            Computation::Rows(_) => None,
        })
        .collect();
    crate::sql::query(
        // Only rows whose reason changes are rewritten: a file's fresh rows mostly keep NULL.
        "update data_entry d set incomplete_reason = u.reason
         from unnest($1::uuid[], $2::text[]) as u(id, reason)
         where d.data_entry_id = u.id and d.incomplete_reason is distinct from u.reason",
    )
    .bind(&ids)
    .bind(&reasons)
    .execute(&mut *db)
    .await?;

    insert_emissions(db, computed.iter().map(|(id, c)| (*id, c))).await?;
    Ok(())
}

/// The emission columns [`encode_emissions`] writes, in order.
pub const EMISSION_COLUMNS: &str =
    "data_entry_id, emission_type, scope, is_additional, kg_co2eq, quantity, quantity_unit, factor_ids, meta";

/// The metadata stored with one row: the computation's (e.g. a purchase's conversion) and the
/// row's explanation under `explanation`, which "why this number" reads back.
pub fn row_meta(computed: &serde_json::Value, row: &co2_domain::EmissionRow) -> String {
    let mut meta = computed.as_object().cloned().unwrap_or_default();
    if let Ok(e) = serde_json::to_value(&row.explanation) {
        meta.insert("explanation".into(), e);
    }
    serde_json::Value::Object(meta).to_string()
}

/// Appends the emission rows of computed entries to a COPY buffer (columns [`EMISSION_COLUMNS`]).
pub fn encode_emissions<'a>(rows: &mut CopyRows, computed: impl IntoIterator<Item = (Uuid, &'a Computed)>) {
    for (id, c) in computed {
        for row in c.computation.rows() {
            let meta = row_meta(&c.meta, row);
            rows.plain(id)
                .text(row.emission_type.key)
                .plain(row.emission_type.scope.number())
                .plain(row.emission_type.additional)
                .plain(row.kg_co2eq)
                .opt_plain(row.quantity)
                .opt_text(row.quantity_unit)
                .uuid_array(&row.factor_ids)
                .json(&meta);
            rows.end_row();
        }
    }
}

/// Inserts the emission rows of computed entries (which have none yet).
pub async fn insert_emissions<'a>(
    db: &mut PgConnection,
    computed: impl IntoIterator<Item = (Uuid, &'a Computed)>,
) -> DbResult<u64> {
    let mut rows = CopyRows::new();
    encode_emissions(&mut rows, computed);
    crate::copy::copy_in(db, "emission", EMISSION_COLUMNS, &rows).await
}
