//! Exports through the API and step-export: a unit-year's workbook (XLSX), its CSV files and its
//! PDF report agree with the results API; a module across units follows the back office's
//! subtree; formula text stays text; redeliveries do not build twice; refusals.

use crate::support::{Stack, demo_equipment};
use calamine::{Data, Reader, Xlsx};
use co2_platform::StepHandler;
use co2_testkit::call;
use http::Method;
use serde_json::{Value, json};
use sqlx::PgPool;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

const FORMULA: &str = "=HYPERLINK(\"http://evil.example\",\"click\")";

/// A scientific equipment entry of `kg` (a `kg_co2eq` override) named `name`.
async fn entry(s: &Stack, token: &str, unit: &str, name: &str, kg: f64) {
    let res = call(
        &s.app,
        Method::POST,
        &format!("/api/v1/entries/units/{unit}/years/2025/modules/equipment"),
        Some(token),
        Some(json!({"entry_type": "scientific", "data": {
            "equipment_id": format!("X-{kg}"), "name": name, "equipment_class": "Centrifugation", "kg_co2eq": kg}})),
    )
    .await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
}

/// Asks for an export, lets the pipeline build it, and returns its view and file.
async fn export(s: &Stack, token: &str, request: Value) -> (Value, Vec<u8>) {
    let res = call(&s.app, Method::POST, "/api/v1/exports", Some(token), Some(request)).await;
    assert_eq!(res.status, 202, "{}", String::from_utf8_lossy(&res.body));
    let queued = res.json();
    assert_eq!(queued["state"], "queued");
    assert!(queued["download_url"].is_null());
    s.drain().await;
    let id = queued["job_id"].as_str().unwrap();
    let view = call(&s.app, Method::GET, &format!("/api/v1/exports/{id}"), Some(token), None).await.json();
    assert_eq!(view["state"], "succeeded", "{view}");
    let file = co2_testkit::get_link(&s.app, view["download_url"].as_str().unwrap()).await;
    assert_eq!(file.status, 200);
    assert_eq!(view["bytes"].as_i64(), Some(file.body.len() as i64));
    (view, file.body.to_vec())
}

fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP");
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut text = String::new();
        f.read_to_string(&mut text).unwrap();
        out.insert(f.name().expect("a UTF-8 name").into_owned(), text);
    }
    out
}

/// A CSV file as maps of column → value.
fn records(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| headers.iter().zip(rec.unwrap().iter()).map(|(h, v)| (h.to_owned(), v.to_owned())).collect())
        .collect()
}

