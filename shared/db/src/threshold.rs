//! Row thresholds (DOMAIN §6.3): the admin's policy per entry type and year, the effective kg
//! limit, and how many entries lie above it.
//!
//! The percentile is computed in SQL next to the data (`percentile_cont`: linear interpolation
//! between the nearest ranks) over the Σ kg of every published, computed entry of the type in the
//! year, across all units. Headcount types have no threshold.

use crate::DbResult;
use co2_domain::thresholds::{DEFAULT_PERCENTILE, ThresholdPolicy};
use sqlx::PgExecutor;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// The policy of one entry type in a year, as stored (or the default when nothing is).
#[derive(Debug, Clone, PartialEq)]
pub struct TypePolicy {
    pub data_entry_type: i16,
    pub policy: ThresholdPolicy,
    /// Whether the admin has set it (false: the default policy applies).
    pub is_set: bool,
}

/// The effective threshold of one entry type in a year with its counts.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TypeThreshold {
    pub data_entry_type: i16,
    /// kg above which an entry is flagged; `None` when the percentile has no entries to work on.
    pub kg: Option<f64>,
    /// Computed entries of the type in the year.
    pub entries: i64,
    /// Of which strictly above `kg`.
    pub entries_above: i64,
}

/// Entries above the threshold in one unit, by type.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct UnitAbove {
    pub unit_id: Uuid,
    pub data_entry_type: i16,
    pub entries_above: i64,
}

/// The per-entry kg of the year's published entries of the requested types (`$1` year, `$2`
/// types), then each type's limit: the fixed kg, or the percentile of those entries.
const LIMITS: &str = "
    entry_kg as (
        select r.unit_id, d.data_entry_type, sum(e.kg_co2eq) as kg
        from report r
        join report_module rm using (report_id)
        join published_entry d on d.report_module_id = rm.report_module_id
        join emission e on e.data_entry_id = d.data_entry_id
        where r.report_year_id = $1 and d.data_entry_type = any($2)
        group by r.unit_id, d.data_entry_id, d.data_entry_type
    ),
    limits as (
        select t.det as data_entry_type,
               case when th.policy = 'fixed' then th.kg
                    else (select percentile_cont(coalesce(th.percentile, $3)) within group (order by k.kg)
                          from entry_kg k where k.data_entry_type = t.det)
               end as kg
        from unnest($2::int2[]) as t(det)
        left join entry_threshold th on th.report_year_id = $1 and th.data_entry_type = t.det
    )";

/// Types that have a threshold among `types` (headcount's never do).
fn with_threshold(types: &[i16]) -> Vec<i16> {
    types
        .iter()
        .copied()
        .filter(|t| co2_domain::EntryType::from_id(*t).is_some_and(co2_domain::thresholds::has_threshold))
        .collect()
}

/// How long a percentile limit is reused by module pages and entry answers once computed. The
/// percentile runs over every entry of the type in the year across the institution — its cost
/// grows with the institution's data, while one more entry barely moves it — so pages reuse it
/// for this long (per process; reset at once there by a changed policy, a published file or a
/// recalculation: [`Percentiles::forget`]). A fixed limit is read fresh every time, and
/// back-office reporting and the thresholds page always compute afresh.
pub const PERCENTILE_REUSE: Duration = Duration::from_secs(60);

type PercentileKey = (i32, i16, u64);

/// Percentile limits computed recently, by (year, type, percentile bits): one per database
/// (held by its [`crate::Pools`]).
#[derive(Debug, Default)]
pub struct Percentiles(Mutex<HashMap<PercentileKey, (Instant, Option<f64>)>>);

impl Percentiles {
    /// Drops the reused limits of `year` (its data or policies changed).
    pub fn forget(&self, year: i32) {
        if let Ok(mut cache) = self.0.lock() {
            cache.retain(|(y, _, _), _| *y != year);
        }
    }
}

