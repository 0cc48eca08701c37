//! The tables an export is made of, and their two file forms: a sheet of an XLSX workbook, or a
//! CSV file in a ZIP. Text is always text: XLSX cells are written as strings (a spreadsheet never
//! evaluates them), and CSV cells that start like a formula are neutralised.

use co2_domain::spreadsheet::spreadsheet_safe;
use rust_xlsxwriter::{Format, Workbook};
use std::io::Write;

/// A cell of an export table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A number cell, or empty for `None`.
    pub fn number(n: Option<f64>) -> Cell {
        n.filter(|v| v.is_finite()).map_or(Cell::Empty, Cell::Number)
    }

    /// A stored field value: numbers stay numbers, everything else is text.
    pub fn from_json(v: Option<&serde_json::Value>) -> Cell {
        match v {
            None | Some(serde_json::Value::Null) => Cell::Empty,
            Some(serde_json::Value::Number(n)) => Cell::number(n.as_f64()),
            Some(serde_json::Value::String(s)) => Cell::Text(s.clone()),
            Some(serde_json::Value::Bool(b)) => Cell::Text(b.to_string()),
            Some(other) => Cell::Text(other.to_string()),
        }
    }
}

/// A named table: a sheet of a workbook, or a CSV file.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The sheet name (≤ 31 characters) and CSV file stem.
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// An empty table with these columns.
    pub fn new(name: impl Into<String>, columns: &[&str]) -> Table {
        Table { name: name.into(), columns: columns.iter().map(|c| (*c).to_owned()).collect(), rows: Vec::new() }
    }
}

/// Why a file could not be written: the export fails with this reason.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct WriteError(pub String);

/// Most data rows of an XLSX sheet (Excel's limit is 1,048,576 rows with the header).
pub const MAX_XLSX_ROWS: usize = 1_048_575;

/// The tables as one CSV file: a header row, then the rows.
pub fn to_csv(table: &Table) -> Result<Vec<u8>, WriteError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| WriteError(format!("writing {}.csv: {e}", table.name));
    w.write_record(table.columns.iter().map(|c| spreadsheet_safe(c))).map_err(io)?;
    for row in &table.rows {
        w.write_record(row.iter().map(|c| match c {
            Cell::Text(s) => spreadsheet_safe(s),
            Cell::Number(n) => n.to_string(),
            Cell::Empty => String::new(),
        }))
        .map_err(io)?;
    }
    w.into_inner().map_err(|e| WriteError(format!("writing {}.csv: {e}", table.name)))
}

/// The tables as an XLSX workbook, one sheet each, headers bold and frozen.
pub fn to_xlsx(tables: &[Table]) -> Result<Vec<u8>, WriteError> {
    let err = |e: rust_xlsxwriter::XlsxError| WriteError(format!("writing the workbook: {e}"));
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for table in tables {
        if table.rows.len() > MAX_XLSX_ROWS {
            return Err(WriteError(format!(
                "sheet {} has {} rows, more than a worksheet holds ({MAX_XLSX_ROWS}): export as CSV instead",
                table.name,
                table.rows.len()
            )));
        }
        // Rows go to a temporary file as they are written, not into memory: a sheet of 200,000
        // entries would otherwise hold the whole workbook in memory twice.
        let sheet = book.add_worksheet_with_constant_memory().map_err(err)?;
        sheet.set_name(sheet_name(&table.name)).map_err(err)?;
        for (c, name) in table.columns.iter().enumerate() {
            let col = column(c)?;
            sheet.write_string_with_format(0, col, name, &bold).map_err(err)?;
            sheet.set_column_width(col, (name.chars().count().clamp(10, 40) + 2) as f64).map_err(err)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = (r + 1) as u32;
            for (c, cell) in row.iter().enumerate() {
                let col = column(c)?;
                match cell {
                    Cell::Text(s) => sheet.write_string(r, col, s).map(|_| ()).map_err(err)?,
                    Cell::Number(n) => sheet.write_number(r, col, *n).map(|_| ()).map_err(err)?,
                    Cell::Empty => {}
                }
            }
        }
        sheet.set_freeze_panes(1, 0).map_err(err)?;
    }
    book.save_to_buffer().map_err(err)
}

fn column(c: usize) -> Result<u16, WriteError> {
    u16::try_from(c)
        .ok()
        .filter(|c| *c < 16_384)
        .ok_or_else(|| WriteError("more columns than a worksheet holds".into()))
}

/// A worksheet name: at most 31 characters, none of `[]:*?/\`.
pub fn sheet_name(name: &str) -> String {
    name.chars().map(|c| if "[]:*?/\\".contains(c) { '_' } else { c }).take(31).collect()
}

/// Files packed in a ZIP (deflated).
pub fn to_zip(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, WriteError> {
    let err = |e: zip::result::ZipError| WriteError(format!("writing the archive: {e}"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options).map_err(err)?;
        zip.write_all(bytes).map_err(|e| WriteError(format!("writing the archive: {e}")))?;
    }
    Ok(zip.finish().map_err(err)?.into_inner())
}

/// The tables as CSV files in a ZIP, named `{table}.csv`.
pub fn to_csv_zip(tables: &[Table]) -> Result<Vec<u8>, WriteError> {
    let files = tables.iter().map(|t| Ok((format!("{}.csv", t.name), to_csv(t)?))).collect::<Result<Vec<_>, _>>()?;
    to_zip(&files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new("entries", &["name", "kg"]);
        t.rows.push(vec![Cell::text("=HYPERLINK(\"http://x\",\"y\")"), Cell::Number(1616.62)]);
        t.rows.push(vec![Cell::text("Freezer -80 °C"), Cell::Empty]);
        t
    }

    #[test]
    fn csv_neutralises_formulas_and_keeps_numbers_exact() {
        let text = String::from_utf8(to_csv(&sample()).unwrap()).unwrap();
        assert_eq!(text, "name,kg\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",1616.62\nFreezer -80 °C,\n");
    }

    #[test]
    fn xlsx_stores_formula_text_as_a_string_cell() {
        use calamine::{Data, Reader, Xlsx};
        let bytes = to_xlsx(&[sample()]).unwrap();
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("entries").unwrap();
        assert_eq!(range.get((1, 0)), Some(&Data::String("=HYPERLINK(\"http://x\",\"y\")".into())));
        assert_eq!(range.get((1, 1)), Some(&Data::Float(1616.62)));
        let formulas = book.worksheet_formula("entries").unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no cell holds a formula");
    }

    #[test]
    fn sheet_names_fit_excel_rules() {
        assert_eq!(sheet_name("biological_chemical_gaseous_product"), "biological_chemical_gaseous_pro");
        assert_eq!(sheet_name("a/b:c"), "a_b_c");
    }

    #[test]
    fn a_sheet_over_the_row_limit_is_refused_with_a_reason() {
        let mut t = Table::new("big", &["n"]);
        t.rows = vec![vec![Cell::Empty]; MAX_XLSX_ROWS + 1];
        let e = to_xlsx(&[t]).unwrap_err();
        assert!(e.0.contains("export as CSV"), "{e}");
    }
}
