//! What the export files say: the tables of a unit-year (its figures, every entry with its
//! emission rows, and the factors they used) and of one module across units.

use crate::table::{Cell, Table};
use co2_api_types::ResultsView;
use co2_db::export::{ExportEmission, ExportEntry, UnitModule};
use co2_db::factor::FactorDetail;
use co2_domain::explain::{Explanation, TermValue};
use co2_domain::{Category, EntryType, Module, ModuleStatus};
use std::collections::BTreeMap;

/// Who, what and when, printed at the top of every file.
#[derive(Debug, Clone)]
pub struct Heading {
    pub unit_institutional_id: String,
    pub unit_name: String,
    pub year: i32,
    pub generated_at: chrono::DateTime<chrono::Utc>,
}

/// A module key's English name (the key itself if unknown).
pub(crate) fn module_label(key: &str) -> String {
    Module::parse(key).map_or_else(|| key.to_owned(), |m| m.label().to_owned())
}

/// A category key's English name (the key itself if unknown).
pub(crate) fn category_label(key: &str) -> String {
    Category::by_key(key).map_or_else(|| key.to_owned(), |c| c.label().to_owned())
}

fn status_label(status: ModuleStatus) -> &'static str {
    match status {
        ModuleStatus::Validated => "validated",
        ModuleStatus::InProgress => "in progress",
        ModuleStatus::NotStarted => "not started",
    }
}

/// A module status as the API spells it (`in_progress`).
pub(crate) fn status_key(status: ModuleStatus) -> String {
    serde_json::to_value(status).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn basis_label(basis: &str) -> &'static str {
    if basis == "all_modules" { "all modules" } else { "validated modules only" }
}

/// The key figures, one per row.
pub fn summary(h: &Heading, r: &ResultsView) -> Table {
    let mut t = Table::new("summary", &["figure", "value", "unit"]);
    let mut row = |label: &str, value: Cell, unit: &str| t.rows.push(vec![Cell::text(label), value, Cell::text(unit)]);
    row("Unit", Cell::text(&h.unit_institutional_id), "");
    row("Unit name", Cell::text(&h.unit_name), "");
    row("Year", Cell::Number(f64::from(h.year)), "");
    row("Counted modules", Cell::text(basis_label(&r.basis)), "");
    row("Excluded modules", Cell::text(r.excluded_modules.join(", ")), "");
    row("Validated modules", Cell::text(&r.completion_progress), "");
    row("Core total", Cell::Number(r.core.total_kg), "kg CO2-eq");
    row("Scope 1", Cell::Number(r.core.scope1_kg), "kg CO2-eq");
    row("Scope 2", Cell::Number(r.core.scope2_kg), "kg CO2-eq");
    row("Scope 3", Cell::Number(r.core.scope3_kg), "kg CO2-eq");
    row("Total with additional categories", Cell::Number(r.total_with_additional_kg), "kg CO2-eq");
    row("Full-time equivalents", Cell::Number(r.fte), "FTE");
    row("Per FTE", Cell::number(r.t_per_fte), "t CO2-eq / FTE");
    row("Car-km equivalent", Cell::Number(r.car_km_equivalent), "km");
    row("IT focus", Cell::Number(r.it_focus.kg), "kg CO2-eq");
    row("IT share of the core total", Cell::number(r.it_focus.share_of_core.map(|s| s * 100.0)), "%");
    row(
        &format!("Core total {}", r.year_over_year.previous_year),
        Cell::number(r.year_over_year.previous_core_kg),
        "kg CO2-eq",
    );
    row("Change against the previous year", Cell::number(r.year_over_year.core_percent), "%");
    row("Entered in every module (validated or not)", Cell::Number(r.entered.total_kg), "kg CO2-eq");
    row("Generated at", Cell::text(h.generated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)), "UTC");
    t
}

/// Each module: status, scopes, totals and the change against the previous year.
pub fn modules(r: &ResultsView) -> Table {
    let mut t = Table::new(
        "modules",
        &[
            "module",
            "name",
            "status",
            "scope1_kg",
            "scope2_kg",
            "scope3_kg",
            "total_kg",
            "additional_kg",
            "change_percent",
        ],
    );
    for m in &r.modules {
        let change = r.year_over_year.modules.iter().find(|c| c.module == m.module).and_then(|c| c.percent);
        t.rows.push(vec![
            Cell::text(&m.module),
            Cell::text(module_label(&m.module)),
            Cell::text(status_key(m.status)),
            Cell::Number(m.totals.scope1_kg),
            Cell::Number(m.totals.scope2_kg),
            Cell::Number(m.totals.scope3_kg),
            Cell::Number(m.totals.total_kg),
            Cell::Number(m.additional_kg),
            Cell::number(change),
        ]);
    }
    t
}

