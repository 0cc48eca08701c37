//! Text bound for a spreadsheet (error reports, CSV exports): a cell that starts like a formula is
//! prefixed so Excel or LibreOffice show it as text instead of running it (CSV injection).

/// Neutralises text a spreadsheet would run as a formula: a leading `=`, `+`, `-`, `@`, tab or
/// carriage return gets a `'` in front; anything else is unchanged.
pub fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn formula_starts_are_neutralised_and_plain_text_is_kept() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(spreadsheet_safe("+1+1"), "'+1+1");
        assert_eq!(spreadsheet_safe("-2"), "'-2");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("\tx"), "'\tx");
        assert_eq!(spreadsheet_safe("Freezer -80 °C"), "Freezer -80 °C");
        assert_eq!(spreadsheet_safe(""), "");
    }
}
