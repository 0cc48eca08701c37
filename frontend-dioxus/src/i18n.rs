//! The app's two languages. Every text shown to people is a [`Text`] holding both translations
//! side by side, so a missing translation does not compile; texts with values in them are
//! functions of the language in `text.rs`.
//!
//! The choice is the person's: remembered in `localStorage` (`co2.lang`), first guessed from the
//! browser's language, and mirrored on `<html lang>` for screen readers and hyphenation.

use dioxus::prelude::*;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl Lang {
    /// Both, in the order of the switch.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    /// BCP 47 tag (`<html lang>`, storage).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The language of a tag such as `fr-CH`; `None` for any other language.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }

    /// Its own name, as the switch shows it.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
        }
    }
}

/// One text in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    pub en: &'static str,
    pub fr: &'static str,
}

impl Text {
    /// The text in `lang`.
    pub const fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Fr => self.fr,
        }
    }
}

/// Shorthand for a [`Text`] constant.
#[macro_export]
macro_rules! text {
    ($name:ident, $en:expr, $fr:expr) => {
        pub const $name: $crate::i18n::Text = $crate::i18n::Text { en: $en, fr: $fr };
    };
}

const STORAGE_KEY: &str = "co2.lang";

/// Handle on the language context.
#[derive(Clone, Copy)]
pub struct I18n {
    lang: Signal<Lang>,
}

impl I18n {
    /// The current language (subscribes the calling component).
    pub fn lang(&self) -> Lang {
        *self.lang.read()
    }

    /// `text` in the current language.
    pub fn t(&self, text: Text) -> &'static str {
        text.get(self.lang())
    }

    /// Switches language, remembers it and updates `<html lang>`.
    pub fn set(mut self, lang: Lang) {
        self.lang.set(lang);
        if let Some(window) = web_sys::window() {
            if let Ok(Some(storage)) = window.local_storage() {
                let _ = storage.set_item(STORAGE_KEY, lang.tag());
            }
            mirror_on_document(lang);
        }
    }
}

fn mirror_on_document(lang: Lang) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", lang.tag());
    }
}

/// The language to start with: the remembered choice, else the browser's, else English.
fn initial_lang() -> Lang {
    let Some(window) = web_sys::window() else { return Lang::default() };
    let remembered = window.local_storage().ok().flatten().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    let lang = remembered
        .as_deref()
        .and_then(Lang::from_tag)
        .or_else(|| window.navigator().language().as_deref().and_then(Lang::from_tag))
        .unwrap_or_default();
    mirror_on_document(lang);
    lang
}

/// Creates the language context; call once, in the root component.
pub fn use_i18n_provider() -> I18n {
    use_context_provider(|| I18n { lang: Signal::new(initial_lang()) })
}

/// The language context.
///
/// # Panics
/// When no ancestor called [`use_i18n_provider`] (`App` in `main.rs` does).
pub fn use_i18n() -> I18n {
    try_use_context::<I18n>().expect("use_i18n(): no I18n in context — App (main.rs) must call use_i18n_provider()")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_tags_map_to_a_language() {
        assert_eq!(Lang::from_tag("fr-CH"), Some(Lang::Fr));
        assert_eq!(Lang::from_tag("FR"), Some(Lang::Fr));
        assert_eq!(Lang::from_tag("en_GB"), Some(Lang::En));
        assert_eq!(Lang::from_tag("de-CH"), None);
        assert_eq!(Lang::from_tag(""), None);
    }

    #[test]
    fn a_text_answers_in_the_asked_language() {
        let t = Text { en: "Results", fr: "Résultats" };
        assert_eq!(t.get(Lang::En), "Results");
        assert_eq!(t.get(Lang::Fr), "Résultats");
    }
}
