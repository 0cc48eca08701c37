//! The tables a file holds: a header and records numbered by physical row (header = 1), read
//! from CSV (any accepted encoding, `,` `;` or tab delimited) or from XLSX (every sheet; the
//! caller picks). Limits are enforced while reading: a file with too many rows, or a workbook
//! that would inflate beyond its budget (a zip bomb), is refused before it is expanded.

use crate::decode;
use crate::file::FileRefused;
use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;

/// One record: its physical row and its fields, or why it cannot be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub row: u64,
    pub fields: Result<Vec<String>, String>,
}

/// A header and its records.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    /// The worksheet name (XLSX only).
    pub name: Option<String>,
    /// Header cells as written (the caller normalises them).
    pub headers: Vec<String>,
    pub records: Vec<Record>,
}

/// Reading limits (configurable per deployment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Data records per file (all sheets together).
    pub max_rows: usize,
    /// Σ of the uncompressed sizes of an XLSX's parts.
    pub max_xlsx_expanded_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_rows: 1_000_000, max_xlsx_expanded_bytes: 512 * 1024 * 1024 }
    }
}

fn too_many_rows(limits: &Limits) -> FileRefused {
    FileRefused(format!("the file has more than {} data rows: split it into smaller files", limits.max_rows))
}

/// Whether the file is a workbook: an `.xlsx` name, or ZIP content whatever its name.
pub fn is_xlsx(name: &str, bytes: &[u8]) -> bool {
    name.to_ascii_lowercase().ends_with(".xlsx") || bytes.starts_with(b"PK\x03\x04")
}

/// The table of a CSV file.
pub fn read_csv(bytes: &[u8], limits: &Limits) -> Result<Sheet, FileRefused> {
    let (text, _) = decode::decode(bytes)?;
    // The csv crate counts lines by '\n': it dates a record that follows a CRLF at the line of
    // its '\r', and one that follows a lone CR (old Mac files) at the line before. With plain line
    // feeds every record's row is its physical line (a CR or CRLF inside a quoted field becomes LF).
    let text = if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        text
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .delimiter(decode::sniff_delimiter(text))
        .from_reader(text.as_bytes());
    let mut sheet = Sheet::default();
    let mut header_read = false;
    for result in rdr.records() {
        let record = match result {
            Ok(rec) => {
                let row = rec.position().map_or(0, |p| p.line());
                Record { row, fields: Ok(rec.iter().map(str::to_owned).collect()) }
            }
            Err(e) => {
                let row = e.position().map_or(0, |p| p.line());
                Record { row, fields: Err(format!("the record cannot be read: {e}")) }
            }
        };
        if !header_read {
            sheet.headers = record.fields.map_err(|e| FileRefused(format!("the header row cannot be read: {e}")))?;
            header_read = true;
            continue;
        }
        if sheet.records.len() == limits.max_rows {
            return Err(too_many_rows(limits));
        }
        sheet.records.push(record);
    }
    Ok(sheet)
}

/// Refuses a workbook whose parts would inflate beyond the budget, from the ZIP directory alone.
fn check_expansion(bytes: &[u8], limits: &Limits) -> Result<(), FileRefused> {
    let not_xlsx = || FileRefused("the file is not a valid XLSX workbook".into());
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    let mut expanded = 0u64;
    for i in 0..archive.len() {
        let part = archive.by_index_raw(i).map_err(|_| not_xlsx())?;
        expanded = expanded.saturating_add(part.size());
    }
    if expanded > limits.max_xlsx_expanded_bytes {
        return Err(FileRefused(format!(
            "the workbook expands to {expanded} bytes, above the limit of {} bytes",
            limits.max_xlsx_expanded_bytes
        )));
    }
    Ok(())
}

/// The text of a cell as a CSV field would hold it; a spreadsheet error is the record's error.
fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        // Display gives the shortest text that reads back the same number ("40", "0.808").
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) => d.date().format("%Y-%m-%d").to_string(),
            None => dt.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(format!("the cell holds the spreadsheet error {e}")),
    })
}

