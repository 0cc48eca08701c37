//! Bulk writes with `COPY … FROM STDIN` in PostgreSQL's text format: a file's 100,000 entries
//! and their emission rows go in at a fraction of the cost of `insert … select unnest(…)`, whose
//! array parameters the server must parse and unnest first.
//!
//! A few rows (one entry typed in a form) go in as one `insert … json_populate_recordset`
//! instead: sqlx sends a COPY's data and its end in two writes on a socket without
//! `TCP_NODELAY`, so the end waits for the server's delayed acknowledgement of the data — about
//! 40 ms, on every entry saved, while the module is locked.

use crate::DbResult;
use sqlx::PgConnection;
use std::fmt::Write as _;

/// Rows being encoded in the COPY text format (tab-separated, `\N` for NULL, backslash escapes).
#[derive(Debug, Default)]
pub struct CopyRows {
    buf: String,
    fields_in_row: usize,
    rows: usize,
    /// The positions in a row of the fields written by [`CopyRows::json`]: the one-statement
    /// path must hand them over as JSON values, not as strings (a jsonb column would keep the
    /// string).
    json_fields: std::collections::BTreeSet<usize>,
}

impl CopyRows {
    /// An empty buffer.
    pub fn new() -> CopyRows {
        CopyRows::default()
    }

    fn separate(&mut self) {
        if self.fields_in_row > 0 {
            self.buf.push('\t');
        }
        self.fields_in_row += 1;
    }

    /// A text field, escaped.
    pub fn text(&mut self, value: &str) -> &mut Self {
        self.separate();
        for c in value.chars() {
            match c {
                '\\' => self.buf.push_str("\\\\"),
                '\t' => self.buf.push_str("\\t"),
                '\n' => self.buf.push_str("\\n"),
                '\r' => self.buf.push_str("\\r"),
                c => self.buf.push(c),
            }
        }
        self
    }

    /// A field whose `Display` form never needs escaping: numbers, UUIDs, booleans.
    pub fn plain(&mut self, value: impl std::fmt::Display) -> &mut Self {
        self.separate();
        let _ = write!(self.buf, "{value}");
        self
    }

    /// A JSON document (for a `json`/`jsonb` column).
    pub fn json(&mut self, value: &str) -> &mut Self {
        self.json_fields.insert(self.fields_in_row);
        self.text(value)
    }

    /// NULL.
    pub fn null(&mut self) -> &mut Self {
        self.separate();
        self.buf.push_str("\\N");
        self
    }

    /// A text field or NULL.
    pub fn opt_text(&mut self, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) => self.text(v),
            None => self.null(),
        }
    }

    /// A plain field or NULL.
    pub fn opt_plain(&mut self, value: Option<impl std::fmt::Display>) -> &mut Self {
        match value {
            Some(v) => self.plain(v),
            None => self.null(),
        }
    }

    /// A `uuid[]` field.
    pub fn uuid_array(&mut self, ids: &[impl std::fmt::Display]) -> &mut Self {
        self.separate();
        self.buf.push('{');
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                self.buf.push(',');
            }
            let _ = write!(self.buf, "{id}");
        }
        self.buf.push('}');
        self
    }

    /// Ends the current row.
    pub fn end_row(&mut self) {
        self.buf.push('\n');
        self.fields_in_row = 0;
        self.rows += 1;
    }

    /// Moves the rows of `other` after these.
    pub fn append(&mut self, other: CopyRows) {
        self.buf.push_str(&other.buf);
        self.rows += other.rows;
        self.json_fields.extend(other.json_fields);
    }

    /// Field `i` of a row as the one-statement path sends it: a JSON field as its document, any
    /// other as its text form (read by the column's type).
    fn field_value(&self, i: usize, text: Option<String>) -> serde_json::Value {
        match text {
            None => serde_json::Value::Null,
            Some(t) if self.json_fields.contains(&i) => {
                serde_json::from_str(&t).unwrap_or(serde_json::Value::String(t))
            }
            Some(t) => serde_json::Value::String(t),
        }
    }

    /// Rows encoded so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The encoded rows.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.as_bytes()
    }
}

/// Batches up to this many rows are inserted in one statement rather than copied.
pub const SMALL_BATCH_ROWS: usize = 200;

