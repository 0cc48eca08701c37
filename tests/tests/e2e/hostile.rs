//! A corpus of hostile files through the real upload path: each one is refused whole with a
//! reason, or its bad rows are reported (row, column, code) — never a 5xx — and what was stored
//! before is never lost. Formula-looking, markup and SQL text is stored as text.

use crate::support::{Stack, demo_equipment};
use co2_testkit::call;
use http::Method;
use serde_json::{Value, json};
use sqlx::PgPool;
use std::io::Write;

const HEADER: &str = "equipment_id,name,equipment_class,sub_class,active_usage_hours_per_week,standby_usage_hours_per_week,kg_co2eq,equipment_category";

/// What a file must lead to.
enum Expect {
    /// The whole file is refused: the job fails with a reason containing this text.
    Refused(&'static str),
    /// The file loads; one row is reported with this error code (and column when given).
    RowError(&'static str, Option<&'static str>),
    /// The file loads and its one row keeps this exact name (stored as text).
    StoredName(String),
}

fn row(name: &str, active: &str, standby: &str, kg: &str, category: &str) -> String {
    let name = format!("\"{}\"", name.replace('"', "\"\""));
    format!("H-1,{name},Centrifugation,,{active},{standby},{kg},{category}")
}

fn csv(rows: &[String]) -> Vec<u8> {
    let mut text = format!("{HEADER}\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    text.into_bytes()
}

/// A valid row followed by `bad`: the valid row loads and `bad` is reported.
fn one_bad(bad: String) -> Vec<u8> {
    csv(&[row("Good", "10", "10", "", "scientific"), bad])
}

/// An XLSX whose one part declares `expanded` bytes of zeros (a zip bomb).
fn zip_bomb(expanded: usize) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(expanded > u32::MAX as usize);
    zip.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..expanded / chunk.len() {
        zip.write_all(&chunk).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn corpus() -> Vec<(&'static str, Vec<u8>, Expect)> {
    use Expect::*;
    let long = "x".repeat(10_001);
    let mut utf16_no_bom = Vec::new();
    for u in String::from_utf8(csv(&[row("A", "1", "1", "", "it")])).unwrap().encode_utf16() {
        utf16_no_bom.extend(u.to_le_bytes());
    }
    let mut all_bytes: Vec<u8> = (0u8..=255).collect();
    all_bytes.extend((0u8..=255).rev());
    let mut truncated_xlsx = {
        let mut book = rust_xlsxwriter::Workbook::new();
        book.add_worksheet().write_string(0, 0, "name").unwrap();
        book.save_to_buffer().unwrap()
    };
    truncated_xlsx.truncate(truncated_xlsx.len() / 2);
    let other_unit = format!(
        "unit_institutional_id,{HEADER}\n9001,{}\n9002,{}\n",
        row("Good", "1", "1", "", "it"),
        row("B", "1", "1", "", "it")
    )
    .into_bytes();
    let text_cases = [
        "=cmd|' /C calc'!A0",
        "+SUM(1,2)",
        "-2+3",
        "@SUM(A1)",
        "'); drop table data_entry; --",
        "<script>alert(1)</script>",
        "Zürich – 5 € ✓ 🧪",
        "a \"quoted\" name",
    ];
    let mut files: Vec<(&'static str, Vec<u8>, Expect)> = vec![
        ("empty.csv", Vec::new(), Refused("empty")),
        ("bom-only.csv", b"\xEF\xBB\xBF".to_vec(), Refused("empty")),
        ("header-only.csv", csv(&[]), Refused("no data rows")),
        ("blank-lines.csv", format!("{HEADER}\n\n\n,,,,,,,\n").into_bytes(), Refused("no valid row")),
        ("missing-column.csv", b"name,equipment_class\nx,y\n".to_vec(), Refused("missing required column")),
        ("duplicated-column.csv", format!("{HEADER},name\nA,b,c,,1,1,,it,d\n").into_bytes(), Refused("duplicated")),
        (
            "10k-columns.csv",
            (0..10_000).map(|i| format!("c{i}")).collect::<Vec<_>>().join(",").into_bytes(),
            Refused("missing required column"),
        ),
        ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00".to_vec(), Refused("not text")),
        (
            "document.csv",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00".to_vec(),
            Refused("not text"),
        ),
        ("utf16-no-bom.csv", utf16_no_bom, Refused("not text")),
        (
            "bad-utf8-after-bom.csv",
            [b"\xEF\xBB\xBF".as_slice(), HEADER.as_bytes(), b"\nH-1,Caf\xC3\x28,X,,1,1,,it\n"].concat(),
            Refused("not valid UTF-8"),
        ),
        ("odd-utf16.csv", b"\xFF\xFEa\x00b".to_vec(), Refused("UTF-16LE")),
        ("all-bytes.csv", all_bytes, Refused("not text")),
        ("escape-codes.csv", format!("{HEADER}\n\x1b[2J\x1b[31m,red,x,,1,1,,it\n").into_bytes(), Refused("not text")),
        ("truncated.xlsx", truncated_xlsx, Refused("not a valid XLSX")),
        ("csv-named.xlsx", csv(&[row("A", "1", "1", "", "it")]), Refused("not a valid XLSX")),
        ("bomb.xlsx", zip_bomb(80 << 20), Refused("expands to")),
        (
            "nan.csv",
            one_bad(row("A", "NaN", "1", "", "it")),
            RowError("invalid_integer", Some("active_usage_hours_per_week")),
        ),
        (
            "inf.csv",
            one_bad(row("A", "inf", "1", "", "it")),
            RowError("invalid_integer", Some("active_usage_hours_per_week")),
        ),
        (
            "overflow.csv",
            one_bad(row("A", "1e400", "1", "", "it")),
            RowError("invalid_integer", Some("active_usage_hours_per_week")),
        ),
        (
            "hex.csv",
            one_bad(row("A", "0x10", "1", "", "it")),
            RowError("invalid_integer", Some("active_usage_hours_per_week")),
        ),
        (
            "negative-hours.csv",
            one_bad(row("A", "-5", "1", "", "it")),
            RowError("out_of_range", Some("active_usage_hours_per_week")),
        ),
        ("over-168.csv", one_bad(row("A", "100", "100", "", "it")), RowError("hours_exceed_week", None)),
        ("negative-kg.csv", one_bad(row("A", "1", "1", "-3", "it")), RowError("out_of_range", Some("kg_co2eq"))),
        ("nan-kg.csv", one_bad(row("A", "1", "1", "NaN", "it")), RowError("invalid_number", Some("kg_co2eq"))),
        ("huge-field.csv", one_bad(row(&long, "1", "1", "", "it")), RowError("too_long", Some("name"))),
        ("nul-byte.csv", one_bad(row("A\0B", "1", "1", "", "it")), RowError("nul_byte", Some("name"))),
        ("ragged.csv", one_bad("H-2,only,three".into()), RowError("wrong_field_count", None)),
        (
            "unterminated-quote.csv",
            one_bad("H-2,\"never closed,x,,1,1,,it".into()),
            RowError("wrong_field_count", None),
        ),
        ("other-unit.csv", other_unit, RowError("unit_mismatch", Some("unit_institutional_id"))),
        (
            "unknown-category.csv",
            one_bad(row("A", "1", "1", "", "laser")),
            RowError("invalid_choice", Some("equipment_category")),
        ),
        (
            "homoglyph-category.csv",
            one_bad(row("A", "1", "1", "", "sci\u{435}ntific")),
            RowError("invalid_choice", Some("equipment_category")),
        ),
        ("blank-name.csv", one_bad(row("   ", "1", "1", "", "it")), RowError("required", Some("name"))),
        (
            "decimal-hours.csv",
            one_bad(row("A", "1.5", "1", "", "it")),
            RowError("invalid_integer", Some("active_usage_hours_per_week")),
        ),
    ];
    for name in text_cases {
        files.push(("text.csv", csv(&[row(name, "1", "1", "", "it")]), StoredName(name.to_owned())));
    }
    // Old Mac line endings (CR only) and a semicolon file with formulas: read, stored as text.
    files.push((
        "cr-only.csv",
        String::from_utf8(csv(&[row("=1+1", "1", "1", "", "it")])).unwrap().replace('\n', "\r").into_bytes(),
        StoredName("=1+1".into()),
    ));
    files
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn hostile_files_are_refused_or_row_reported_and_lose_nothing(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    s.upload(&token, "9001", "good.csv", "append", demo_equipment()).await;
    s.drain().await;
    let stored = || async {
        sqlx::query_as::<_, (String, f64)>(
            "select d.data_entry_id::text, coalesce(sum(e.kg_co2eq), -1) from data_entry d
             left join emission e using (data_entry_id) where d.source_row is not null and d.upload_id =
               (select upload_id from upload order by created_at limit 1)
             group by 1 order by 1",
        )
        .fetch_all(&s.pool)
        .await
        .unwrap()
    };
    let before = stored().await;
    assert_eq!(before.len(), 41);

    let files = corpus();
    assert!(files.len() >= 40, "{} files", files.len());
    for (name, bytes, expect) in files {
        let job_id = s.upload(&token, "9001", name, "append", bytes).await;
        s.drain().await;
        let job: Value = s.job(&token, &job_id).await;
        match &expect {
            Expect::Refused(reason) => {
                assert_eq!(job["state"], "failed", "{name}: {job}");
                let failure = job["failure"].as_str().unwrap_or_default();
                assert!(failure.contains(reason), "{name}: '{failure}' lacks '{reason}'");
                assert_eq!(job["rows_ok"], 0, "{name}");
            }
            Expect::RowError(code, column) => {
                let errors = job["errors"].as_array().unwrap();
                let hit = errors.iter().find(|e| e["code"] == *code).unwrap_or_else(|| panic!("{name}: {job}"));
                assert_eq!(hit["row"], 3, "{name}: the bad row is the third record");
                if let Some(column) = column {
                    assert_eq!(hit["column"], *column, "{name}");
                }
                assert_eq!((job["state"].as_str(), job["rows_ok"].as_i64()), (Some("succeeded"), Some(1)), "{name}");
            }
            Expect::StoredName(text) => {
                assert_eq!(job["state"], "succeeded", "{name}: {job}");
                let got: String = sqlx::query_scalar(
                    "select d.data->>'name' from data_entry d join upload u using (upload_id) where u.job_id = $1::uuid",
                )
                .bind(&job_id)
                .fetch_one(&s.pool)
                .await
                .unwrap();
                assert_eq!(&got, text, "{name}: stored exactly, as text");
            }
        }
        assert_eq!(stored().await, before, "{name}: the rows stored before are intact");
    }

    // Above the size limit: refused at the PUT with 413, before the body is read whole.
    let res = call(
        &s.app,
        Method::POST,
        "/api/v1/uploads",
        Some(&token),
        Some(json!({"unit": "9001", "year": 2025, "module": "equipment", "filename": "huge.csv", "mode": "append"})),
    )
    .await;
    assert_eq!(res.status, 201);
    let put = co2_testkit::put_link(&s.app, res.json()["put_url"].as_str().unwrap(), vec![b'a'; 9 << 20]).await;
    assert_eq!(put.status, 413);
    // A name built to escape its prefix or inject headers is metadata only.
    for filename in ["../../../etc/passwd.csv", "a\r\nX-Injected: 1.csv", "..\\..\\x.csv"] {
        let res = call(
            &s.app,
            Method::POST,
            "/api/v1/uploads",
            Some(&token),
            Some(json!({"unit": "9001", "year": 2025, "module": "equipment", "filename": filename, "mode": "append"})),
        )
        .await;
        assert_eq!(res.status, 201, "{filename}");
        let url = res.json()["put_url"].as_str().unwrap().to_owned();
        assert!(!url.contains("..") && !url.contains('\r') && !url.contains('\n'), "{url}");
    }
}
