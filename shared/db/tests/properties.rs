//! Every entry type's reader on generated, often hostile, field values (DOMAIN §12): it accepts
//! the row or names the fields at fault; it never panics and never stores a number that is not
//! finite. `make fuzz` runs many more cases (`PROPTEST_CASES`).

use co2_db::engine::{ParseContext, parse_entry, template_columns_of};
use co2_domain::EntryType;
use co2_domain::fields::RawFields;
use proptest::prelude::*;

/// Values a file may hold: numbers well and badly written, words, formulas, control and
/// invisible characters, very long text.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            " ",
            "0",
            "-1",
            "1e308",
            "1e309",
            "NaN",
            "inf",
            "-0",
            "3.5",
            "1,5",
            "12'000",
            "=1+1",
            "=HYPERLINK(\"http://x\")",
            "+41 21",
            "@SUM(A1)",
            "\u{0}",
            "\u{202e}evil",
            "yes",
            "TRUE",
            "2025-01-01",
            "GVA",
            "ZRH",
            "Laptop",
            "economy",
            "plane",
            "train",
            "CH",
            "scientific",
        ])
        .prop_map(str::to_owned),
        "[ -~éü€\t]{0,30}",
        "[a-z]{4000,5000}",
        any::<f64>().prop_map(|v| v.to_string()),
    ]
}

fn numbers_are_finite(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Number(n) => n.as_f64().is_none_or(f64::is_finite),
        serde_json::Value::Array(a) => a.iter().all(numbers_are_finite),
        serde_json::Value::Object(o) => o.values().all(numbers_are_finite),
        _ => true,
    }
}

proptest! {
    #[test]
    fn every_entry_type_reads_a_row_or_names_its_faults(
        entry_type in prop::sample::select(EntryType::ALL.to_vec()),
        values in proptest::collection::vec(value(), 12),
        typed in any::<bool>(),
    ) {
        let raw: RawFields = template_columns_of(entry_type)
            .iter()
            .zip(values.iter().cycle())
            .map(|(c, v)| ((*c).to_owned(), v.clone()))
            .collect();
        let told = if typed { Some(entry_type) } else { None };
        match parse_entry(entry_type.module(), told, &raw, &ParseContext::default()) {
            Ok(entry) => {
                prop_assert!(numbers_are_finite(&entry.data), "{}", entry.data);
                prop_assert!(entry.kg_override.is_none_or(f64::is_finite));
            }
            Err(rejection) => {
                let said = format!("{rejection:?}");
                prop_assert!(!said.is_empty());
            }
        }
    }
}
