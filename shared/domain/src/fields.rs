//! Field-level parsing shared by every entry type: the rules of DOMAIN §2.1 and §12 for text,
//! integers and decimals, and the field-error type with stable codes.
//!
//! Inputs arrive as text (a CSV cell, or a JSON value rendered as text) keyed by the template's
//! column names; header names are trimmed and case-folded before they reach this module.

use serde::Serialize;
use std::collections::BTreeMap;

/// Raw input of one entry: template column name (trimmed, lower-case) → cell text.
pub type RawFields = BTreeMap<String, String>;

/// A problem with one field. `code` is stable and machine-readable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

/// All field problems of one entry (never empty when returned as an error).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// Records a problem.
    pub fn push(&mut self, field: &str, code: &'static str, message: impl Into<String>) {
        self.0.push(FieldError { field: field.to_owned(), code, message: message.into() });
    }

    /// `Err(self)` when a problem was recorded.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.0.is_empty() { Ok(value) } else { Err(self) }
    }
}

/// Stable field-error codes.
pub mod code {
    pub const REQUIRED: &str = "required";
    pub const INVALID_NUMBER: &str = "invalid_number";
    pub const INVALID_INTEGER: &str = "invalid_integer";
    pub const OUT_OF_RANGE: &str = "out_of_range";
    pub const INVALID_CHOICE: &str = "invalid_choice";
    pub const TOO_LONG: &str = "too_long";
    pub const HOURS_EXCEED_WEEK: &str = "hours_exceed_week";
}

/// Longest accepted text field, in characters (DOMAIN §12: longer is a row error).
pub const MAX_FIELD_CHARS: usize = 10_000;

/// Reads fields of one entry, collecting every problem instead of stopping at the first.
pub struct FieldReader<'a> {
    raw: &'a RawFields,
    errors: FieldErrors,
}

impl<'a> FieldReader<'a> {
    /// Starts reading `raw`.
    pub fn new(raw: &'a RawFields) -> Self {
        FieldReader { raw, errors: FieldErrors::default() }
    }

    fn cell(&mut self, field: &str) -> Option<&'a str> {
        let value = self.raw.get(field).map(|s| s.trim()).filter(|s| !s.is_empty())?;
        if value.chars().count() > MAX_FIELD_CHARS {
            self.errors.push(field, code::TOO_LONG, format!("longer than {MAX_FIELD_CHARS} characters"));
            return None;
        }
        Some(value)
    }

    /// Optional text; whitespace-only is missing.
    pub fn text(&mut self, field: &str) -> Option<String> {
        self.cell(field).map(str::to_owned)
    }

    /// Required text.
    pub fn required_text(&mut self, field: &str) -> String {
        match self.text(field) {
            Some(v) => v,
            None => {
                if !self.errors.0.iter().any(|e| e.field == field) {
                    self.errors.push(field, code::REQUIRED, "is required");
                }
                String::new()
            }
        }
    }

    /// Optional decimal: `.` as separator, finite only (no NaN, inf or hex).
    pub fn decimal(&mut self, field: &str) -> Option<f64> {
        let text = self.cell(field)?;
        match parse_decimal(text) {
            Some(v) => Some(v),
            None => {
                self.errors.push(field, code::INVALID_NUMBER, format!("'{}' is not a number", abbreviate(text)));
                None
            }
        }
    }

    /// The optional `kg_co2eq` override of an entry (DOMAIN §5.9, §12: a finite number ≥ 0).
    pub fn kg_override(&mut self) -> Option<f64> {
        self.decimal_in("kg_co2eq", 0.0, f64::INFINITY)
    }

    /// Optional decimal within `[min, max]`.
    pub fn decimal_in(&mut self, field: &str, min: f64, max: f64) -> Option<f64> {
        let v = self.decimal(field)?;
        if v < min || v > max {
            let bound = if max.is_finite() { format!("between {min} and {max}") } else { format!("at least {min}") };
            self.errors.push(field, code::OUT_OF_RANGE, format!("must be {bound}"));
            return None;
        }
        Some(v)
    }

    /// Required decimal within `[min, max]`: a blank cell is `required`, a bad one `invalid_number`
    /// or `out_of_range`. The returned 0 is a placeholder that only stands beside a recorded error.
    pub fn required_decimal_in(&mut self, field: &str, min: f64, max: f64) -> f64 {
        let value = self.decimal_in(field, min, max);
        if value.is_none() && self.raw.get(field).is_none_or(|s| s.trim().is_empty()) {
            self.errors.push(field, code::REQUIRED, "is required");
        }
        value.unwrap_or(0.0)
    }

    /// Optional integer within `[min, max]`: no decimal point or exponent, 64-bit.
    pub fn integer_in(&mut self, field: &str, min: i64, max: i64) -> Option<i64> {
        let text = self.cell(field)?;
        let Some(v) = parse_integer(text) else {
            self.errors.push(field, code::INVALID_INTEGER, format!("'{}' is not a whole number", abbreviate(text)));
            return None;
        };
        if v < min || v > max {
            self.errors.push(field, code::OUT_OF_RANGE, format!("must be between {min} and {max}"));
            return None;
        }
        Some(v)
    }

    /// Records a cross-field problem.
    pub fn error(&mut self, field: &str, code: &'static str, message: impl Into<String>) {
        self.errors.push(field, code, message);
    }

    /// The collected problems.
    pub fn finish<T>(self, value: T) -> Result<T, FieldErrors> {
        self.errors.into_result(value)
    }
}

/// DOMAIN §12 decimal: optional sign, digits with an optional `.` fraction and exponent; finite.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let plain = body.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if !plain || !body.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// DOMAIN §12 integer: optional sign and digits only, fitting in 64 bits.
pub fn parse_integer(text: &str) -> Option<i64> {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>().ok()
}

fn abbreviate(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_follow_the_documented_grammar() {
        assert_eq!(parse_decimal("12.5"), Some(12.5));
        assert_eq!(parse_decimal("-0.5"), Some(-0.5));
        assert_eq!(parse_decimal("1e3"), Some(1000.0));
        assert_eq!(parse_decimal(".5"), Some(0.5));
        for bad in ["NaN", "inf", "-infinity", "0x10", "1,5", "1e999", "", "e5", "12 kg"] {
            assert_eq!(parse_decimal(bad), None, "{bad} must be refused");
        }
    }

    #[test]
    fn integers_refuse_points_exponents_and_overflow() {
        assert_eq!(parse_integer("168"), Some(168));
        assert_eq!(parse_integer("+3"), Some(3));
        for bad in ["1.0", "1e2", "99999999999999999999", "", "4 h", "0x1"] {
            assert_eq!(parse_integer(bad), None, "{bad} must be refused");
        }
    }

    #[test]
    fn a_whitespace_only_required_field_is_missing() {
        let raw: RawFields = [("name".to_owned(), "   ".to_owned())].into();
        let mut r = FieldReader::new(&raw);
        r.required_text("name");
        let errs = r.finish(()).unwrap_err();
        assert_eq!(errs.0[0].code, code::REQUIRED);
    }
}