/// Every non-empty sheet of a workbook, in workbook order. Cells with formulas give their
/// computed values; formulas themselves are never read.
pub fn read_xlsx(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, FileRefused> {
    check_expansion(bytes, limits)?;
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| FileRefused(format!("the file is not a readable XLSX workbook: {e}")))?;
    let mut sheets = Vec::new();
    let mut rows_read = 0usize;
    for name in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| FileRefused(format!("the sheet '{name}' cannot be read: {e}")))?;
        let Some((first_row, _)) = range.start() else { continue };
        let mut sheet = Sheet { name: Some(name.clone()), ..Sheet::default() };
        let mut header_read = false;
        for (i, cells) in range.rows().enumerate() {
            let row = u64::from(first_row) + i as u64 + 1;
            let fields: Result<Vec<String>, String> = cells.iter().map(cell_text).collect();
            if !header_read {
                if matches!(&fields, Ok(f) if f.iter().all(|c| c.trim().is_empty())) {
                    continue;
                }
                sheet.headers = fields.map_err(|e| FileRefused(format!("sheet '{name}', header: {e}")))?;
                header_read = true;
                continue;
            }
            rows_read += 1;
            if rows_read > limits.max_rows {
                return Err(too_many_rows(limits));
            }
            sheet.records.push(Record { row, fields });
        }
        if header_read {
            sheets.push(sheet);
        }
    }
    Ok(sheets)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workbook with one sheet per (name, rows); numeric text is written as numbers.
    fn workbook(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        for (name, rows) in sheets {
            let sheet = book.add_worksheet().set_name(*name).unwrap();
            for (r, cells) in rows.iter().enumerate() {
                for (c, v) in cells.iter().enumerate() {
                    match v.parse::<f64>() {
                        Ok(n) => sheet.write_number(r as u32, c as u16, n).unwrap(),
                        Err(_) => sheet.write_string(r as u32, c as u16, *v).unwrap(),
                    };
                }
            }
        }
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn semicolon_latin1_crlf_csv_reads_like_utf8_comma_csv() {
        let sheet = read_csv(b"name;note\r\nCaf\xE9;\"a;b\"\r\n", &Limits::default()).unwrap();
        assert_eq!(sheet.headers, ["name", "note"]);
        assert_eq!(sheet.records, [Record { row: 2, fields: Ok(vec!["Café".into(), "a;b".into()]) }]);
        let sheet = read_csv(b"name,note\r\nA,\"two\r\nlines\"\r\nB,x\r\n", &Limits::default()).unwrap();
        let rows: Vec<u64> = sheet.records.iter().map(|r| r.row).collect();
        assert_eq!(rows, [2, 4], "CRLF records keep their physical rows");
    }

    #[test]
    fn a_quoted_line_break_does_not_shift_row_numbers() {
        let sheet = read_csv(b"name,note\nA,\"two\nlines\"\nB,x\n", &Limits::default()).unwrap();
        let rows: Vec<u64> = sheet.records.iter().map(|r| r.row).collect();
        assert_eq!(rows, [2, 4], "physical records: the header is 1");
    }

    #[test]
    fn the_row_limit_refuses_the_file_while_reading() {
        let limits = Limits { max_rows: 2, ..Limits::default() };
        assert!(read_csv(b"a\n1\n2\n", &limits).is_ok());
        assert!(read_csv(b"a\n1\n2\n3\n", &limits).unwrap_err().0.contains("more than 2 data rows"));
    }

    #[test]
    fn workbook_cells_read_as_csv_fields_with_their_row_numbers() {
        let bytes = workbook(&[
            ("equipment", &[&[], &["name", "active_usage_hours_per_week", "coef"], &["Laptop", "40", "0.808"]]),
            ("empty", &[]),
        ]);
        assert!(is_xlsx("upload.bin", &bytes), "recognised by content");
        let sheets = read_xlsx(&bytes, &Limits::default()).unwrap();
        assert_eq!(sheets.len(), 1, "empty sheets are skipped");
        assert_eq!(sheets[0].name.as_deref(), Some("equipment"));
        assert_eq!(sheets[0].headers, ["name", "active_usage_hours_per_week", "coef"]);
        assert_eq!(
            sheets[0].records,
            [Record { row: 3, fields: Ok(vec!["Laptop".into(), "40".into(), "0.808".into()]) }],
            "the header is on row 2 after a blank row"
        );
    }

    #[test]
    fn a_workbook_that_inflates_beyond_the_budget_is_refused_unread() {
        let big = "x".repeat(30_000);
        let bytes = workbook(&[("s", &[&["name"], &[big.as_str()]])]);
        assert!(bytes.len() < 10_000, "compresses well");
        let limits = Limits { max_xlsx_expanded_bytes: 20_000, ..Limits::default() };
        assert!(read_xlsx(&bytes, &limits).unwrap_err().0.contains("expands to"));
        assert!(read_xlsx(b"PK\x03\x04 not a zip", &Limits::default()).unwrap_err().0.contains("not a valid XLSX"));
    }
}