/// Categories in chart order with their leaves; the additional categories follow.
pub fn categories(r: &ResultsView) -> Table {
    let mut t = Table::new("categories", &["section", "category", "name", "emission_type", "kg", "t_per_fte"]);
    for (section, list) in [("core", &r.categories), ("additional", &r.additional)] {
        for c in list {
            t.rows.push(vec![
                Cell::text(section),
                Cell::text(&c.category),
                Cell::text(category_label(&c.category)),
                Cell::Empty,
                Cell::Number(c.kg),
                Cell::number(c.t_per_fte),
            ]);
            for l in &c.leaves {
                t.rows.push(vec![
                    Cell::text(section),
                    Cell::text(&c.category),
                    Cell::text(category_label(&c.category)),
                    Cell::text(&l.emission_type),
                    Cell::Number(l.kg),
                    Cell::Empty,
                ]);
            }
        }
    }
    t
}

/// The columns of an entry type's table: the template's, then any other stored field.
fn field_columns(entry_type: Option<EntryType>, entries: &[&ExportEntry]) -> Vec<String> {
    let mut cols: Vec<String> = entry_type
        .map(|t| co2_db::engine::template_columns_of(t).iter().map(|c| (*c).to_owned()).collect())
        .unwrap_or_default();
    let mut extra = std::collections::BTreeSet::new();
    for e in entries {
        if let Some(obj) = e.data.as_object() {
            extra.extend(obj.keys().filter(|k| !cols.contains(k)).cloned());
        }
    }
    cols.extend(extra);
    cols
}

