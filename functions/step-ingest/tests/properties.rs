//! Properties of what reads an uploaded file, on generated input: the encoding sniffer, the
//! delimiter sniffer, the CSV and XLSX readers and the drop-folder key parser never panic, and
//! keep what they promise. `make test` runs the default number of cases; `make fuzz` many more
//! (`PROPTEST_CASES`).

use proptest::prelude::*;
use step_ingest::decode::{TextEncoding, decode, sniff_delimiter};
use step_ingest::table::{Limits, read_csv, read_xlsx};
use step_ingest::{Target, target_of};

/// Text a person could type in a cell: letters of several scripts, digits, punctuation, quotes,
/// delimiters and line breaks.
fn cell() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-zA-Z0-9 éèàüöß€æœ漢字;,\t\"'=+\\-.\n]{0,12}").unwrap()
}

/// Text without control characters; a leading byte-order mark is dropped (it is not part of
/// the text a reader returns).
fn without_leading_bom() -> impl Strategy<Value = String> {
    "[^\\p{Cc}]{0,200}".prop_map(|t| t.trim_start_matches('\u{feff}').to_owned())
}

fn allowed_in_text(c: char) -> bool {
    !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\0')
}

proptest! {
    #[test]
    fn any_bytes_decode_to_text_or_a_reason(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        match decode(&bytes) {
            Ok((text, _)) => prop_assert!(text.chars().all(allowed_in_text), "{text:?}"),
            Err(refused) => prop_assert!(!refused.0.is_empty()),
        }
    }

    #[test]
    fn utf8_text_is_read_as_it_is(text in without_leading_bom()) {
        let (read, encoding) = decode(text.as_bytes()).unwrap();
        prop_assert_eq!(read.as_ref(), text.as_str());
        prop_assert_eq!(encoding, TextEncoding::Utf8);
    }

    #[test]
    fn utf16_with_a_bom_is_transcoded_exactly(text in without_leading_bom()) {
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        prop_assert_eq!(decode(&le).unwrap().0.into_owned(), text.clone());
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        prop_assert_eq!(decode(&be).unwrap().0.into_owned(), text);
    }

    /// Windows-1252 text comes back exactly, unless its bytes happen to be UTF-8 — then it was
    /// readable as such, or it is refused; it is never turned into other characters silently.
    #[test]
    fn windows_1252_text_is_transcoded_or_refused_never_mangled(text in "[ -~éèàçüöäÉÀÇ€–’«»°]{0,120}") {
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
        prop_assume!(!unmappable);
        match decode(&bytes) {
            Ok((read, TextEncoding::Windows1252)) => prop_assert_eq!(read.as_ref(), text.as_str()),
            Ok((_, TextEncoding::Utf8)) => prop_assert!(std::str::from_utf8(&bytes).is_ok()),
            Ok((_, other)) => prop_assert!(false, "read as {other:?}"),
            Err(refused) => prop_assert!(refused.0.contains("UTF-8"), "{}", refused.0),
        }
    }

    #[test]
    fn the_delimiter_that_separates_the_header_is_found(
        names in proptest::collection::vec("[a-z_]{1,10}", 2..8),
        delimiter in prop::sample::select(vec![b',', b';', b'\t']),
    ) {
        let header = names.join(&(delimiter as char).to_string());
        prop_assert_eq!(sniff_delimiter(&format!("{header}\n1\n")), delimiter);
    }

    #[test]
    fn any_bytes_read_as_csv_give_numbered_records_or_a_reason(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(sheet) = read_csv(&bytes, &Limits::default()) {
            let rows: Vec<u64> = sheet.records.iter().map(|r| r.row).collect();
            prop_assert!(rows.windows(2).all(|w| w[0] < w[1]), "rows in order: {rows:?}");
            prop_assert!(rows.iter().all(|r| *r >= 2), "the header is row 1: {rows:?}");
        }
    }

    /// A table written by a CSV writer (quotes, delimiters and line breaks inside cells) reads
    /// back cell for cell.
    #[test]
    fn a_written_csv_table_reads_back_cell_for_cell(
        header in proptest::collection::vec("[a-z]{1,8}", 1..6),
        body in proptest::collection::vec(proptest::collection::vec(cell(), 1..6), 1..20),
    ) {
        let width = header.len();
        let rows: Vec<Vec<String>> = body.into_iter()
            .map(|mut r| { r.resize(width, String::new()); r })
            // A row of empty cells is no record (a blank line); a cell starting with a quote
            // only survives quoted, which the writer does.
            .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
            .collect();
        prop_assume!(!rows.is_empty());
        let mut w = csv::WriterBuilder::new().quote_style(csv::QuoteStyle::Always).from_writer(vec![]);
        w.write_record(&header).unwrap();
        for r in &rows { w.write_record(r).unwrap(); }
        let bytes = w.into_inner().unwrap();
        let sheet = read_csv(&bytes, &Limits::default()).unwrap();
        prop_assert_eq!(&sheet.headers, &header);
        let read: Vec<Vec<String>> = sheet.records.iter().map(|r| r.fields.clone().unwrap()).collect();
        prop_assert_eq!(read, rows);
    }

    /// Whatever the line ends (LF, CRLF, or CR as old Mac files have), a record's row is its line.
    #[test]
    fn rows_are_physical_lines_whatever_the_line_ends(
        n in 1usize..30,
        end in prop::sample::select(vec!["\n", "\r\n", "\r"]),
    ) {
        let text: String = std::iter::once("a,b".to_owned()).chain((0..n).map(|i| format!("x{i},y"))).map(|l| l + end).collect();
        let sheet = read_csv(text.as_bytes(), &Limits::default()).unwrap();
        let rows: Vec<u64> = sheet.records.iter().map(|r| r.row).collect();
        prop_assert_eq!(rows, (2..=n as u64 + 1).collect::<Vec<_>>());
    }

    #[test]
    fn too_many_rows_are_refused_before_they_are_kept(n in 3usize..40) {
        let text = format!("a\n{}", "1\n".repeat(n));
        let limits = Limits { max_rows: n - 1, ..Limits::default() };
        prop_assert!(read_csv(text.as_bytes(), &limits).is_err());
        prop_assert_eq!(read_csv(text.as_bytes(), &Limits { max_rows: n, ..limits }).unwrap().records.len(), n);
    }

    #[test]
    fn any_bytes_read_as_xlsx_give_sheets_or_a_reason(
        mut bytes in proptest::collection::vec(any::<u8>(), 0..512),
        zip_header in any::<bool>(),
    ) {
        if zip_header { bytes.splice(0..0, *b"PK\x03\x04"); }
        if let Err(refused) = read_xlsx(&bytes, &Limits::default()) {
            prop_assert!(!refused.0.is_empty());
        }
    }

    /// A workbook written cell by cell reads back with the same header and values.
    #[test]
    fn a_written_workbook_reads_back(
        header in proptest::collection::vec("[a-z]{1,8}", 1..5),
        body in proptest::collection::vec(proptest::collection::vec("[a-zA-Z0-9 éü€]{1,10}", 1..5), 1..10),
    ) {
        let width = header.len();
        let rows: Vec<Vec<String>> = body.into_iter().map(|mut r| { r.resize(width, "x".into()); r }).collect();
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in header.iter().enumerate() { sheet.write_string(0, c as u16, h).unwrap(); }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() { sheet.write_string(r as u32 + 1, c as u16, v).unwrap(); }
        }
        let bytes = book.save_to_buffer().unwrap();
        let sheets = read_xlsx(&bytes, &Limits::default()).unwrap();
        prop_assert_eq!(&sheets[0].headers, &header);
        let read: Vec<Vec<String>> = sheets[0].records.iter().map(|r| r.fields.clone().unwrap()).collect();
        prop_assert_eq!(read, rows);
    }

    #[test]
    fn any_key_maps_to_a_target_or_a_reason(key in "(uploads/|dropbox/)?[a-zA-Z0-9/._%-]{0,60}") {
        if let Err(reason) = target_of(&key) {
            prop_assert!(reason.contains(&key), "the reason names the key: {reason}");
        }
    }

    #[test]
    fn a_drop_folder_key_names_its_unit_year_and_module(
        unit in "[A-Za-z0-9-]{1,12}",
        year in 1990i32..2100,
        module in prop::sample::select(co2_domain::Module::ALL.to_vec()),
        ext in prop::sample::select(vec!["csv", "xlsx", "CSV"]),
    ) {
        let key = format!("dropbox/{unit}/{year}/{}.{ext}", module.key());
        match target_of(&key).unwrap() {
            Target::Dropbox { unit: u, year: y, module: m, entry_type } => {
                prop_assert_eq!(u, unit);
                prop_assert_eq!(y, year);
                prop_assert_eq!(m, module);
                prop_assert_eq!(entry_type, None);
            }
            other => prop_assert!(false, "{other:?}"),
        }
    }
}
