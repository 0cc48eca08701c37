//! Every accepted input gives the same entries as the demo CSV, through the real pipeline: XLSX
//! (one sheet, or a sheet per entry type), `;`-delimited Windows-1252 with CRLF, UTF-16 with a
//! BOM; and the drop folder answers every file with a `.result.json` next to it.

use crate::support::{Stack, demo_equipment};
use co2_platform::blob::BlobStore;
use co2_testkit::call;
use http::Method;
use serde_json::Value;
use sqlx::PgPool;

/// Σ kg of the demo equipment file (the oracle's rows of `equipments.csv`).
const EQUIPMENT_KG: f64 = 5890.867424;

fn records(csv_bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rdr = csv::Reader::from_reader(csv_bytes);
    let headers = rdr.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = rdr.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    (headers, rows)
}

/// Writes rows into a worksheet as a person would type them: numbers as numbers, text as text.
fn fill(sheet: &mut rust_xlsxwriter::Worksheet, headers: &[String], rows: &[Vec<String>]) {
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match v.parse::<f64>() {
                Ok(n) if !v.is_empty() => sheet.write_number(r, c, n).unwrap(),
                _ if v.is_empty() => sheet,
                _ => sheet.write_string(r, c, v).unwrap(),
            };
        }
    }
}

async fn module_kg(s: &Stack, token: &str, module: &str) -> (i64, f64) {
    let res = call(
        &s.app,
        Method::GET,
        &format!("/api/v1/entries/units/9001/years/2025/modules/{module}?per_page=500"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(res.status, 200);
    let page = res.json();
    let kg = page["items"].as_array().unwrap().iter().filter_map(|e| e["kg_co2eq"].as_f64()).sum();
    (page["total"].as_i64().unwrap(), kg)
}

async fn load(s: &Stack, token: &str, filename: &str, bytes: Vec<u8>) -> Value {
    let job = s.upload(token, "9001", filename, "replace", bytes).await;
    s.drain().await;
    s.job(token, &job).await
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn an_xlsx_workbook_loads_exactly_like_the_csv(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    let (headers, rows) = records(&demo_equipment());
    let mut book = rust_xlsxwriter::Workbook::new();
    fill(book.add_worksheet(), &headers, &rows);
    let job = load(&s, &token, "equipments.xlsx", book.save_to_buffer().unwrap()).await;
    assert_eq!((job["state"].as_str(), job["rows_ok"].as_i64()), (Some("succeeded"), Some(41)), "{job}");
    let (count, kg) = module_kg(&s, &token, "equipment").await;
    assert_eq!(count, 41);
    assert!((kg - EQUIPMENT_KG).abs() < 1e-6, "{kg}");
    crate::support::assert_matches_oracle(&s.entries(&token, "9001").await);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_workbook_with_a_sheet_per_type_loads_every_sheet_as_its_type(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    let (headers, rows) = records(&demo_equipment());
    let category = headers.iter().position(|h| h == "equipment_category").unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    for ty in ["scientific", "it", "other"] {
        let of_type: Vec<Vec<String>> = rows.iter().filter(|r| r[category] == ty).cloned().collect();
        let sheet = book.add_worksheet().set_name(ty).unwrap();
        fill(sheet, &headers, &of_type);
    }
    let job = load(&s, &token, "equipment-by-type.xlsx", book.save_to_buffer().unwrap()).await;
    assert_eq!((job["state"].as_str(), job["rows_ok"].as_i64()), (Some("succeeded"), Some(41)), "{job}");
    let (_, kg) = module_kg(&s, &token, "equipment").await;
    assert!((kg - EQUIPMENT_KG).abs() < 1e-6, "{kg}");

    // A broken sheet refuses the whole workbook, naming the sheet; nothing stored changes.
    let mut bad = rust_xlsxwriter::Workbook::new();
    fill(bad.add_worksheet().set_name("scientific").unwrap(), &headers, &rows[..1]);
    fill(bad.add_worksheet().set_name("it").unwrap(), &["name".to_owned()], &[vec!["x".to_owned()]]);
    let job = load(&s, &token, "bad.xlsx", bad.save_to_buffer().unwrap()).await;
    assert_eq!(job["state"], "failed", "{job}");
    let failure = job["failure"].as_str().unwrap();
    assert!(failure.contains("sheet 'it'") && failure.contains("missing required column"), "{failure}");
    assert_eq!(module_kg(&s, &token, "equipment").await.0, 41);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn semicolon_windows_1252_and_utf16_files_load_like_utf8(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    let text = String::from_utf8(demo_equipment()).unwrap();
    // Semicolons (quoting any field holding one), CRLF, Windows-1252 with an accented name.
    let (headers, rows) = records(text.as_bytes());
    let mut semi = csv::WriterBuilder::new().delimiter(b';').terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    semi.write_record(&headers).unwrap();
    for mut r in rows.clone() {
        if r[1] == "SCI-0001" {
            r[2] = "Ultracentrifugeuse réfrigérée".into();
        }
        semi.write_record(&r).unwrap();
    }
    let semi = String::from_utf8(semi.into_inner().unwrap()).unwrap();
    let (cp1252, _, lossy) = encoding_rs::WINDOWS_1252.encode(&semi);
    assert!(!lossy);
    let job = load(&s, &token, "latin1.csv", cp1252.into_owned()).await;
    assert_eq!((job["state"].as_str(), job["rows_ok"].as_i64()), (Some("succeeded"), Some(41)), "{job}");
    let (_, kg) = module_kg(&s, &token, "equipment").await;
    assert!((kg - EQUIPMENT_KG).abs() < 1e-6);
    let name: String =
        sqlx::query_scalar("select data->>'name' from data_entry where data->>'equipment_id' = 'SCI-0001'")
            .fetch_one(&s.pool)
            .await
            .unwrap();
    assert_eq!(name, "Ultracentrifugeuse réfrigérée", "transcoded, not mojibake");

    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let job = load(&s, &token, "utf16.csv", utf16).await;
    assert_eq!((job["state"].as_str(), job["rows_ok"].as_i64()), (Some("succeeded"), Some(41)), "{job}");
    assert_eq!(module_kg(&s, &token, "equipment").await.0, 41, "a replace of the same rows");
}

async fn result_of(s: &Stack, key: &str) -> Value {
    let bytes = s.local.get(&format!("{key}.result.json")).await.unwrap_or_else(|e| panic!("{key}: {e}"));
    serde_json::from_slice(&bytes).unwrap()
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn every_dropped_file_gets_a_result_file_next_to_it(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    // A good file with one bad row.
    let mut text = String::from_utf8(demo_equipment()).unwrap();
    text.push_str("9001,BAD-1,Bad,Centrifugation,,200,0,,,scientific\n");
    let key = "dropbox/9001/2025/equipment.csv";
    s.local.put(key, text.into_bytes().into(), "text/csv").await.unwrap();
    s.drain().await;
    let r = result_of(&s, key).await;
    assert_eq!(
        (r["state"].as_str(), r["rows_ok"].as_i64(), r["rows_failed"].as_i64()),
        (Some("succeeded"), Some(41), Some(1))
    );
    let report = r["error_report_key"].as_str().unwrap();
    let errors = String::from_utf8(s.local.get(report).await.unwrap().to_vec()).unwrap();
    assert!(errors.contains("active_usage_hours_per_week"), "{errors}");

    // A file refused whole: the job fails and says why.
    let key = "dropbox/9001/2025/headcount/member.csv";
    s.local.put(key, b"name,fte\nAda,1\n".to_vec().into(), "text/csv").await.unwrap();
    s.drain().await;
    let r = result_of(&s, key).await;
    assert_eq!(r["state"], "failed");
    assert!(r["failure"].as_str().unwrap().contains("missing required column"), "{r}");

    // A path naming no unit, year or module: refused before any job.
    for key in ["dropbox/nowhere/2025/equipment.csv", "dropbox/9001/1999/equipment.csv", "dropbox/9001/2025/cars.csv"] {
        s.local.put(key, demo_equipment().into(), "text/csv").await.unwrap();
        s.drain().await;
        let r = result_of(&s, key).await;
        assert_eq!((r["state"].as_str(), r["job_id"].as_str()), (Some("refused"), None), "{key}: {r}");
        assert!(!r["failure"].as_str().unwrap().is_empty());
    }
    let entries: i64 = sqlx::query_scalar("select count(*) from data_entry").fetch_one(&s.pool).await.unwrap();
    assert_eq!(entries, 41, "only the good file's rows");
}