/// One table per entry type: the entry's fields in template order (`kg_co2eq` there is the
/// override a user typed), the kg its emission rows add up to, and how it was loaded.
/// `with_unit` adds the unit columns (exports across units).
pub fn entries_by_type(entries: &[ExportEntry], with_unit: bool) -> Vec<Table> {
    let mut by_type: BTreeMap<i16, Vec<&ExportEntry>> = BTreeMap::new();
    for e in entries {
        by_type.entry(e.data_entry_type).or_default().push(e);
    }
    by_type
        .into_iter()
        .map(|(type_id, list)| {
            let entry_type = EntryType::from_id(type_id);
            let name = entry_type.map_or_else(|| format!("type_{type_id}"), |t| t.name().to_owned());
            let fields = field_columns(entry_type, &list);
            let mut columns: Vec<String> = Vec::new();
            if with_unit {
                columns.extend(["unit".into(), "unit_name".into(), "module_status".into()]);
            }
            columns.extend(["entry_id".into(), "module".into()]);
            columns.extend(fields.iter().cloned());
            columns.extend(
                [
                    "emissions_kg_co2eq",
                    "additional_kg_co2eq",
                    "incomplete_reason",
                    "source",
                    "source_row",
                    "updated_at",
                ]
                .map(String::from),
            );
            let rows = list
                .iter()
                .map(|e| {
                    let mut row = Vec::with_capacity(columns.len());
                    if with_unit {
                        row.extend([
                            Cell::text(&e.unit_institutional_id),
                            Cell::text(&e.unit_name),
                            Cell::text(status_label(e.module_status)),
                        ]);
                    }
                    row.extend([Cell::text(e.data_entry_id.to_string()), Cell::text(&e.module)]);
                    row.extend(fields.iter().map(|f| Cell::from_json(e.data.get(f))));
                    row.extend([
                        Cell::Number(e.kg_co2eq),
                        Cell::Number(e.additional_kg),
                        e.incomplete_reason.as_deref().map_or(Cell::Empty, Cell::text),
                        Cell::text(e.source.as_str()),
                        Cell::number(e.source_row.map(|n| n as f64)),
                        Cell::text(e.updated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                    ]);
                    row
                })
                .collect();
            Table { name: format!("entries_{name}"), columns, rows }
        })
        .collect()
}

/// Every emission row, with the factors it used (see the factors table).
pub fn emissions(rows: &[ExportEmission], with_unit: bool) -> Table {
    let mut columns = Vec::new();
    if with_unit {
        columns.push("unit");
    }
    columns.extend([
        "entry_id",
        "module",
        "entry_type",
        "emission_type",
        "scope",
        "additional",
        "kg_co2eq",
        "quantity",
        "quantity_unit",
        "factor_ids",
        "formula",
        "values_used",
        "defaults_applied",
    ]);
    let mut t = Table::new("emissions", &columns);
    for e in rows {
        let mut row = Vec::with_capacity(columns.len());
        if with_unit {
            row.push(Cell::text(&e.unit_institutional_id));
        }
        row.extend([
            Cell::text(e.data_entry_id.to_string()),
            Cell::text(&e.module),
            Cell::text(
                EntryType::from_id(e.data_entry_type)
                    .map_or_else(|| e.data_entry_type.to_string(), |t| t.name().to_owned()),
            ),
            Cell::text(&e.emission_type),
            Cell::Number(f64::from(e.scope)),
            Cell::text(if e.is_additional { "yes" } else { "no" }),
            Cell::Number(e.kg_co2eq),
            Cell::number(e.quantity),
            e.quantity_unit.as_deref().map_or(Cell::Empty, Cell::text),
            Cell::text(e.factor_ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ")),
        ]);
        row.extend(explanation_cells(e.explanation.as_ref()));
        t.rows.push(row);
    }
    t
}

/// "Why this number" in three cells: the formula in words, the values that went in
/// (`name = value unit`, `; `-separated) and the defaults applied; empty for a row computed
/// before explanations were recorded.
fn explanation_cells(e: Option<&Explanation>) -> [Cell; 3] {
    let Some(e) = e else { return [Cell::Empty, Cell::Empty, Cell::Empty] };
    let value = |v: &TermValue| match v {
        TermValue::Number(n) => n.to_string(),
        TermValue::Text(t) => t.clone(),
    };
    let terms: Vec<String> = e
        .terms
        .iter()
        .map(|t| {
            if t.unit.is_empty() {
                format!("{} = {}", t.name, value(&t.value))
            } else {
                format!("{} = {} {}", t.name, value(&t.value), t.unit)
            }
        })
        .collect();
    let defaults: Vec<String> =
        e.defaults.iter().map(|d| format!("{} = {} ({})", d.field, value(&d.value), d.rule.en())).collect();
    [Cell::text(e.formula.en()), Cell::text(terms.join("; ")), Cell::text(defaults.join("; "))]
}

/// The factors the emission rows used, with their classification and values as stored, and
/// where they come from.
pub fn factors(rows: &[FactorDetail]) -> Table {
    let mut t = Table::new(
        "factors",
        &["factor_id", "entry_type", "year", "emission_type", "classification", "values", "stale", "origin", "file"],
    );
    for f in rows {
        t.rows.push(vec![
            Cell::text(f.factor_id.to_string()),
            Cell::text(
                EntryType::from_id(f.data_entry_type)
                    .map_or_else(|| f.data_entry_type.to_string(), |t| t.name().to_owned()),
            ),
            Cell::Number(f64::from(f.report_year_id)),
            Cell::text(&f.emission_type),
            Cell::text(f.classification.to_string()),
            Cell::text(f.factor_values.to_string()),
            Cell::text(if f.is_stale { "yes" } else { "no" }),
            Cell::text(&f.origin),
            f.source_file
                .clone()
                .or_else(|| {
                    co2_db::factor_file::FactorFile::of_entry_type(f.data_entry_type).map(|k| k.file_name().to_owned())
                })
                .map_or(Cell::Empty, Cell::text),
        ]);
    }
    t
}

/// The data quality and uncertainty of the unit-year: a row per module and the total, then the
/// hints (what would shrink the range most).
pub fn quality(q: &co2_api_types::QualityView) -> Table {
    let mut t = Table::new(
        "quality",
        &[
            "module",
            "entries",
            "computed_entries",
            "score",
            "kg_co2eq",
            "uncertainty_kg",
            "uncertainty_pct",
            "measured_kg",
            "activity_based_kg",
            "spend_based_kg",
            "default_filled_kg",
            "overridden_kg",
            "hint",
        ],
    );
    let line = |label: String, s: &co2_api_types::QualitySummary| {
        let mut row = vec![
            Cell::text(label),
            Cell::Number(s.entries as f64),
            Cell::Number(s.computed_entries as f64),
            Cell::number(s.score),
            Cell::Number(s.kg_co2eq),
            Cell::Number(s.uncertainty_kg),
            Cell::number(s.uncertainty_pct),
        ];
        for class in ["measured", "activity_based", "spend_based", "default_filled", "overridden"] {
            row.push(Cell::Number(s.classes.iter().find(|c| c.class == class).map_or(0.0, |c| c.kg_co2eq)));
        }
        row.push(Cell::Empty);
        row
    };
    for m in &q.modules {
        t.rows.push(line(module_label(&m.module), &m.summary));
    }
    t.rows.push(line("Total".to_owned(), &q.total));
    for h in &q.hints {
        let mut row = vec![Cell::text(module_label(&h.module))];
        row.extend(std::iter::repeat_n(Cell::Empty, 4));
        row.push(Cell::Number(h.uncertainty_kg));
        row.extend(std::iter::repeat_n(Cell::Empty, 6));
        row.push(Cell::text(format!(
            "{} ({} entries): {:.0} % of the variance; {}",
            h.subject,
            h.entries,
            100.0 * h.share_of_variance,
            h.advice.replace('_', " ")
        )));
        t.rows.push(row);
    }
    t
}

/// One module of a year in each unit: status, entries and totals.
pub fn units(rows: &[UnitModule]) -> Table {
    let mut t = Table::new(
        "units",
        &[
            "unit",
            "unit_name",
            "path",
            "status",
            "entries",
            "scope1_kg",
            "scope2_kg",
            "scope3_kg",
            "total_kg",
            "additional_kg",
        ],
    );
    for u in rows {
        t.rows.push(vec![
            Cell::text(&u.unit_institutional_id),
            Cell::text(&u.unit_name),
            Cell::text(&u.unit_path),
            Cell::text(status_label(u.status)),
            Cell::Number(u.entry_count as f64),
            Cell::Number(u.scope1_kg),
            Cell::Number(u.scope2_kg),
            Cell::Number(u.scope3_kg),
            Cell::Number(u.scope1_kg + u.scope2_kg + u.scope3_kg),
            Cell::Number(u.additional_kg),
        ]);
    }
    t
}

/// The GHG Protocol inventory's sheets: its summary (scope totals, base year, coverage), its
/// lines (Scope 1 by source, Scope 2, the 15 Scope 3 categories with gases and exclusions), every
/// leaf's placement with its reason, and the methodology (every factor set with its source).
pub fn inventory(h: &Heading, v: &co2_api_types::GhgInventoryView) -> Vec<Table> {
    let mut summary = Table::new("summary", &["figure", "value", "unit"]);
    let mut row = |label: &str, value: Cell, unit: &str| {
        summary.rows.push(vec![Cell::text(label), value, Cell::text(unit)]);
    };
    row("Organisation", Cell::text(v.subtree.as_deref().unwrap_or("the institution")), "");
    row("Reporting year", Cell::Number(f64::from(v.year)), "");
    row("Base year", Cell::number(v.base_year.map(f64::from)), "");
    row("Units", Cell::Number(v.units as f64), "");
    row("Scope 1", Cell::Number(v.scope1_kg), "kg CO2-eq");
    row("Scope 2 (location-based)", Cell::Number(v.scope2_kg), "kg CO2-eq");
    row("Scope 3", Cell::Number(v.scope3_kg), "kg CO2-eq");
    row("Total", Cell::Number(v.total_kg), "kg CO2-eq");
    match v.scope2_market_kg {
        Some(kg) => row("Scope 2 (market-based)", Cell::Number(kg), "kg CO2-eq"),
        None => row(
            "Scope 2 (market-based)",
            Cell::text("not reported: no factor file gives a market-based factor (ef_market_kg_co2eq_per_kwh)"),
            "",
        ),
    }
    if let Some(c) = &v.coverage {
        row("Units with every module validated", Cell::Number(c.validated_units as f64), "");
        row("Share of FTE they cover", Cell::number(c.fte_share.map(|s| s * 100.0)), "%");
        row("Share of floor area they cover", Cell::number(c.floor_area_share.map(|s| s * 100.0)), "%");
        row("Total extrapolated to every unit", Cell::number(c.extrapolated_total_kg), "kg CO2-eq");
        row("Extrapolation method", Cell::text(&c.method), "");
    }
    row("Generated at", Cell::text(h.generated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)), "UTC");

    let mut lines =
        Table::new("lines", &["line", "label", "scope", "kg_co2eq", "additional_kg", "by_gas", "excluded_because"]);
    for l in &v.lines {
        let gases = l.by_gas.iter().map(|(g, kg)| format!("{g}={kg}")).collect::<Vec<_>>().join("; ");
        lines.rows.push(vec![
            Cell::text(&l.key),
            Cell::text(&l.label),
            Cell::Number(f64::from(l.scope)),
            Cell::Number(l.kg_co2eq),
            Cell::Number(l.additional_kg),
            Cell::text(gases),
            Cell::text(l.excluded_because.as_deref().unwrap_or("")),
        ]);
    }
    let mut placements = Table::new("placements", &["leaf", "line", "gas", "reason"]);
    for p in &v.placements {
        placements.rows.push(vec![
            Cell::text(&p.leaf),
            Cell::text(&p.line),
            Cell::text(p.gas.as_deref().unwrap_or("")),
            Cell::text(&p.reason),
        ]);
    }
    let mut methodology =
        Table::new("methodology", &["factor_file", "module", "factors", "uploaded", "updated_at", "source"]);
    for f in &v.factor_sets {
        methodology.rows.push(vec![
            Cell::text(&f.file),
            Cell::text(&f.module),
            Cell::Number(f.factors as f64),
            Cell::Number(f.uploaded as f64),
            Cell::text(f.updated_at.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)).unwrap_or_default()),
            Cell::text(&f.source),
        ]);
    }
    vec![summary, lines, placements, methodology]
}
