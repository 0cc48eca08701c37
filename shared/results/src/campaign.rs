//! The yearly campaign (what the office tells whom): opening a year tells every unit's principal;
//! a reminder tells the principals of the units not done which modules are left; the digest
//! tells the office where the institution stands and who is late. Each message is a
//! notification in the app and an e-mail in the outbox (`co2_db::campaign`), written together.

use co2_api_types::{
    CampaignSent, LateUnit, LateUnitsView, ModuleStatus, ReportingFilters, ReportingView, UnitCompletion,
};
use co2_db::campaign::{NewNotification, Recipient};
use co2_db::org::Unit;
use co2_db::{Db, DbResult};
use co2_domain::Module;
use sqlx::PgConnection;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Units listed by name in the office's digest, at most.
const DIGEST_LISTS: usize = 20;

/// The units among `units` that have not validated every module in `year`, with what is left,
/// and how late the campaign is against its deadline on `today`.
pub async fn late(db: &Db, year: i32, units: &[Unit], today: chrono::NaiveDate) -> DbResult<LateUnitsView> {
    let deadline = co2_db::report::year(db, year).await?.and_then(|y| y.deadline);
    let view = crate::reporting::view(db, year, units, &ReportingFilters::default()).await?;
    Ok(late_of(&view, deadline, today))
}

/// The units of a reporting view not done, and how late the campaign is.
fn late_of(view: &ReportingView, deadline: Option<chrono::NaiveDate>, today: chrono::NaiveDate) -> LateUnitsView {
    let units = view
        .units
        .iter()
        .filter(|u| u.completion != UnitCompletion::Validated)
        .map(|u| LateUnit {
            modules_left: u
                .modules
                .iter()
                .filter(|m| m.status != ModuleStatus::Validated)
                .map(|m| m.module.clone())
                .collect(),
            institutional_id: u.institutional_id.clone(),
            name: u.name.clone(),
            principal: u.principal.clone(),
            completion_progress: u.completion_progress.clone(),
        })
        .collect();
    let days_late = deadline.map(|d| (today - d).num_days()).filter(|d| *d > 0);
    LateUnitsView { year: view.year, deadline, days_late, units }
}

