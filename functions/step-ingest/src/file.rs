//! Reading an activity file: file-level checks (encoding, header, limits) refuse the whole file
//! with a reason; every other problem is a row error (row, column, code, message, and the sheet of
//! a workbook) and the row is skipped.

use crate::table::{self, Limits, Sheet};
use co2_api_types::RowError;
use co2_db::engine::{self, EntryRejection, ParseContext, ParsedEntry};
use co2_domain::fields::{MAX_FIELD_CHARS, RawFields};
use co2_domain::headcount::code::DUPLICATE_INSTITUTIONAL_ID;
use co2_domain::headcount::find_duplicate_institutional_ids;
use co2_domain::spreadsheet::spreadsheet_safe;
use co2_domain::{EntryType, Module};
use std::collections::HashSet;

/// A valid row of a file.
#[derive(Debug)]
pub struct FileRow {
    /// Physical record number (header = 1).
    pub line: u64,
    /// The unit the row names (`unit_institutional_id`), if any.
    pub unit: Option<String>,
    pub entry: ParsedEntry,
}

/// The rows a file yields.
#[derive(Debug, Default)]
pub struct ParsedFile {
    /// Valid rows, in file order.
    pub rows: Vec<FileRow>,
    /// Every row error, in file order.
    pub errors: Vec<RowError>,
}

/// A keyed feed's file (the travel agency's export, DOMAIN §9 D5): every row carries a
/// `ticket` and a `segment` and departs within the period, and (ticket, segment, departure date)
/// is the trip's stable key, unique in the file.
#[derive(Debug, Clone)]
pub struct KeyedFeed {
    /// First and last day the export covers, ISO (`YYYY-MM-DD`, so they compare as text).
    pub from: String,
    pub to: String,
}

/// The columns a keyed feed's rows carry besides their entry type's.
pub const KEY_COLUMNS: [&str; 3] = ["ticket", "segment", "departure_date"];

/// A whole-file refusal, in words a person can act on.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{0}")]
pub struct FileRefused(pub String);

/// A row error without a sheet.
pub fn row_error(row: u64, column: Option<&str>, code: &str, message: impl Into<String>) -> RowError {
    RowError { row, column: column.map(str::to_owned), code: code.to_owned(), message: message.into(), sheet: None }
}

/// Parses a stored file of `module` for `unit`: a CSV, or an XLSX workbook (`name` or the
/// content tells). Rows naming another unit are refused; without `unit` (a year-wide file) every
/// row must name its unit. Without a named entry type, the header tells it (or a routing column
/// decides per row); a workbook may carry one sheet per type. A keyed feed's rows also carry
/// their key ([`KeyedFeed`]).
#[allow(clippy::too_many_arguments)]
pub fn parse_file(
    module: Module,
    entry_type: Option<EntryType>,
    unit: Option<&str>,
    keyed: Option<&KeyedFeed>,
    name: &str,
    bytes: &[u8],
    ctx: &ParseContext,
    limits: &Limits,
) -> Result<ParsedFile, FileRefused> {
    let mut out = ParsedFile::default();
    let read = Read { module, unit, keyed, ctx };
    if table::is_xlsx(name, bytes) {
        let sheets = table::read_xlsx(bytes, limits)?;
        for (det, sheet) in pick_sheets(module, entry_type, sheets)? {
            parse_sheet(&read, det, &sheet, &mut out)?;
        }
    } else {
        let sheet = table::read_csv(bytes, limits)?;
        parse_sheet(&read, entry_type, &sheet, &mut out)?;
    }
    refuse_duplicate_members(&mut out, &ctx.stored_member_ids);
    refuse_duplicate_keys(&mut out);
    Ok(out)
}

/// What every table of a file is read with.
struct Read<'a> {
    module: Module,
    unit: Option<&'a str>,
    keyed: Option<&'a KeyedFeed>,
    ctx: &'a ParseContext,
}

/// The sheets of a workbook to load, each with its entry type: with a type named by the upload,
/// the first sheet; otherwise the sheets named after the module's types (a sheet per type), or
/// the first sheet when none is.
fn pick_sheets(
    module: Module,
    entry_type: Option<EntryType>,
    sheets: Vec<Sheet>,
) -> Result<Vec<(Option<EntryType>, Sheet)>, FileRefused> {
    if sheets.is_empty() {
        return Err(FileRefused("the workbook is empty: it needs a header row and at least one data row".into()));
    }
    let typed: Vec<(Option<EntryType>, Sheet)> = if entry_type.is_some() {
        Vec::new()
    } else {
        sheets
            .iter()
            .filter_map(|s| Some((Some(EntryType::parse_in(module, s.name.as_deref()?)?), s.clone())))
            .collect()
    };
    if typed.is_empty() {
        let first = sheets.into_iter().next().map(|s| (entry_type, s));
        Ok(first.into_iter().collect())
    } else {
        Ok(typed)
    }
}

