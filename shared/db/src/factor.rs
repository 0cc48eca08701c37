//! Year-scoped emission factors (DOMAIN §4): identity upserts and the typed loads the engine uses.

use crate::DbResult;
use co2_domain::EntryType;
use co2_domain::equipment::{EquipmentCategory, EquipmentFactor, EquipmentFactorRow};
use co2_domain::{buildings, external, facilities, headcount, process, purchases, travel};
use serde_json::{Map, Value, json};
use sqlx::{PgConnection, PgExecutor, Row};
use uuid::Uuid;

/// Canonical identity text of a classification: keys sorted, values trimmed and lower-cased.
pub fn classification_key(classification: &Map<String, Value>) -> String {
    let mut pairs: Vec<(String, String)> = classification
        .iter()
        .map(|(k, v)| {
            let text = match v {
                Value::Null => String::new(),
                Value::String(s) => s.trim().to_lowercase(),
                Value::Bool(_) | Value::Number(_) | Value::Array(_) | Value::Object(_) => v.to_string(),
            };
            (k.to_lowercase(), text)
        })
        .collect();
    pairs.sort();
    pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("\u{1f}")
}

/// Where a factor being stored comes from (shown with every number computed with it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance<'a> {
    /// The shipped defaults (`data/factors/`), loaded by the first install.
    Shipped,
    /// A back-office upload of the factor file `file` by `by`.
    Uploaded { file: &'a str, by: Option<Uuid> },
}

impl Provenance<'_> {
    fn columns(&self) -> (&'static str, Option<&str>, Option<Uuid>) {
        match *self {
            Provenance::Shipped => ("shipped", None, None),
            Provenance::Uploaded { file, by } => ("uploaded", Some(file), by),
        }
    }
}

/// Inserts or updates a factor in place on its identity; returns its id (stable across uploads).
pub async fn upsert(
    db: &mut PgConnection,
    data_entry_type: i16,
    year: i32,
    emission_type: &str,
    classification: Map<String, Value>,
    values: Map<String, Value>,
    provenance: Provenance<'_>,
) -> DbResult<Uuid> {
    let key = classification_key(&classification);
    let (origin, source_file, loaded_by) = provenance.columns();
    Ok(crate::sql::query_scalar(
        "insert into factor (data_entry_type, report_year_id, emission_type, classification, classification_key,
                             factor_values, origin, source_file, loaded_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict on constraint factor_identity_key do update
            set classification = excluded.classification, factor_values = excluded.factor_values,
                origin = excluded.origin, source_file = excluded.source_file, loaded_by = excluded.loaded_by,
                is_stale = false
         returning factor_id",
    )
    .bind(data_entry_type)
    .bind(year)
    .bind(emission_type)
    .bind(Value::Object(classification))
    .bind(key)
    .bind(Value::Object(values))
    .bind(origin)
    .bind(source_file)
    .bind(loaded_by)
    .fetch_one(&mut *db)
    .await?)
}

/// Stores one parsed equipment factor row for `year`.
pub async fn upsert_equipment(
    db: &mut PgConnection,
    year: i32,
    row: &EquipmentFactorRow,
    provenance: Provenance<'_>,
) -> DbResult<Uuid> {
    let classification = json!({
        "equipment_class": row.equipment_class,
        "sub_class": row.sub_class,
    });
    let values = json!({
        "active_power_w": row.active_power_w,
        "standby_power_w": row.standby_power_w,
        "active_usage_hours_per_week": row.active_usage_hours_per_week,
        "standby_usage_hours_per_week": row.standby_usage_hours_per_week,
        "ef_kg_co2eq_per_kwh": row.ef_kg_co2eq_per_kwh,
    });
    let (Value::Object(c), Value::Object(v)) = (classification, values) else {
        unreachable!("json! of an object literal is an object")
    };
    upsert(db, row.category.entry_type().id(), year, row.category.emission_type().key, c, v, provenance).await
}

