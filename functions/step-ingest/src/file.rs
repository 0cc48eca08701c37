//! Reading an activity file: file-level checks (encoding, header) refuse the whole file with a
//! reason; every other problem is a row error (row, column, code, message) and the row is skipped.

use co2_api_types::RowError;
use co2_db::engine::{self, EntryRejection, ParseContext, ParsedEntry};
use co2_domain::fields::{MAX_FIELD_CHARS, RawFields};
use co2_domain::headcount::code::DUPLICATE_INSTITUTIONAL_ID;
use co2_domain::headcount::find_duplicate_institutional_ids;
use co2_domain::{EntryType, Module};
use std::collections::HashSet;

/// The rows a file yields.
#[derive(Debug, Default)]
pub struct ParsedFile {
    /// Valid rows with their physical record number (header = 1).
    pub rows: Vec<(u64, ParsedEntry)>,
    /// Every row error, in file order.
    pub errors: Vec<RowError>,
}

/// A whole-file refusal, in words a person can act on.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{0}")]
pub struct FileRefused(pub String);

fn row_error(row: u64, column: Option<&str>, code: &str, message: impl Into<String>) -> RowError {
    RowError { row, column: column.map(str::to_owned), code: code.to_owned(), message: message.into() }
}

/// Parses a CSV file of `module` for `unit` (rows naming another unit are refused). Without a
/// named entry type, the header tells it (or a routing column decides per row).
pub fn parse_csv(
    module: Module,
    entry_type: Option<EntryType>,
    unit: &str,
    bytes: &[u8],
    ctx: &ParseContext,
) -> Result<ParsedFile, FileRefused> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if std::str::from_utf8(bytes).is_err() {
        return Err(FileRefused("the file is not UTF-8 text: save it as \"CSV UTF-8\" and upload it again".into()));
    }
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|h| h.trim().to_lowercase()).collect(),
        Err(e) => return Err(FileRefused(format!("the header row cannot be read: {e}"))),
    };
    if headers.iter().all(String::is_empty) {
        return Err(FileRefused("the file is empty: it needs a header row and at least one data row".into()));
    }
    let mut seen = HashSet::new();
    let dups: Vec<&str> =
        headers.iter().filter(|h| !h.is_empty() && !seen.insert(h.as_str())).map(String::as_str).collect();
    if !dups.is_empty() {
        return Err(FileRefused(format!("duplicated column(s): {}", dups.join(", "))));
    }
    let entry_type = entry_type.or_else(|| engine::infer_entry_type(module, &headers));
    let missing: Vec<&str> =
        engine::required_columns(module, entry_type).into_iter().filter(|c| !headers.iter().any(|h| h == c)).collect();
    if !missing.is_empty() {
        return Err(FileRefused(format!("missing required column(s): {}", missing.join(", "))));
    }

    let mut out = ParsedFile::default();
    let mut records = 0usize;
    for result in rdr.records() {
        records += 1;
        let rec = match result {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                out.errors.push(row_error(line, None, "unreadable_record", format!("the record cannot be read: {e}")));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if rec.len() != headers.len() {
            out.errors.push(row_error(
                line,
                None,
                "wrong_field_count",
                format!("the record has {} fields, the header {}", rec.len(), headers.len()),
            ));
            continue;
        }
        if let Some((i, _)) = rec.iter().enumerate().find(|(_, f)| f.contains('\0')) {
            out.errors.push(row_error(line, Some(&headers[i]), "nul_byte", "the field contains a NUL byte"));
            continue;
        }
        if let Some((i, _)) = rec.iter().enumerate().find(|(_, f)| f.chars().count() > MAX_FIELD_CHARS) {
            out.errors.push(row_error(
                line,
                Some(&headers[i]),
                "too_long",
                format!("the field is longer than {MAX_FIELD_CHARS} characters"),
            ));
            continue;
        }
        let raw: RawFields =
            headers.iter().cloned().zip(rec.iter().map(str::to_owned)).filter(|(h, _)| !h.is_empty()).collect();
        if let Some(row_unit) = raw.get("unit_institutional_id").map(|u| u.trim()).filter(|u| !u.is_empty())
            && row_unit != unit
        {
            out.errors.push(row_error(
                line,
                Some("unit_institutional_id"),
                "unit_mismatch",
                format!("the row is for unit {row_unit}, the upload for unit {unit}"),
            ));
            continue;
        }
        match engine::parse_entry(module, entry_type, &raw, ctx) {
            Ok(entry) => out.rows.push((line, entry)),
            Err(EntryRejection::Fields(f)) => {
                out.errors.extend(f.0.iter().map(|e| row_error(line, Some(&e.field), e.code, e.message.clone())));
            }
            Err(EntryRejection::UnknownEntryType(t)) => {
                out.errors.push(row_error(
                    line,
                    None,
                    "invalid_entry_type",
                    format!("'{t}' is not a type of this module"),
                ));
            }
            Err(EntryRejection::UnsupportedModule(m)) => {
                return Err(FileRefused(format!("files for {} are not accepted yet", m.key())));
            }
        }
    }
    if records == 0 {
        return Err(FileRefused("the file has a header but no data rows".into()));
    }
    refuse_duplicate_members(&mut out, &ctx.stored_member_ids);
    Ok(out)
}