/// The fields of COPY text rows, unescaped (`None` for NULL).
fn decode(text: &str) -> Vec<Vec<Option<String>>> {
    text.lines()
        .map(|line| {
            line.split('\t')
                .map(|field| {
                    if field == "\\N" {
                        return None;
                    }
                    let mut out = String::with_capacity(field.len());
                    let mut chars = field.chars();
                    while let Some(c) = chars.next() {
                        if c == '\\' {
                            match chars.next() {
                                Some('t') => out.push('\t'),
                                Some('n') => out.push('\n'),
                                Some('r') => out.push('\r'),
                                Some(other) => out.push(other),
                                None => {}
                            }
                        } else {
                            out.push(c);
                        }
                    }
                    Some(out)
                })
                .collect()
        })
        .collect()
}

/// Writes the rows into `table`'s `columns` (a comma-separated list): one statement for a small
/// batch, `COPY … FROM STDIN` for a large one. Returns the rows written.
pub async fn copy_in(db: &mut PgConnection, table: &str, columns: &str, rows: &CopyRows) -> DbResult<u64> {
    if rows.rows() == 0 {
        return Ok(0);
    }
    if rows.rows() <= SMALL_BATCH_ROWS {
        // Every value as its text form, read by the column's own type from the table's row type.
        let names: Vec<&str> = columns.split(',').map(str::trim).collect();
        let json: Vec<serde_json::Value> = decode(std::str::from_utf8(rows.as_bytes()).unwrap_or_default())
            .into_iter()
            .map(|fields| {
                names
                    .iter()
                    .zip(fields)
                    .enumerate()
                    .map(|(i, (n, v))| ((*n).to_owned(), rows.field_value(i, v)))
                    .collect()
            })
            .collect();
        let done = crate::sql::query(sqlx::AssertSqlSafe(format!(
            "insert into {table} ({columns}) select {columns} from json_populate_recordset(null::{table}, $1::json)"
        )))
        .bind(serde_json::Value::Array(json))
        .execute(&mut *db)
        .await?;
        return Ok(done.rows_affected());
    }
    let mut copy = db.copy_in_raw(&format!("copy {table} ({columns}) from stdin")).await?;
    for chunk in rows.as_bytes().chunks(1 << 20) {
        if let Err(e) = copy.send(chunk).await {
            let _ = copy.abort("sending the rows failed").await;
            return Err(e.into());
        }
    }
    Ok(copy.finish().await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_reads_back_into_its_fields() {
        let mut rows = CopyRows::new();
        rows.text("a\tb\\c\nd").null().plain(1.5).uuid_array(&["x", "y"]);
        rows.end_row();
        let fields = decode(std::str::from_utf8(rows.as_bytes()).unwrap());
        assert_eq!(
            fields,
            [vec![Some("a\tb\\c\nd".to_owned()), None, Some("1.5".to_owned()), Some("{x,y}".to_owned())]]
        );
    }

    #[test]
    fn fields_are_escaped_for_the_text_format() {
        let mut rows = CopyRows::new();
        rows.text("a\tb\\c\nd").null().plain(1.5).opt_text(None).uuid_array(&["x", "y"]);
        rows.end_row();
        rows.text("{\"name\":\"é\"}").opt_plain(Some(3));
        rows.end_row();
        assert_eq!(
            std::str::from_utf8(rows.as_bytes()).unwrap(),
            "a\\tb\\\\c\\nd\t\\N\t1.5\t\\N\t{x,y}\n{\"name\":\"é\"}\t3\n"
        );
        assert_eq!(rows.rows(), 2);
    }

    #[test]
    fn a_json_field_is_handed_over_as_its_document_and_text_as_text() {
        let mut rows = CopyRows::new();
        rows.text("{\"a\":1}").json("{\"a\":1}");
        rows.end_row();
        let fields = decode(std::str::from_utf8(rows.as_bytes()).unwrap()).remove(0);
        let values: Vec<serde_json::Value> =
            fields.into_iter().enumerate().map(|(i, v)| rows.field_value(i, v)).collect();
        assert_eq!(values, [serde_json::json!("{\"a\":1}"), serde_json::json!({"a": 1})]);
    }

    #[test]
    fn floats_are_written_without_exponents() {
        let mut rows = CopyRows::new();
        rows.plain(1e-7_f64).plain(1.0e21_f64);
        assert_eq!(std::str::from_utf8(rows.as_bytes()).unwrap(), "0.0000001\t1000000000000000000000");
    }
}