/// Number of factors of a year for the given DETs (an upload needs factors first).
pub async fn count_for(db: impl PgExecutor<'_>, year: i32, dets: &[i16]) -> DbResult<i64> {
    Ok(crate::sql::query_scalar("select count(*) from factor where report_year_id = $1 and data_entry_type = any($2)")
        .bind(year)
        .bind(dets)
        .fetch_one(db)
        .await?)
}

/// The equipment factors of one year, typed for the engine.
pub async fn equipment_factors(db: impl PgExecutor<'_>, year: i32) -> DbResult<Vec<EquipmentFactor>> {
    let rows = crate::sql::query(
        "select factor_id, data_entry_type, classification, factor_values from factor
         where report_year_id = $1 and data_entry_type in (10, 11, 12)
         order by factor_id",
    )
    .bind(year)
    .fetch_all(db)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let det: i16 = row.get("data_entry_type");
        let c: Value = row.get("classification");
        let v: Value = row.get("factor_values");
        let category = co2_domain::EntryType::from_id(det).and_then(EquipmentCategory::from_entry_type);
        let (Some(category), Some(class)) = (category, c["equipment_class"].as_str()) else {
            tracing::warn!(factor_id = %row.get::<Uuid, _>("factor_id"), "factor.malformed_skipped");
            continue;
        };
        let num = |k: &str| v[k].as_f64().unwrap_or(0.0);
        out.push(EquipmentFactor {
            factor_id: row.get::<Uuid, _>("factor_id").to_string(),
            category,
            equipment_class: class.to_owned(),
            sub_class: c["sub_class"].as_str().map(str::to_owned),
            active_power_w: num("active_power_w"),
            standby_power_w: num("standby_power_w"),
            active_usage_hours_per_week: v["active_usage_hours_per_week"].as_i64().unwrap_or(0),
            standby_usage_hours_per_week: v["standby_usage_hours_per_week"].as_i64().unwrap_or(0),
            ef_kg_co2eq_per_kwh: num("ef_kg_co2eq_per_kwh"),
        });
    }
    Ok(out)
}

/// Stores one parsed factor record of any file for `year`; returns its id.
pub async fn store_record(
    db: &mut PgConnection,
    year: i32,
    record: &crate::factor_file::FactorRecord,
    provenance: Provenance<'_>,
) -> DbResult<Uuid> {
    upsert(
        db,
        record.data_entry_type,
        year,
        record.emission_type,
        record.classification.clone(),
        record.values.clone(),
        provenance,
    )
    .await
}

/// The stored values of the factors of `year` and `dets`, each with its id injected as
/// `factor_id`, deserialised into the domain's typed factor. A row that does not deserialise is
/// skipped with a warning (it cannot come from [`crate::factor_file`]).
async fn typed<T: serde::de::DeserializeOwned>(db: impl PgExecutor<'_>, year: i32, dets: &[i16]) -> DbResult<Vec<T>> {
    let rows = crate::sql::query(
        "select factor_id, factor_values from factor
         where report_year_id = $1 and data_entry_type = any($2) order by factor_id",
    )
    .bind(year)
    .bind(dets)
    .fetch_all(db)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id: Uuid = row.get("factor_id");
        let mut values: Value = row.get("factor_values");
        if let Value::Object(m) = &mut values {
            m.insert("factor_id".into(), Value::String(id.to_string()));
        }
        match serde_json::from_value::<T>(values) {
            Ok(f) => out.push(f),
            Err(e) => tracing::warn!(factor_id = %id, error = %e, "factor.malformed_skipped"),
        }
    }
    Ok(out)
}

/// Plane factors of a year.
pub async fn plane_factors(db: impl PgExecutor<'_>, year: i32) -> DbResult<Vec<travel::PlaneFactor>> {
    typed(db, year, &[EntryType::Plane.id()]).await
}

/// Train factors of a year.
pub async fn train_factors(db: impl PgExecutor<'_>, year: i32) -> DbResult<Vec<travel::TrainFactor>> {
    typed(db, year, &[EntryType::Train.id()]).await
}

/// Room factors of a year.
pub async fn room_factors(db: impl PgExecutor<'_>, year: i32) -> DbResult<Vec<buildings::RoomFactor>> {
    typed(db, year, &[EntryType::Building.id()]).await
}