/// DOMAIN §9 D7, §12: a person id already stored in the module, or seen on an earlier row of the
/// file, makes the (later) row an error.
fn refuse_duplicate_members(out: &mut ParsedFile, stored: &[String]) {
    let ids: Vec<(u64, String)> = out
        .rows
        .iter()
        .filter(|(_, e)| e.entry_type == EntryType::Member)
        .filter_map(|(n, e)| e.data["user_institutional_id"].as_str().map(|id| (*n, id.to_owned())))
        .collect();
    if ids.is_empty() {
        return;
    }
    let all = stored.iter().map(|id| (0, id.as_str())).chain(ids.iter().map(|(n, id)| (*n, id.as_str())));
    let duplicates = find_duplicate_institutional_ids(all);
    for d in &duplicates {
        let message = if d.first_row == 0 {
            format!("'{}' is already in this headcount module", d.user_institutional_id)
        } else {
            format!("'{}' already appears on row {}", d.user_institutional_id, d.first_row)
        };
        out.errors.push(row_error(d.row, Some("user_institutional_id"), DUPLICATE_INSTITUTIONAL_ID, message));
    }
    let refused: HashSet<u64> = duplicates.iter().map(|d| d.row).collect();
    out.rows.retain(|(n, e)| e.entry_type != EntryType::Member || !refused.contains(n));
    out.errors.sort_by_key(|e| e.row);
}

/// Neutralises text a spreadsheet would run as a formula.
pub fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() }
}

/// The error report as CSV (row, column, code, message), safe to open in a spreadsheet.
pub fn error_report(errors: &[RowError]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["row", "column", "code", "message"]);
    for e in errors {
        let _ = w.write_record([
            e.row.to_string(),
            spreadsheet_safe(e.column.as_deref().unwrap_or("")),
            spreadsheet_safe(&e.code),
            spreadsheet_safe(&e.message),
        ]);
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "unit_institutional_id,equipment_id,name,equipment_class,sub_class,active_usage_hours_per_week,standby_usage_hours_per_week,note,kg_co2eq,equipment_category\n";

    #[test]
    fn valid_rows_are_kept_and_invalid_ones_reported_with_row_and_column() {
        let csv = format!(
            "{HEADER}9001,A,a,Centrifugation,,40,128,,,scientific\n9001,B,b,X,,200,0,,,it\n9001,C,c,X,,1,1,,,laser\n"
        );
        let f = parse_csv(Module::Equipment, None, "9001", csv.as_bytes(), &ParseContext::default()).unwrap();
        assert_eq!(f.rows.len(), 1);
        assert_eq!(f.rows[0].0, 2);
        assert_eq!(f.errors.len(), 2);
        assert_eq!(
            (f.errors[0].row, f.errors[0].column.as_deref(), f.errors[0].code.as_str()),
            (3, Some("active_usage_hours_per_week"), "out_of_range")
        );
        assert_eq!((f.errors[1].row, f.errors[1].code.as_str()), (4, "invalid_choice"));
    }

    #[test]
    fn a_bom_and_crlf_are_accepted() {
        let csv = format!("\u{feff}{}", format!("{HEADER}9001,A,a,C,,,,,,other\n").replace('\n', "\r\n"));
        let f = parse_csv(Module::Equipment, None, "9001", csv.as_bytes(), &ParseContext::default()).unwrap();
        assert_eq!(f.rows.len(), 1);
        assert!(f.errors.is_empty());
    }

    #[test]
    fn whole_file_problems_refuse_the_file() {
        let refused =
            |bytes: &[u8]| parse_csv(Module::Equipment, None, "9001", bytes, &ParseContext::default()).unwrap_err().0;
        assert!(refused(b"").contains("empty"));
        assert!(refused(HEADER.as_bytes()).contains("no data rows"));
        assert!(refused(b"name,equipment_class\nx,y\n").contains("equipment_id"));
        assert!(refused(b"name,name,equipment_id,equipment_class,equipment_category\n").contains("duplicated"));
        assert!(refused(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe").contains("not UTF-8"));
    }

    #[test]
    fn rows_of_another_unit_and_ragged_records_are_row_errors() {
        let csv = format!("{HEADER}9002,A,a,C,,,,,,other\n9001,B,b\n");
        let f = parse_csv(Module::Equipment, None, "9001", csv.as_bytes(), &ParseContext::default()).unwrap();
        let codes: Vec<_> = f.errors.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["unit_mismatch", "wrong_field_count"]);
    }

    #[test]
    fn the_error_report_neutralises_formulas() {
        let report = error_report(&[row_error(2, Some("=cmd|' /C calc'!A0"), "x", "@SUM(1)")]);
        let text = String::from_utf8(report).unwrap();
        assert!(text.contains("'=cmd"));
        assert!(text.contains("'@SUM(1)"));
    }
}