/// The effective kg limit of each of `types` in `year` (types without entries under a
/// percentile policy, and headcount types, are absent), for a page: a percentile computed here
/// is kept for [`PERCENTILE_REUSE`].
pub async fn limits(
    db: &mut sqlx::PgConnection,
    kept: &Percentiles,
    year: i32,
    types: &[i16],
) -> DbResult<BTreeMap<i16, f64>> {
    limits_reusing(db, kept, year, types, true).await
}

/// [`limits`] inside a change: a kept percentile is used (the page and the answer agree), but
/// one computed here — amid the change's own uncommitted rows — is not kept.
pub async fn limits_in_change(
    db: &mut sqlx::PgConnection,
    kept: &Percentiles,
    year: i32,
    types: &[i16],
) -> DbResult<BTreeMap<i16, f64>> {
    limits_reusing(db, kept, year, types, false).await
}

async fn limits_reusing(
    db: &mut sqlx::PgConnection,
    kept_limits: &Percentiles,
    year: i32,
    types: &[i16],
    keep: bool,
) -> DbResult<BTreeMap<i16, f64>> {
    let types = with_threshold(types);
    if types.is_empty() {
        return Ok(BTreeMap::new());
    }
    let stored: Vec<(i16, String, Option<f64>, Option<f64>)> = crate::sql::query_as(
        "select data_entry_type, policy, kg, percentile from entry_threshold
         where report_year_id = $1 and data_entry_type = any($2)",
    )
    .bind(year)
    .bind(&types)
    .fetch_all(&mut *db)
    .await?;
    let mut out = BTreeMap::new();
    let mut missing: Vec<(i16, f64)> = Vec::new();
    let now = Instant::now();
    for det in types {
        let row = stored.iter().find(|(t, ..)| *t == det);
        match row {
            Some((_, policy, Some(kg), _)) if policy == "fixed" => {
                out.insert(det, *kg);
            }
            _ => {
                let p = row.and_then(|(_, _, _, p)| *p).unwrap_or(DEFAULT_PERCENTILE);
                let cached = kept_limits.0.lock().ok().and_then(|c| c.get(&(year, det, p.to_bits())).copied());
                match cached {
                    Some((at, kg)) if now.duration_since(at) < PERCENTILE_REUSE => {
                        if let Some(kg) = kg {
                            out.insert(det, kg);
                        }
                    }
                    _ => missing.push((det, p)),
                }
            }
        }
    }
    if !missing.is_empty() {
        let (dets, ps): (Vec<i16>, Vec<f64>) = missing.iter().copied().unzip();
        let computed: Vec<(i16, Option<f64>)> = crate::sql::query_as(
            "with entry_kg as (
                 select d.data_entry_type, sum(e.kg_co2eq) as kg
                 from report r
                 join report_module rm using (report_id)
                 join published_entry d on d.report_module_id = rm.report_module_id
                 join emission e on e.data_entry_id = d.data_entry_id
                 where r.report_year_id = $1 and d.data_entry_type = any($2)
                 group by d.data_entry_id, d.data_entry_type
             )
             select t.det, (select percentile_cont(t.p) within group (order by k.kg)
                            from entry_kg k where k.data_entry_type = t.det)
             from unnest($2::int2[], $3::float8[]) as t(det, p)",
        )
        .bind(year)
        .bind(&dets)
        .bind(&ps)
        .fetch_all(&mut *db)
        .await?;
        if keep && let Ok(mut cache) = kept_limits.0.lock() {
            for (det, kg) in &computed {
                if let Some((_, p)) = missing.iter().find(|(d, _)| d == det) {
                    cache.insert((year, *det, p.to_bits()), (now, *kg));
                }
            }
        }
        out.extend(computed.into_iter().filter_map(|(det, kg)| Some((det, kg?))));
    }
    Ok(out)
}