fn number(cell: Option<&Data>) -> f64 {
    match cell {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

/// A sheet as rows of cells, header first.
fn sheet(book: &mut Xlsx<std::io::Cursor<Vec<u8>>>, name: &str) -> Vec<Vec<Data>> {
    book.worksheet_range(name).unwrap().rows().map(<[Data]>::to_vec).collect()
}

fn column(rows: &[Vec<Data>], name: &str) -> usize {
    rows[0].iter().position(|h| h == &Data::String(name.into())).unwrap_or_else(|| panic!("no column {name}"))
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_unit_year_exports_as_a_workbook_csv_files_and_a_pdf_that_agree_with_the_results(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    s.upload(&principal, "9001", "e.csv", "replace", demo_equipment()).await;
    s.drain().await;
    entry(&s, &principal, "9001", FORMULA, 12.5).await;
    let ok = call(
        &s.app,
        Method::PATCH,
        "/api/v1/units/9001/years/2025/modules/equipment",
        Some(&principal),
        Some(json!({"status": "validated"})),
    )
    .await;
    assert_eq!(ok.status, 200);
    let results =
        call(&s.app, Method::GET, "/api/v1/results/units/9001/years/2025", Some(&principal), None).await.json();
    let core = results["core"]["total_kg"].as_f64().unwrap();
    assert!(core > 5000.0, "the demo equipment is validated: {core}");
    let report = call(&s.app, Method::GET, "/api/v1/units/9001/years/2025/report", Some(&principal), None).await.json();
    let entry_count =
        report["modules"].as_array().unwrap().iter().find(|m| m["module"] == "equipment").unwrap()["entry_count"]
            .as_i64()
            .unwrap();

    // The workbook.
    let (view, bytes) =
        export(&s, &principal, json!({"kind": "unit_year", "format": "xlsx", "year": 2025, "unit": "9001"})).await;
    assert_eq!(view["file_name"], "9001_2025_results.xlsx");
    assert_eq!(view["entries"].as_i64(), Some(entry_count));
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    for expected in
        ["summary", "modules", "categories", "quality", "entries_scientific", "entries_it", "emissions", "factors"]
    {
        assert!(names.iter().any(|n| n == expected), "sheet {expected} in {names:?}");
    }
    let summary = sheet(&mut book, "summary");
    let figure = |label: &str| summary.iter().find(|r| r[0] == Data::String(label.into())).map(|r| number(r.get(1)));
    assert_eq!(figure("Core total"), Some(core));
    assert_eq!(figure("Scope 2"), results["core"]["scope2_kg"].as_f64());
    assert_eq!(figure("Car-km equivalent"), results["car_km_equivalent"].as_f64());
    let modules = sheet(&mut book, "modules");
    let equipment = modules.iter().find(|r| r[0] == Data::String("equipment".into())).unwrap();
    assert_eq!(equipment[2], Data::String("validated".into()));
    assert!((number(equipment.get(column(&modules, "total_kg"))) - core).abs() < 1e-6);

    let mut entries = 0;
    let mut entries_kg = 0.0;
    let mut formula_cells = 0;
    for name in names.iter().filter(|n| n.starts_with("entries_")) {
        let rows = sheet(&mut book, name);
        let kg = column(&rows, "emissions_kg_co2eq");
        entries += rows.len() - 1;
        entries_kg += rows[1..].iter().map(|r| number(r.get(kg))).sum::<f64>();
        formula_cells += rows.iter().flatten().filter(|c| **c == Data::String(FORMULA.into())).count();
        let formulas = book.worksheet_formula(name).unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "{name}: no cell is a formula");
    }
    assert_eq!(entries as i64, entry_count, "every entry, once");
    assert!((entries_kg - core).abs() < 1e-6, "entries add up to the module: {entries_kg} vs {core}");
    assert_eq!(formula_cells, 1, "the formula-looking name is stored as text");
    let emissions = sheet(&mut book, "emissions");
    let kg = column(&emissions, "kg_co2eq");
    let emitted: f64 = emissions[1..].iter().map(|r| number(r.get(kg))).sum();
    assert!((emitted - core).abs() < 1e-6);
    let factors = sheet(&mut book, "factors");
    let listed: BTreeSet<String> = factors[1..].iter().map(|r| r[0].to_string()).collect();
    let ids = column(&emissions, "factor_ids");
    let used: BTreeSet<String> = emissions[1..]
        .iter()
        .flat_map(|r| r[ids].to_string().split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    assert!(!used.is_empty() && used == listed, "every factor used is listed, and only those");
    // Why each number: the formula in words and the values that went in, on every row; the
    // factors say where they come from.
    let (formula, values) = (column(&emissions, "formula"), column(&emissions, "values_used"));
    let mut by_formula = 0;
    for r in &emissions[1..] {
        let (f, v) = (r[formula].to_string(), r[values].to_string());
        if f.starts_with("kWh = ") {
            by_formula += 1;
            assert!(v.contains("ef_kg_co2eq_per_kwh = 0.097 kg CO₂-eq/kWh"), "{v}");
        } else {
            assert!(f.starts_with("The kg was given with the entry") && v.starts_with("kg_co2eq = "), "{f} / {v}");
        }
    }
    assert!(by_formula > 30, "the demo's rows are computed, but for its given kg");
    let defaults = column(&emissions, "defaults_applied");
    assert!(
        emissions[1..].iter().any(|r| r[defaults].to_string().contains("active_usage_hours_per_week = ")),
        "a row whose hours were blank names the factor's defaults"
    );
    // The data quality: a line per module and the total, whose kg is the rows' and whose ±
    // is a positive part of it.
    let quality = sheet(&mut book, "quality");
    let total = quality.iter().find(|r| r[0] == Data::String("Total".into())).expect("a total line");
    let (q_kg, q_u) = (column(&quality, "kg_co2eq"), column(&quality, "uncertainty_kg"));
    assert!((number(total.get(q_kg)) - emitted).abs() < 1e-6, "{total:?}");
    assert!(number(total.get(q_u)) > 0.0 && number(total.get(q_u)) < emitted, "{total:?}");
    let origin = column(&factors, "origin");
    assert!(factors[1..].iter().all(|r| r[origin] == Data::String("shipped".into())), "the shipped defaults");

    // The CSV files.
    let (view, bytes) =
        export(&s, &principal, json!({"kind": "unit_year", "format": "csv", "year": 2025, "unit": "9001"})).await;
    assert_eq!(view["file_name"], "9001_2025_results_csv.zip");
    let files = unzip(&bytes);
    assert!(files.contains_key("summary.csv") && files.contains_key("emissions.csv"), "{:?}", files.keys());
    let summary = records(&files["summary.csv"]);
    let core_row = summary.iter().find(|r| r["figure"] == "Core total").unwrap();
    assert_eq!(core_row["value"].parse::<f64>().unwrap(), core, "numbers are written exactly");
    let scientific = records(&files["entries_scientific.csv"]);
    let neutralised = scientific.iter().find(|r| r["name"].contains("HYPERLINK")).unwrap();
    assert_eq!(neutralised["name"], format!("'{FORMULA}"), "a spreadsheet shows it as text");
    let csv_entries: usize =
        files.iter().filter(|(n, _)| n.starts_with("entries_")).map(|(_, t)| records(t).len()).sum();
    assert_eq!(csv_entries as i64, entry_count);

    // The PDF report.
    let (view, bytes) =
        export(&s, &principal, json!({"kind": "unit_year", "format": "pdf", "year": 2025, "unit": "9001"})).await;
    assert_eq!(view["file_name"], "9001_2025_report.pdf");
    assert!(bytes.starts_with(b"%PDF-") && bytes.trim_ascii_end().ends_with(b"%%EOF"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("(Carbon footprint 2025)"), "the title is drawn");
    let tonnes = format!("({:.2} t)", core / 1000.0);
    assert!(text.contains(&tonnes), "the core total in tonnes, {tonnes}, is a big number");
    assert!(text.contains("(Emissions by category (t CO2-eq))"), "the chart's heading");
    assert!(text.contains(" re\n"), "the chart's bars are drawn");
    assert!(text.contains("(Equipment)") && text.contains("(validated)"), "the module table");

    // The file route redirects to the link.
    let id = view["job_id"].as_str().unwrap();
    let redirect = call(&s.app, Method::GET, &format!("/api/v1/exports/{id}/file"), Some(&principal), None).await;
    assert_eq!(redirect.status, 303);
    let location = redirect.headers["location"].to_str().unwrap().to_owned();
    assert_eq!(co2_testkit::get_link(&s.app, &location).await.body.len() as i64, view["bytes"].as_i64().unwrap());
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_module_export_across_units_covers_the_back_offices_subtree(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let p1 = s.token("principal", Some("9001")).await;
    let p2 = s.token("principal", Some("9002")).await;
    s.upload(&p1, "9001", "e.csv", "replace", demo_equipment()).await;
    s.drain().await;
    entry(&s, &p2, "9002", "Second lab centrifuge", 40.0).await;
    entry(&s, &p2, "9002", FORMULA, 2.0).await;
    let in_9001 = s.entries(&p1, "9001").await["total"].as_i64().unwrap();

    let request = json!({"kind": "module_units", "year": 2025, "module": "equipment"});
    let units_in = |files: &BTreeMap<String, String>| -> (Vec<String>, usize) {
        let units = records(&files["units.csv"]).into_iter().map(|r| r["unit"].clone()).collect();
        let rows = files.iter().filter(|(n, _)| n.starts_with("entries_")).map(|(_, t)| records(t).len()).sum();
        (units, rows)
    };
    let lab = s.token("backoffice", Some("9002")).await;
    let (view, bytes) = export(&s, &lab, request.clone()).await;
    assert_eq!(view["file_name"], "equipment_2025_units.zip");
    let files = unzip(&bytes);
    assert_eq!(units_in(&files), (vec!["9002".to_owned()], 2), "only the operator's subtree");
    let scientific = records(&files["entries_scientific.csv"]);
    assert!(scientific.iter().all(|r| r["unit"] == "9002"));
    assert!(scientific.iter().any(|r| r["name"] == format!("'{FORMULA}")), "neutralised across units too");
    let kg: f64 = scientific.iter().map(|r| r["emissions_kg_co2eq"].parse::<f64>().unwrap()).sum();
    assert_eq!(kg, 42.0);

    let school = s.token("backoffice", Some("ENAC")).await;
    let (_, bytes) = export(&s, &school, request.clone()).await;
    assert_eq!(units_in(&unzip(&bytes)), (vec!["9001".to_owned(), "9002".to_owned()], in_9001 as usize + 2));
    let admin = s.token("admin", None).await;
    let (view, bytes) = export(&s, &admin, request).await;
    assert_eq!(units_in(&unzip(&bytes)).1 as i64, in_9001 + 2);
    assert_eq!(view["entries"].as_i64(), Some(in_9001 + 2));
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn exports_are_refused_without_the_right_and_bad_requests_say_why(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    let member = s.token("standard", Some("9001")).await;
    let stranger = s.token("principal", Some("9002")).await;
    let admin = s.token("admin", None).await;
    let post = |token: String, body: Value| {
        let app = s.app.clone();
        async move { call(&app, Method::POST, "/api/v1/exports", Some(&token), Some(body)).await }
    };
    let unit_year = json!({"kind": "unit_year", "format": "pdf", "year": 2025, "unit": "9001"});
    // A member may have the results as a PDF, and follow it to its file; never the workbook or
    // the CSV, which hold every entry of the unit.
    for format in ["xlsx", "csv"] {
        let body = json!({"kind": "unit_year", "format": format, "year": 2025, "unit": "9001"});
        assert_eq!(post(member.clone(), body).await.status, 403, "a member's {format}");
    }
    let (view, bytes) = export(&s, &member, unit_year.clone()).await;
    assert_eq!(view["file_name"], "9001_2025_report.pdf");
    assert!(bytes.starts_with(b"%PDF-"));
    let theirs = view["job_id"].as_str().unwrap().to_owned();
    let hidden = post(stranger.clone(), unit_year.clone()).await;
    assert_eq!((hidden.status.as_u16(), hidden.json()["error"]["code"].as_str()), (404, Some("unit_not_found")));
    assert_eq!(
        post(principal.clone(), json!({"kind": "module_units", "year": 2025, "module": "equipment"})).await.status,
        403
    );
    for (body, status, code) in [
        (json!({"kind": "unit_year", "format": "docx", "year": 2025, "unit": "9001"}), 400, "invalid_export"),
        (json!({"kind": "unit_year", "year": 2025}), 400, "invalid_export"),
        (json!({"kind": "unit_year", "year": 1999, "unit": "9001"}), 404, "year_not_found"),
        (json!({"kind": "unit_year", "year": 2025, "unit": "9001", "basis": "some"}), 400, "invalid_basis"),
        (json!({"kind": "module_units", "year": 2025, "module": "kitchen"}), 404, "module_not_found"),
        (json!({"kind": "module_units", "year": 2025, "module": "equipment", "format": "pdf"}), 400, "invalid_export"),
        (json!({"kind": "everything", "year": 2025}), 400, "invalid_json"),
    ] {
        let res = post(admin.clone(), body.clone()).await;
        assert_eq!(res.status.as_u16(), status, "{body}: {}", String::from_utf8_lossy(&res.body));
        assert_eq!(res.json()["error"]["code"], code, "{body}");
    }
    // Someone else's export is not disclosed; the admin sees every export.
    let mine = post(principal.clone(), unit_year).await.json();
    let id = mine["job_id"].as_str().unwrap();
    for (token, status) in [(&stranger, 404), (&member, 404), (&admin, 200), (&principal, 200)] {
        let res = call(&s.app, Method::GET, &format!("/api/v1/exports/{id}"), Some(token), None).await;
        assert_eq!(res.status, status);
    }
    for (token, status) in [(&stranger, 404), (&member, 200), (&principal, 200)] {
        let res = call(&s.app, Method::GET, &format!("/api/v1/exports/{theirs}"), Some(token), None).await;
        assert_eq!(res.status, status, "the member's PDF");
    }
    let audit: i64 =
        sqlx::query_scalar("select count(*) from audit_log where action = 'export.requested' and target = $1")
            .bind(id)
            .fetch_one(&s.pool)
            .await
            .unwrap();
    assert_eq!(audit, 1, "the request is audited");
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn an_export_delivered_three_times_is_built_once_and_stays_done(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    s.upload(&principal, "9001", "e.csv", "replace", demo_equipment()).await;
    s.drain().await;
    let (view, _) =
        export(&s, &principal, json!({"kind": "unit_year", "format": "csv", "year": 2025, "unit": "9001"})).await;
    let id: uuid::Uuid = view["job_id"].as_str().unwrap().parse().unwrap();
    let step = step_export::Export { ctx: s.ctx.clone() };
    let body = format!(r#"{{"kind":"export","version":1,"job_id":"{id}"}}"#);
    for n in 0..3 {
        let input = co2_platform::StepInput {
            id: format!("redelivery-{n}"),
            event_type: "dev.knative.connector.event.aws-sqs".into(),
            source: "test".into(),
            data: body.clone().into(),
        };
        step.handle(input).await.expect("a redelivery is acknowledged");
    }
    let again = call(&s.app, Method::GET, &format!("/api/v1/exports/{id}"), Some(&principal), None).await.json();
    assert_eq!(
        (again["state"].clone(), again["finished_at"].clone()),
        (view["state"].clone(), view["finished_at"].clone())
    );
    assert_eq!(again["bytes"], view["bytes"]);
    let stored = s.ctx.blob.list(&format!("exports/{id}/")).await.unwrap();
    assert_eq!(stored.len(), 1, "{stored:?}");

    // A message about no job, or about a job that is not an export, is poison.
    let poison = co2_platform::StepInput {
        id: "poison".into(),
        event_type: "dev.knative.connector.event.aws-sqs".into(),
        source: "test".into(),
        data: r#"{"kind":"export","version":1,"job_id":"0193a0c4-7d2e-7000-8000-0000000000ff"}"#.into(),
    };
    assert!(matches!(step.handle(poison).await, Err(co2_platform::StepError::Poison(_))));
}
