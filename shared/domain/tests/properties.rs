//! Properties of the domain's field readers on generated input (DOMAIN §12): a number is read
//! exactly as written or refused, never as NaN, infinity or a guess.

use co2_domain::fields::{parse_decimal, parse_integer};
use proptest::prelude::*;

proptest! {
    #[test]
    fn any_text_is_a_finite_decimal_or_refused(text in any::<String>()) {
        if let Some(v) = parse_decimal(&text) {
            prop_assert!(v.is_finite(), "{text:?} → {v}");
        }
        let _ = parse_integer(&text);
    }

    #[test]
    fn a_written_finite_number_reads_back_exactly(v in any::<f64>().prop_filter("finite", |v| v.is_finite())) {
        prop_assert_eq!(parse_decimal(&v.to_string()), Some(v));
        prop_assert_eq!(parse_decimal(&format!("{v:e}")), Some(v));
    }

    #[test]
    fn a_written_integer_reads_back_exactly(v in any::<i64>()) {
        prop_assert_eq!(parse_integer(&v.to_string()), Some(v));
        prop_assert_eq!(parse_decimal(&v.to_string()), Some(v as f64));
    }

    /// Words that other parsers accept as numbers, and locale forms we do not guess at.
    #[test]
    fn no_word_or_locale_form_passes_as_a_number(
        word in prop::sample::select(vec!["NaN", "nan", "inf", "-inf", "Infinity", "1e309", "-1e400", "0x10", "1,5",
            "1 000", "1'000", "١٢", "½", "", " ", "+", "-", ".", "e5", "1e", "--1", "1.2.3"]),
    ) {
        prop_assert_eq!(parse_decimal(word), None, "{}", word);
    }

    #[test]
    fn integers_out_of_range_or_with_fractions_are_refused(digits in "[1-9][0-9]{19,30}", frac in "[0-9]{1,3}") {
        prop_assert_eq!(parse_integer(&digits), None);
        prop_assert_eq!(parse_integer(&format!("1.{frac}")), None);
    }
}
