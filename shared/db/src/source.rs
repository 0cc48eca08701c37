//! Where an entry (or an upload) came from: a closed set, stored as text under the
//! `data_entry_source_check` / `upload_source_check` constraints. Rows are read into
//! [`EntrySource`], so a value the code does not know is a decoding error, never silently
//! shown as another source, and every use of it is an exhaustive `match`.

use sqlx::Postgres;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef};

/// The origin of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntrySource {
    /// Typed in a form (or sent to the entries API).
    Manual,
    /// A file uploaded from the unit's module page.
    Upload,
    /// A file put into the drop folder.
    Dropbox,
    /// The back office's year-wide file for every unit.
    Backoffice,
    /// The travel agency's export, imported by trip key (DOMAIN §9 D5).
    Agency,
}

impl EntrySource {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EntrySource::Manual => "manual",
            EntrySource::Upload => "upload",
            EntrySource::Dropbox => "dropbox",
            EntrySource::Backoffice => "backoffice",
            EntrySource::Agency => "agency",
        }
    }

    /// Every source.
    pub const ALL: [EntrySource; 5] =
        [EntrySource::Manual, EntrySource::Upload, EntrySource::Dropbox, EntrySource::Backoffice, EntrySource::Agency];

    /// The source of a stored spelling.
    pub fn parse(s: &str) -> Option<EntrySource> {
        EntrySource::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Loaded from a file (replaced by the next replace of its scope).
    pub fn is_file(self) -> bool {
        match self {
            EntrySource::Manual => false,
            EntrySource::Upload | EntrySource::Dropbox | EntrySource::Backoffice | EntrySource::Agency => true,
        }
    }

    /// Loaded by the sustainability office for every unit: a unit cannot change these rows, and
    /// the office's own files may load centrally fed types.
    pub fn is_central(self) -> bool {
        match self {
            EntrySource::Manual | EntrySource::Upload | EntrySource::Dropbox => false,
            EntrySource::Backoffice | EntrySource::Agency => true,
        }
    }
}

impl std::fmt::Display for EntrySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<EntrySource> for co2_api_types::EntrySource {
    fn from(s: EntrySource) -> Self {
        match s {
            EntrySource::Manual => co2_api_types::EntrySource::Manual,
            EntrySource::Upload => co2_api_types::EntrySource::Upload,
            EntrySource::Dropbox => co2_api_types::EntrySource::Dropbox,
            EntrySource::Backoffice => co2_api_types::EntrySource::Backoffice,
            EntrySource::Agency => co2_api_types::EntrySource::Agency,
        }
    }
}

impl sqlx::Type<Postgres> for EntrySource {
    fn type_info() -> PgTypeInfo {
        <&str as sqlx::Type<Postgres>>::type_info()
    }

    fn compatible(ty: &PgTypeInfo) -> bool {
        <&str as sqlx::Type<Postgres>>::compatible(ty)
    }
}

impl<'q> sqlx::Encode<'q, Postgres> for EntrySource {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <&str as sqlx::Encode<Postgres>>::encode(self.as_str(), buf)
    }
}

impl<'r> sqlx::Decode<'r, Postgres> for EntrySource {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as sqlx::Decode<Postgres>>::decode(value)?;
        EntrySource::parse(text).ok_or_else(|| format!("unknown entry source '{text}'").into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_reads_back_from_its_spelling() {
        for s in EntrySource::ALL {
            assert_eq!(EntrySource::parse(s.as_str()), Some(s));
        }
        assert_eq!(EntrySource::parse("Manual"), None);
    }
}