/// The effective limit and counts of each of `types` in `year`, in the order given.
pub async fn overview(db: impl PgExecutor<'_>, year: i32, types: &[i16]) -> DbResult<Vec<TypeThreshold>> {
    Ok(crate::sql::query_as::<TypeThreshold>(sqlx::AssertSqlSafe(format!(
        "with {LIMITS}
         select l.data_entry_type, l.kg,
                (select count(*) from entry_kg k where k.data_entry_type = l.data_entry_type) as entries,
                (select count(*) from entry_kg k where k.data_entry_type = l.data_entry_type and k.kg > l.kg)
                    as entries_above
         from limits l
         order by array_position($2::int2[], l.data_entry_type)"
    )))
    .bind(year)
    .bind(with_threshold(types))
    .bind(DEFAULT_PERCENTILE)
    .fetch_all(db)
    .await?)
}

/// Entries above their type's limit in `year`, per unit and type (only non-zero counts).
pub async fn above_by_unit(db: impl PgExecutor<'_>, year: i32, types: &[i16]) -> DbResult<Vec<UnitAbove>> {
    Ok(crate::sql::query_as::<UnitAbove>(sqlx::AssertSqlSafe(format!(
        "with {LIMITS}
         select k.unit_id, k.data_entry_type, count(*) as entries_above
         from entry_kg k join limits l using (data_entry_type)
         where k.kg > l.kg
         group by k.unit_id, k.data_entry_type
         order by k.unit_id, k.data_entry_type"
    )))
    .bind(year)
    .bind(with_threshold(types))
    .bind(DEFAULT_PERCENTILE)
    .fetch_all(db)
    .await?)
}

/// The policies of `year`, for every type that has a threshold (defaults included).
pub async fn policies(db: impl PgExecutor<'_>, year: i32) -> DbResult<Vec<TypePolicy>> {
    let stored: Vec<(i16, String, Option<f64>, Option<f64>)> = crate::sql::query_as(
        "select data_entry_type, policy, kg, percentile from entry_threshold where report_year_id = $1",
    )
    .bind(year)
    .fetch_all(db)
    .await?;
    Ok(co2_domain::EntryType::ALL
        .into_iter()
        .filter(|t| co2_domain::thresholds::has_threshold(*t))
        .map(|t| {
            let row = stored.iter().find(|(det, ..)| *det == t.id());
            let policy = row.and_then(|(_, policy, kg, p)| match policy.as_str() {
                "fixed" => kg.map(|kg| ThresholdPolicy::Fixed { kg }),
                _ => p.map(|percentile| ThresholdPolicy::Percentile { percentile }),
            });
            TypePolicy { data_entry_type: t.id(), is_set: policy.is_some(), policy: policy.unwrap_or_default() }
        })
        .collect())
}

/// Sets the policy of a type in a year (the caller has validated it).
pub async fn set(
    db: impl PgExecutor<'_>,
    year: i32,
    data_entry_type: i16,
    policy: ThresholdPolicy,
    set_by: Option<Uuid>,
) -> DbResult<()> {
    let (name, kg, percentile) = match policy {
        ThresholdPolicy::Fixed { kg } => ("fixed", Some(kg), None),
        ThresholdPolicy::Percentile { percentile } => ("percentile", None, Some(percentile)),
    };
    crate::sql::query(
        "insert into entry_threshold (report_year_id, data_entry_type, policy, kg, percentile, set_by)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (report_year_id, data_entry_type)
         do update set policy = excluded.policy, kg = excluded.kg, percentile = excluded.percentile,
                       set_by = excluded.set_by",
    )
    .bind(year)
    .bind(data_entry_type)
    .bind(name)
    .bind(kg)
    .bind(percentile)
    .bind(set_by)
    .execute(db)
    .await?;
    Ok(())
}

/// Returns a type to the default policy; whether a policy was set.
pub async fn reset(db: impl PgExecutor<'_>, year: i32, data_entry_type: i16) -> DbResult<bool> {
    let done = crate::sql::query("delete from entry_threshold where report_year_id = $1 and data_entry_type = $2")
        .bind(year)
        .bind(data_entry_type)
        .execute(db)
        .await?;
    Ok(done.rows_affected() > 0)
}