/// Embodied-energy factors of a year.
pub async fn embodied_factors(db: impl PgExecutor<'_>, year: i32) -> DbResult<Vec<buildings::EmbodiedFactor>> {
    typed(db, year, &[EntryType::BuildingEmbodiedEnergy.id()]).await
}

/// Combustion factors of a year.
pub async fn combustion_factors(db: impl PgExecutor<'_>, year: i32) -> DbResult<Vec<buildings::CombustionFactor>> {
    typed(db, year, &[EntryType::EnergyCombustion.id()]).await
}

/// Common-purchase factors of a year (DETs 60–66).
pub async fn purchase_factors(db: impl PgExecutor<'_>, year: i32) -> DbResult<Vec<purchases::PurchaseFactor>> {
    typed(db, year, &[60, 61, 62, 63, 64, 65, 66]).await
}

/// Additional-purchase factors of a year.
pub async fn additional_factors(db: impl PgExecutor<'_>, year: i32) -> DbResult<Vec<purchases::AdditionalFactor>> {
    typed(db, year, &[EntryType::AdditionalPurchases.id()]).await
}

/// Research-facility factors of a year.
pub async fn facility_factors(db: impl PgExecutor<'_>, year: i32) -> DbResult<Vec<facilities::FacilityFactor>> {
    typed(db, year, &[EntryType::ResearchFacilities.id()]).await
}

/// Animal-facility factors of a year.
pub async fn animal_factors(db: impl PgExecutor<'_>, year: i32) -> DbResult<Vec<facilities::AnimalFactor>> {
    typed(db, year, &[EntryType::MiceAndFishAnimalFacilities.id()]).await
}

/// Cloud factors of a year.
pub async fn cloud_factors(db: impl PgExecutor<'_>, year: i32) -> DbResult<Vec<external::CloudFactor>> {
    typed(db, year, &[EntryType::ExternalClouds.id()]).await
}

/// AI factors of a year.
pub async fn ai_factors(db: impl PgExecutor<'_>, year: i32) -> DbResult<Vec<external::AiFactor>> {
    typed(db, year, &[EntryType::ExternalAi.id()]).await
}

/// Process-emission factors of a year.
pub async fn process_factors(db: impl PgExecutor<'_>, year: i32) -> DbResult<Vec<process::ProcessFactor>> {
    typed(db, year, &[EntryType::ProcessEmissions.id()]).await
}

/// The headcount factors of a year for one DET (members or students have their own sets).
#[derive(Debug, Clone, serde::Deserialize)]
struct StoredHeadcount {
    factor_id: String,
    leaf: String,
    unit: String,
    number_of_unit_per_fte: f64,
    ef_kg_co2eq_per_unit: f64,
}

/// Headcount factors of a year for `det` (member or student).
pub async fn headcount_factors(
    db: impl PgExecutor<'_>,
    year: i32,
    det: EntryType,
) -> DbResult<Vec<headcount::HeadcountFactor>> {
    let stored: Vec<StoredHeadcount> = typed(db, year, &[det.id()]).await?;
    Ok(stored
        .into_iter()
        .filter_map(|s| {
            Some(headcount::HeadcountFactor {
                leaf: co2_domain::emission::EmissionType::by_key(&s.leaf)?,
                unit: headcount::HeadcountUnit::parse(&s.unit)?,
                factor_id: s.factor_id,
                number_of_unit_per_fte: s.number_of_unit_per_fte,
                ef_kg_co2eq_per_unit: s.ef_kg_co2eq_per_unit,
            })
        })
        .collect())
}

/// Marks the factors of `year` and `dets` that are not in `kept` as stale (DOMAIN §4: rows absent
/// from a new upload are kept, listed as stale, never deleted automatically); returns how many.
pub async fn mark_stale_except(db: &mut PgConnection, year: i32, dets: &[i16], kept: &[Uuid]) -> DbResult<u64> {
    Ok(crate::sql::query(
        "update factor set is_stale = true
         where report_year_id = $1 and data_entry_type = any($2) and not (factor_id = any($3)) and not is_stale",
    )
    .bind(year)
    .bind(dets)
    .bind(kept)
    .execute(&mut *db)
    .await?
    .rows_affected())
}