/// Checks a table's header (whole-table refusals) and turns its records into rows and row errors.
fn parse_sheet(
    read: &Read,
    entry_type: Option<EntryType>,
    sheet: &Sheet,
    out: &mut ParsedFile,
) -> Result<(), FileRefused> {
    let Read { module, unit, keyed, ctx } = *read;
    let place = sheet.name.as_ref().map(|n| format!("sheet '{n}': ")).unwrap_or_default();
    let refuse = |reason: String| FileRefused(format!("{place}{reason}"));
    let headers: Vec<String> = sheet.headers.iter().map(|h| h.trim().to_lowercase()).collect();
    if headers.iter().all(String::is_empty) {
        return Err(refuse("the file is empty: it needs a header row and at least one data row".into()));
    }
    let mut seen = HashSet::new();
    let dups: Vec<&str> =
        headers.iter().filter(|h| !h.is_empty() && !seen.insert(h.as_str())).map(String::as_str).collect();
    if !dups.is_empty() {
        return Err(refuse(format!("duplicated column(s): {}", dups.join(", "))));
    }
    let entry_type = entry_type.or_else(|| engine::infer_entry_type(module, &headers));
    let mut required = engine::required_columns(module, entry_type);
    if unit.is_none() {
        required.insert(0, "unit_institutional_id");
    }
    if keyed.is_some() {
        for column in KEY_COLUMNS {
            if !required.contains(&column) {
                required.push(column);
            }
        }
    }
    let missing: Vec<&str> = required.into_iter().filter(|c| !headers.iter().any(|h| h == c)).collect();
    if !missing.is_empty() {
        return Err(refuse(format!("missing required column(s): {}", missing.join(", "))));
    }
    if sheet.records.is_empty() {
        return Err(refuse("the file has a header but no data rows".into()));
    }

    let table = Table { module, entry_type, unit, keyed, headers: &headers, sheet: sheet.name.as_deref(), ctx };
    // Records are independent: a large table is read by several threads, each a contiguous run
    // of records, and the results are joined in file order.
    let workers = std::thread::available_parallelism().map_or(1, usize::from).min(MAX_PARSE_THREADS);
    let per_worker = sheet.records.len().div_ceil(workers).max(RECORDS_PER_THREAD);
    let parts: Vec<Result<ParsedFile, FileRefused>> = if sheet.records.len() <= per_worker {
        vec![table.parse_records(&sheet.records)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> =
                sheet.records.chunks(per_worker).map(|part| scope.spawn(|| table.parse_records(part))).collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err(FileRefused("the file could not be read".into()))))
                .collect()
        })
    };
    for part in parts {
        let part = part.map_err(|e| refuse(e.0))?;
        out.rows.extend(part.rows);
        out.errors.extend(part.errors);
    }
    Ok(())
}

/// Threads that read one large table at most.
const MAX_PARSE_THREADS: usize = 4;
/// Below this many records per thread, one thread reads the whole table.
const RECORDS_PER_THREAD: usize = 10_000;

/// What reading a table's records needs once its header is checked.
struct Table<'a> {
    module: Module,
    entry_type: Option<EntryType>,
    unit: Option<&'a str>,
    keyed: Option<&'a KeyedFeed>,
    headers: &'a [String],
    sheet: Option<&'a str>,
    ctx: &'a ParseContext,
}