fn module_names(keys: &[String]) -> String {
    keys.iter()
        .map(|k| Module::parse(k).map_or_else(|| k.clone(), |m| m.label().to_owned()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Sends `message(unit)` to the principals of each of `units`, in the caller's transaction.
async fn to_principals(
    tx: &mut PgConnection,
    year: i32,
    units: &[(Uuid, String)],
    kind: &str,
    message: impl Fn(&str) -> (String, String, String),
) -> DbResult<CampaignSent> {
    let ids: Vec<Uuid> = units.iter().map(|(id, _)| *id).collect();
    let principals = co2_db::campaign::principals_of(&mut *tx, &ids).await?;
    let mut by_unit: BTreeMap<Uuid, Vec<Recipient>> = BTreeMap::new();
    for (unit, r) in principals {
        by_unit.entry(unit).or_default().push(r);
    }
    let mut sent = CampaignSent { units: 0, notifications: 0, mails: 0 };
    for (unit_id, institutional_id) in units {
        let Some(recipients) = by_unit.get(unit_id) else { continue };
        let (title, body, link) = message(institutional_id);
        sent.units += 1;
        for r in recipients {
            let n = NewNotification { kind, year: Some(year), title: &title, body: &body, link: Some(&link) };
            let (notes, mails) = co2_db::campaign::notify(&mut *tx, r, &n).await?;
            sent.notifications += notes;
            sent.mails += mails;
        }
    }
    Ok(sent)
}

/// Tells the principal of every unit with a report in `year` that the year is open, in the
/// transaction that opens it.
pub async fn announce_year(tx: &mut PgConnection, year: i32) -> DbResult<CampaignSent> {
    let deadline = co2_db::report::year(&mut *tx, year).await?.and_then(|y| y.deadline);
    let units: Vec<(Uuid, String)> =
        co2_db::org::all_units(&mut *tx).await?.into_iter().map(|u| (u.unit_id, u.institutional_id)).collect();
    let with_report: std::collections::HashSet<Uuid> =
        co2_db::report::progress_of_year(&mut *tx, year).await?.into_iter().map(|p| p.unit_id).collect();
    let units: Vec<(Uuid, String)> = units.into_iter().filter(|(id, _)| with_report.contains(id)).collect();
    let by = deadline.map(|d| format!(" Please validate your modules by {d}.")).unwrap_or_default();
    to_principals(tx, year, &units, "year_opened", |unit| {
        (
            format!("The {year} carbon footprint campaign is open"),
            format!("Unit {unit} can now enter its {year} activity in the CO2 Calculator.{by}"),
            format!("/units/{unit}/years/{year}"),
        )
    })
    .await
}

/// Reminds the principals of the units among `units` not done in `year` of the modules left.
pub async fn remind(db: &Db, year: i32, units: &[Unit], today: chrono::NaiveDate) -> DbResult<CampaignSent> {
    let late = late(db, year, units, today).await?;
    let left: BTreeMap<&str, &LateUnit> = late.units.iter().map(|u| (u.institutional_id.as_str(), u)).collect();
    let targets: Vec<(Uuid, String)> = units
        .iter()
        .filter(|u| left.contains_key(u.institutional_id.as_str()))
        .map(|u| (u.unit_id, u.institutional_id.clone()))
        .collect();
    let by = late.deadline.map(|d| format!(" The deadline is {d}.")).unwrap_or_default();
    let mut tx = db.begin().await?;
    let sent = to_principals(&mut tx, year, &targets, "reminder", |unit| {
        let modules = left.get(unit).map(|u| module_names(&u.modules_left)).unwrap_or_default();
        (
            format!("Reminder: unit {unit}'s {year} carbon footprint is not complete"),
            format!("Still to validate for {year}: {modules}.{by}"),
            format!("/units/{unit}/years/{year}"),
        )
    })
    .await?;
    tx.commit().await?;
    Ok(sent)
}

/// Sends the office (every admin and back-office operator) where `year` stands: how many units
/// are done, in progress or not started, and who is late.
pub async fn digest(db: &Db, year: i32, today: chrono::NaiveDate) -> DbResult<CampaignSent> {
    let units = co2_db::org::all_units(db).await?;
    // One reading of the year serves both the counts and who is late.
    let view = crate::reporting::view(db, year, &units, &ReportingFilters::default()).await?;
    let deadline = co2_db::report::year(db, year).await?.and_then(|y| y.deadline);
    let late = late_of(&view, deadline, today);
    let s = &view.summary;
    let mut body = format!(
        "{year}: {} units, {} validated, {} in progress, {} not started.",
        s.units, s.validated, s.in_progress, s.not_started
    );
    if let Some(d) = late.deadline {
        body.push_str(&format!(" Deadline {d}"));
        if let Some(days) = late.days_late {
            body.push_str(&format!(", passed {days} days ago"));
        }
        body.push('.');
    }
    if !late.units.is_empty() {
        let names: Vec<&str> = late.units.iter().take(DIGEST_LISTS).map(|u| u.institutional_id.as_str()).collect();
        let more = late.units.len().saturating_sub(DIGEST_LISTS);
        body.push_str(&format!(" Not done: {}", names.join(", ")));
        if more > 0 {
            body.push_str(&format!(" and {more} more"));
        }
        body.push('.');
    }
    let title = format!("Weekly digest of the {year} campaign");
    let office = co2_db::campaign::office(db).await?;
    let mut sent = CampaignSent { units: view.units.len() as u64, notifications: 0, mails: 0 };
    let mut tx = db.begin().await?;
    for r in &office {
        let n = NewNotification {
            kind: "digest",
            year: Some(year),
            title: &title,
            body: &body,
            link: Some("/it-manager/reporting"),
        };
        let (notes, mails) = co2_db::campaign::notify(&mut tx, r, &n).await?;
        sent.notifications += notes;
        sent.mails += mails;
    }
    tx.commit().await?;
    Ok(sent)
}

/// The weekly digest of every open year with a deadline, when the last one is a week old or
/// more (the sweeper's schedule calls this; running it again within the week sends nothing).
pub async fn weekly_digests(db: &Db, now: chrono::DateTime<chrono::Utc>) -> DbResult<u64> {
    let mut sent = 0;
    for y in co2_db::report::all_years(db).await?.into_iter().filter(|y| y.is_open && y.deadline.is_some()) {
        let last = co2_db::campaign::last_digest(db, y.report_year_id).await?;
        if last.is_none_or(|l| now - l >= chrono::Duration::days(7)) {
            sent += digest(db, y.report_year_id, now.date_naive()).await?.notifications;
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use co2_api_types::{ModuleState, ReportingSummary, ReportingUnit};

    fn unit(id: &str, states: &[(&str, ModuleStatus)]) -> ReportingUnit {
        let modules: Vec<ModuleState> =
            states.iter().map(|(m, s)| ModuleState { module: (*m).into(), status: *s }).collect();
        let statuses: Vec<ModuleStatus> = modules.iter().map(|m| m.status).collect();
        ReportingUnit {
            institutional_id: id.into(),
            name: id.into(),
            path: format!("/1/{id}/"),
            principal: None,
            fte: 0.0,
            completion: crate::reporting::completion_of(&statuses),
            completion_progress: String::new(),
            modules,
            validated_kg: 0.0,
            t_per_fte: None,
            top_category: None,
            last_update: None,
            entries_above_threshold: 0,
        }
    }

    #[test]
    fn the_late_are_the_units_not_done_with_their_modules_left_and_the_days_past_the_deadline() {
        use ModuleStatus::*;
        let view = ReportingView {
            year: 2025,
            filters: ReportingFilters::default(),
            summary: ReportingSummary {
                units: 2,
                validated: 1,
                in_progress: 1,
                not_started: 0,
                fte: 0.0,
                validated_kg: 0.0,
            },
            modules: Vec::new(),
            categories: Vec::new(),
            units: vec![
                unit("done", &[("headcount", Validated), ("equipment", Validated)]),
                unit("late", &[("headcount", Validated), ("equipment", InProgress)]),
            ],
        };
        let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let late = late_of(&view, Some(day("2025-03-31")), day("2025-04-10"));
        assert_eq!(late.units.len(), 1);
        assert_eq!(
            (late.units[0].institutional_id.as_str(), late.units[0].modules_left.clone()),
            ("late", vec!["equipment".to_owned()])
        );
        assert_eq!(late.days_late, Some(10));
        assert_eq!(late_of(&view, Some(day("2025-03-31")), day("2025-03-01")).days_late, None, "before the deadline");
        assert_eq!(late_of(&view, None, day("2025-03-01")).days_late, None);
    }
}