/// The factors of a year among some entry types, counted.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FactorCounts {
    pub current: i64,
    pub stale: i64,
    /// Current factors the office uploaded (the rest are the shipped defaults `migrate
    /// --install` loaded).
    pub uploaded: i64,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// How many factors of a year among `dets` are current, stale and uploaded, and when the last
/// changed.
pub async fn counts(db: impl PgExecutor<'_>, year: i32, dets: &[i16]) -> DbResult<FactorCounts> {
    Ok(crate::sql::query_as::<FactorCounts>(
        "select count(*) filter (where not is_stale) as current, count(*) filter (where is_stale) as stale,
                count(*) filter (where not is_stale and origin = 'uploaded') as uploaded,
                max(updated_at) as updated_at
         from factor where report_year_id = $1 and data_entry_type = any($2)",
    )
    .bind(year)
    .bind(dets)
    .fetch_one(db)
    .await?)
}

/// Stale factors of a year among `dets` (emission type and classification), at most `limit`,
/// most recently changed first.
pub async fn stale(db: impl PgExecutor<'_>, year: i32, dets: &[i16], limit: i64) -> DbResult<Vec<(String, Value)>> {
    Ok(crate::sql::query_as(
        "select emission_type, classification from factor
         where report_year_id = $1 and data_entry_type = any($2) and is_stale
         order by updated_at desc, emission_type limit $3",
    )
    .bind(year)
    .bind(dets)
    .bind(limit)
    .fetch_all(db)
    .await?)
}

/// A current factor's classification and values, for form pickers.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FactorChoice {
    pub data_entry_type: i16,
    pub classification: serde_json::Value,
    pub factor_values: serde_json::Value,
}

/// The current (not stale) factors of a year for the given entry types whose classification or
/// values contain `q` (case-insensitive), by classification; at most `limit`.
pub async fn choices(
    db: impl sqlx::PgExecutor<'_>,
    year: i32,
    entry_types: &[i16],
    q: Option<&str>,
    limit: i64,
) -> crate::DbResult<Vec<FactorChoice>> {
    Ok(crate::sql::query_as::<FactorChoice>(
        "select data_entry_type, classification, factor_values from factor
         where report_year_id = $1 and data_entry_type = any($2) and not is_stale
           and ($3::text is null
                or exists (select 1 from jsonb_each_text(classification) c where c.value ilike '%' || $3 || '%')
                or exists (select 1 from jsonb_each_text(factor_values) v where v.value ilike '%' || $3 || '%'))
         order by classification_key, data_entry_type
         limit $4",
    )
    .bind(year)
    .bind(entry_types)
    .bind(q.map(crate::like_literal))
    .bind(limit)
    .fetch_all(db)
    .await?)
}

/// A stored factor with where it comes from: what "why this number" shows of a factor.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FactorDetail {
    pub factor_id: Uuid,
    pub data_entry_type: i16,
    pub report_year_id: i32,
    pub emission_type: String,
    pub classification: Value,
    pub factor_values: Value,
    pub is_stale: bool,
    /// `shipped` or `uploaded`.
    pub origin: String,
    pub source_file: Option<String>,
    /// The display name of who uploaded it.
    pub loaded_by: Option<String>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// The factors of `ids` that exist, by entry type, leaf and classification (as exports list them).
pub async fn details(db: impl PgExecutor<'_>, ids: &[Uuid]) -> DbResult<Vec<FactorDetail>> {
    Ok(crate::sql::query_as::<FactorDetail>(
        "select f.factor_id, f.data_entry_type, f.report_year_id, f.emission_type, f.classification,
                f.factor_values, f.is_stale, f.origin, f.source_file, u.display_name as loaded_by, f.updated_at
         from factor f left join app_user u on u.app_user_id = f.loaded_by
         where f.factor_id = any($1)
         order by f.data_entry_type, f.emission_type, f.classification_key",
    )
    .bind(ids)
    .fetch_all(db)
    .await?)
}