impl Table<'_> {
    /// Turns records into rows and row errors; `Err` for a module whose files are not accepted.
    fn parse_records(&self, records: &[table::Record]) -> Result<ParsedFile, FileRefused> {
        let (headers, unit) = (self.headers, self.unit);
        let mut out = ParsedFile::default();
        let mut error = |row: u64, column: Option<&str>, code: &str, message: String| {
            let mut e = row_error(row, column, code, message);
            e.sheet = self.sheet.map(str::to_owned);
            out.errors.push(e);
        };
        let mut rows = Vec::with_capacity(records.len());
        for rec in records {
            let line = rec.row;
            let fields = match &rec.fields {
                Ok(f) => f,
                Err(reason) => {
                    error(line, None, "unreadable_record", reason.clone());
                    continue;
                }
            };
            if fields.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            // A workbook row stops at its last filled cell; only CSV records can be ragged.
            let ragged =
                if self.sheet.is_some() { fields.len() > headers.len() } else { fields.len() != headers.len() };
            if ragged {
                error(
                    line,
                    None,
                    "wrong_field_count",
                    format!("the record has {} fields, the header {}", fields.len(), headers.len()),
                );
                continue;
            }
            if let Some((i, _)) = fields.iter().enumerate().find(|(_, f)| f.contains('\0')) {
                error(line, Some(headers[i].as_str()), "nul_byte", "the field contains a NUL byte".into());
                continue;
            }
            if let Some((i, _)) = fields.iter().enumerate().find(|(_, f)| f.chars().count() > MAX_FIELD_CHARS) {
                error(
                    line,
                    Some(headers[i].as_str()),
                    "too_long",
                    format!("the field is longer than {MAX_FIELD_CHARS} characters"),
                );
                continue;
            }
            let raw: RawFields =
                headers.iter().cloned().zip(fields.iter().cloned()).filter(|(h, _)| !h.is_empty()).collect();
            let row_unit = raw.get("unit_institutional_id").map(|u| u.trim().to_owned()).filter(|u| !u.is_empty());
            match (unit, row_unit.as_deref()) {
                (Some(unit), Some(row_unit)) if row_unit != unit => {
                    error(
                        line,
                        Some("unit_institutional_id"),
                        "unit_mismatch",
                        format!("the row is for unit {row_unit}, the upload for unit {unit}"),
                    );
                    continue;
                }
                (None, None) => {
                    error(
                        line,
                        Some("unit_institutional_id"),
                        "required",
                        "a year-wide file names each row's unit".into(),
                    );
                    continue;
                }
                _ => {}
            }
            match engine::parse_entry(self.module, self.entry_type, &raw, self.ctx) {
                Ok(mut entry) => match self.keyed.map(|feed| trip_key(feed, &raw, &entry)) {
                    Some(Err((column, code, message))) => error(line, Some(column), code, message),
                    Some(Ok(key)) => {
                        entry.source_key = Some(key);
                        rows.push(FileRow { line, unit: row_unit, entry });
                    }
                    None => rows.push(FileRow { line, unit: row_unit, entry }),
                },
                Err(EntryRejection::Fields(f)) => {
                    for e in &f.0 {
                        error(line, Some(e.field.as_str()), e.code, e.message.clone());
                    }
                }
                Err(EntryRejection::UnknownEntryType(t)) => {
                    error(line, None, "invalid_entry_type", format!("'{t}' is not a type of this module"));
                }
                Err(EntryRejection::UnsupportedModule(m)) => {
                    return Err(FileRefused(format!("files for {} are not accepted yet", m.key())));
                }
            }
        }
        out.rows = rows;
        Ok(out)
    }
}

/// The stable key of a keyed feed's row: `ticket/segment/departure date`; or the row's error
/// (column, code, message) when a part is blank or the trip departs outside the period.
fn trip_key(
    feed: &KeyedFeed,
    raw: &RawFields,
    entry: &ParsedEntry,
) -> Result<String, (&'static str, &'static str, String)> {
    let part = |column: &'static str| {
        raw.get(column).map(|v| v.trim()).filter(|v| !v.is_empty()).ok_or((
            column,
            "required",
            format!("an agency trip needs its {column}"),
        ))
    };
    let (ticket, segment) = (part("ticket")?, part("segment")?);
    let date = entry.data["departure_date"].as_str().ok_or((
        "departure_date",
        "required",
        "an agency trip needs its departure date".to_owned(),
    ))?;
    if date < feed.from.as_str() || date > feed.to.as_str() {
        return Err((
            "departure_date",
            "outside_period",
            format!("the trip departs on {date}, outside the export's period {} to {}", feed.from, feed.to),
        ));
    }
    Ok(format!("{ticket}/{segment}/{date}"))
}

/// DOMAIN §9 D5: a trip key seen on an earlier row of the file makes the later row an error.
fn refuse_duplicate_keys(out: &mut ParsedFile) {
    let mut first: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    let mut refused = HashSet::new();
    for row in &out.rows {
        let Some(key) = row.entry.source_key.as_deref() else { continue };
        match first.get(key) {
            Some(&earlier) => {
                out.errors.push(row_error(
                    row.line,
                    Some("ticket"),
                    "duplicate_key",
                    format!("the trip {key} already appears on row {earlier}"),
                ));
                refused.insert(row.line);
            }
            None => {
                first.insert(key, row.line);
            }
        }
    }
    if !refused.is_empty() {
        out.rows.retain(|r| !refused.contains(&r.line));
        out.errors.sort_by_key(|e| e.row);
    }
}

