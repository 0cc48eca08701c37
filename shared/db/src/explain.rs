//! "Why this number": an entry's rows with the explanation stored when they were computed, and
//! the factors they name with their provenance, as the API, the exports and the SPA show them.

use crate::DbResult;
use crate::entry::{EntryRow, ExplainedEmission};
use crate::factor::FactorDetail;
use crate::factor_file::FactorFile;
use co2_api_types::{
    AppliedDefaultView, Bilingual, EntryExplanation, FactorOrigin, FactorView, RowExplanation, TermView,
};
use co2_domain::EntryType;
use co2_domain::explain::{Explanation, TermValue};
use co2_domain::quality::QualityClass;
use sqlx::PgConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// The API view of a stored factor.
pub fn factor_view(f: FactorDetail) -> FactorView {
    let file = FactorFile::of_entry_type(f.data_entry_type);
    let origin = if f.origin == "uploaded" { FactorOrigin::Uploaded } else { FactorOrigin::Shipped };
    FactorView {
        factor_id: f.factor_id,
        year: f.report_year_id,
        entry_type: EntryType::from_id(f.data_entry_type)
            .map_or_else(|| f.data_entry_type.to_string(), |t| t.name().to_owned()),
        emission_type: f.emission_type,
        classification: f.classification,
        values: f.factor_values,
        stale: f.is_stale,
        origin,
        file: f.source_file.or_else(|| file.map(|k| k.file_name().to_owned())),
        shipped_source: match origin {
            FactorOrigin::Shipped => file.map(|k| k.default_source().to_owned()),
            FactorOrigin::Uploaded => None,
        },
        loaded_by: f.loaded_by,
        updated_at: f.updated_at,
    }
}

fn value_json(v: &TermValue) -> serde_json::Value {
    match v {
        TermValue::Number(n) => serde_json::json!(n),
        TermValue::Text(t) => serde_json::Value::String(t.clone()),
    }
}

/// The row's parts of the view that come from its stored explanation.
fn explained_parts(e: &Explanation) -> (String, Bilingual, Vec<TermView>, Vec<AppliedDefaultView>) {
    let key = e.formula.key();
    let terms = e
        .terms
        .iter()
        .map(|t| TermView { name: t.name.clone(), value: value_json(&t.value), unit: t.unit.clone() })
        .collect();
    let defaults = e
        .defaults
        .iter()
        .map(|d| AppliedDefaultView {
            field: d.field.clone(),
            value: value_json(&d.value),
            rule: d.rule.key(),
            why: Bilingual { en: d.rule.en().to_owned(), fr: d.rule.fr().to_owned() },
        })
        .collect();
    (key, Bilingual { en: e.formula.en().to_owned(), fr: e.formula.fr().to_owned() }, terms, defaults)
}

/// The views of the rows of one entry, each with the factors it names.
pub fn row_views(rows: Vec<ExplainedEmission>, factors: &HashMap<Uuid, FactorView>) -> Vec<RowExplanation> {
    rows.into_iter()
        .map(|ExplainedEmission { row, explanation }| {
            let (formula, formula_text, terms, defaults) = match &explanation {
                Some(e) => {
                    let (k, t, terms, d) = explained_parts(e);
                    (Some(k), Some(t), terms, d)
                }
                None => (None, None, Vec::new(), Vec::new()),
            };
            let factor_pct = row
                .factor_ids
                .first()
                .and_then(|id| factors.get(id))
                .and_then(|f| f.values.get("uncertainty_pct"))
                .and_then(serde_json::Value::as_f64);
            RowExplanation {
                uncertainty_pct: explanation.as_ref().map(|e| co2_domain::quality::row_uncertainty_pct(e, factor_pct)),
                emission_type: row.emission_type,
                scope: u8::try_from(row.scope).unwrap_or_default(),
                kg_co2eq: row.kg_co2eq,
                quantity: row.quantity,
                quantity_unit: row.quantity_unit,
                formula,
                formula_text,
                terms,
                defaults,
                factors: row.factor_ids.iter().filter_map(|id| factors.get(id).cloned()).collect(),
            }
        })
        .collect()
}

/// The explanation of a stored entry of report year `year`.
pub async fn entry_explanation(db: &mut PgConnection, entry: &EntryRow, year: i32) -> DbResult<EntryExplanation> {
    let rows = crate::entry::explained_emissions_of(&mut *db, entry.data_entry_id).await?;
    let quality = if rows.is_empty() {
        QualityClass::Incomplete
    } else if rows.iter().any(|r| r.explanation.is_none()) {
        // Computed before explanations were recorded: counted as the quality view counts it.
        QualityClass::ActivityBased
    } else {
        QualityClass::of_entry(rows.iter().filter_map(|r| r.explanation.as_ref()))
    };
    let mut ids: Vec<Uuid> = rows.iter().flat_map(|r| r.row.factor_ids.iter().copied()).collect();
    ids.sort_unstable();
    ids.dedup();
    let factors: HashMap<Uuid, FactorView> =
        crate::factor::details(&mut *db, &ids).await?.into_iter().map(|f| (f.factor_id, factor_view(f))).collect();
    let rows = row_views(rows, &factors);
    let kg = if rows.is_empty() { None } else { Some(rows.iter().map(|r| r.kg_co2eq).sum()) };
    Ok(EntryExplanation {
        entry_id: entry.data_entry_id,
        entry_type: EntryType::from_id(entry.data_entry_type)
            .map_or_else(|| entry.data_entry_type.to_string(), |t| t.name().to_owned()),
        year,
        source: entry.source.into(),
        inputs: entry.data.clone(),
        kg_co2eq: kg,
        incomplete_reason: entry.incomplete_reason.clone(),
        quality: quality.key().to_owned(),
        rows,
    })
}