/// DOMAIN §9 D7, §12: a person id already stored in the module, or seen on an earlier row of the
/// file, makes the (later) row an error.
fn refuse_duplicate_members(out: &mut ParsedFile, stored: &[String]) {
    let ids: Vec<(u64, String)> = out
        .rows
        .iter()
        .filter(|r| r.entry.entry_type == EntryType::Member)
        .filter_map(|r| r.entry.data["user_institutional_id"].as_str().map(|id| (r.line, id.to_owned())))
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
    out.rows.retain(|r| r.entry.entry_type != EntryType::Member || !refused.contains(&r.line));
    out.errors.sort_by_key(|e| e.row);
}

/// The error report as CSV (row, column, code, message), safe to open in a spreadsheet.
pub fn error_report(errors: &[RowError]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["row", "column", "code", "message", "sheet"]);
    for e in errors {
        let _ = w.write_record([
            e.row.to_string(),
            spreadsheet_safe(e.column.as_deref().unwrap_or("")),
            spreadsheet_safe(&e.code),
            spreadsheet_safe(&e.message),
            spreadsheet_safe(e.sheet.as_deref().unwrap_or("")),
        ]);
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(bytes: &[u8]) -> Result<ParsedFile, FileRefused> {
        parse_file(
            Module::Equipment,
            None,
            Some("9001"),
            None,
            "e.csv",
            bytes,
            &ParseContext::default(),
            &Limits::default(),
        )
    }

    const HEADER: &str = "unit_institutional_id,equipment_id,name,equipment_class,sub_class,active_usage_hours_per_week,standby_usage_hours_per_week,note,kg_co2eq,equipment_category\n";

    #[test]
    fn valid_rows_are_kept_and_invalid_ones_reported_with_row_and_column() {
        let csv = format!(
            "{HEADER}9001,A,a,Centrifugation,,40,128,,,scientific\n9001,B,b,X,,200,0,,,it\n9001,C,c,X,,1,1,,,laser\n"
        );
        let f = parse(csv.as_bytes()).unwrap();
        assert_eq!(f.rows.len(), 1);
        assert_eq!(f.rows[0].line, 2);
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
        let f = parse(csv.as_bytes()).unwrap();
        assert_eq!(f.rows.len(), 1);
        assert!(f.errors.is_empty());
    }

    #[test]
    fn whole_file_problems_refuse_the_file() {
        let refused = |bytes: &[u8]| parse(bytes).unwrap_err().0;
        assert!(refused(b"").contains("empty"));
        assert!(refused(HEADER.as_bytes()).contains("no data rows"));
        assert!(refused(b"name,equipment_class\nx,y\n").contains("equipment_id"));
        assert!(refused(b"name,name,equipment_id,equipment_class,equipment_category\n").contains("duplicated"));
        assert!(refused(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe").contains("not text"));
    }

    #[test]
    fn rows_of_another_unit_and_ragged_records_are_row_errors() {
        let csv = format!("{HEADER}9002,A,a,C,,,,,,other\n9001,B,b\n");
        let f = parse(csv.as_bytes()).unwrap();
        let codes: Vec<_> = f.errors.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["unit_mismatch", "wrong_field_count"]);
    }

    #[test]
    fn a_large_table_read_by_several_threads_keeps_file_order() {
        let mut csv = HEADER.to_owned();
        for i in 0..25_000 {
            // Every 1,000th row has an out-of-range usage: a row error at its own line.
            let hours = if i % 1_000 == 7 { 200 } else { 40 };
            csv.push_str(&format!("9001,E{i},n,Centrifugation,,{hours},0,,,scientific\n"));
        }
        let f = parse(csv.as_bytes()).unwrap();
        assert_eq!(f.rows.len(), 24_975);
        assert!(f.rows.windows(2).all(|w| w[0].line < w[1].line));
        assert_eq!(f.rows[0].entry.data["equipment_id"], "E0");
        let error_rows: Vec<u64> = f.errors.iter().map(|e| e.row).collect();
        assert_eq!(error_rows, (0..25).map(|k| k * 1_000 + 7 + 2).collect::<Vec<u64>>());
    }

    #[test]
    fn the_error_report_neutralises_formulas() {
        let report = error_report(&[row_error(2, Some("=cmd|' /C calc'!A0"), "x", "@SUM(1)")]);
        let text = String::from_utf8(report).unwrap();
        assert!(text.contains("'=cmd"));
        assert!(text.contains("'@SUM(1)"));
    }
}
