//! The words of the help pages: the user guide and the methodology, in English and French. The
//! formulas are not written here: each module lists the `co2_domain::explain::Formula`s it
//! computes with, whose words are the same the "why this number" detail shows.

use co2_domain::explain::{DefaultRule, Formula};

use crate::i18n::{Lang, Text};

/// A section of the user guide: a title and its paragraphs.
pub struct GuideSection {
    pub id: &'static str,
    pub title: Text,
    pub paragraphs: &'static [Text],
}

/// The user guide, in the order a unit works through a year.
pub const GUIDE: [GuideSection; 8] = [
    GuideSection {
        id: "unit-and-year",
        title: Text { en: "Your unit and year", fr: "Votre unité et votre année" },
        paragraphs: &[Text {
            en: "The header shows the unit and the report year you work on; change either there. Home lists the 8 modules of the report with their status: not started, in progress, validated.",
            fr: "L’en-tête indique l’unité et l’année de rapport sur lesquelles vous travaillez ; changez-les là. L’accueil liste les 8 modules du rapport avec leur état : non commencé, en cours, validé.",
        }],
    },
    GuideSection {
        id: "entering-data",
        title: Text { en: "Entering data", fr: "Saisir les données" },
        paragraphs: &[
            Text {
                en: "On a module page, add entries one by one with the form, or upload a CSV or XLSX file made from the module’s templates. A file replaces the earlier file rows of its entry types, or adds to them; rows with errors are skipped and listed in an error report, the valid rows are stored.",
                fr: "Sur la page d’un module, ajoutez les saisies une à une avec le formulaire, ou téléversez un fichier CSV ou XLSX fait à partir des modèles du module. Un fichier remplace les lignes de fichier précédentes de ses types de saisie, ou s’y ajoute ; les lignes en erreur sont ignorées et listées dans un rapport d’erreurs, les lignes valides sont enregistrées.",
            },
            Text {
                en: "Members enter their own trips and their own cloud and AI use; the unit’s principal enters everything else. Rows loaded by the sustainability office or the travel agency are shown but changed only by them.",
                fr: "Les membres saisissent leurs propres voyages et leur propre usage du cloud et de l’IA ; le responsable de l’unité saisit tout le reste. Les lignes chargées par le bureau de la durabilité ou l’agence de voyages sont affichées mais modifiées seulement par eux.",
            },
        ],
    },
    GuideSection {
        id: "validating",
        title: Text { en: "Validating a module", fr: "Valider un module" },
        paragraphs: &[Text {
            en: "When a module is complete, its principal validates it in the team manager’s area. A validated module counts in the official results and takes no more changes until it is reopened.",
            fr: "Quand un module est complet, son responsable le valide dans l’espace du responsable d’équipe. Un module validé compte dans les résultats officiels et n’accepte plus de modification jusqu’à sa réouverture.",
        }],
    },
    GuideSection {
        id: "results",
        title: Text { en: "Results", fr: "Résultats" },
        paragraphs: &[Text {
            en: "The results count the validated modules; switch to all modules to see the draft. They give the footprint by module and scope, by category, per full-time equivalent, the IT focus and the trend over the years. Each chart downloads as a PNG, and the report as a PDF.",
            fr: "Les résultats comptent les modules validés ; passez à tous les modules pour voir le brouillon. Ils donnent l’empreinte par module et par scope, par catégorie, par équivalent plein temps, le focus informatique et la tendance au fil des années. Chaque graphique se télécharge en PNG, et le rapport en PDF.",
        }],
    },
    GuideSection {
        id: "why",
        title: Text { en: "Why this number", fr: "D’où vient ce chiffre" },
        paragraphs: &[Text {
            en: "Click the kg of any entry: the detail shows the formula, the values that went into it, the defaults that stood in for blank inputs, and each factor with its year and source.",
            fr: "Cliquez sur les kg d’une saisie : le détail montre la formule, les valeurs utilisées, les valeurs par défaut qui ont remplacé des données vides, et chaque facteur avec son année et sa source.",
        }],
    },
    GuideSection {
        id: "quality",
        title: Text { en: "Data quality and uncertainty", fr: "Qualité des données et incertitude" },
        paragraphs: &[Text {
            en: "The results say how good the data is (measured, activity-based, spend-based, default-filled, overridden or incomplete), give the range the total lies in, and name where better data would narrow it most.",
            fr: "Les résultats indiquent la qualité des données (mesurées, fondées sur l’activité, sur les dépenses, complétées par défaut, imposées ou incomplètes), donnent la fourchette du total et désignent où de meilleures données la réduiraient le plus.",
        }],
    },
    GuideSection {
        id: "plans",
        title: Text { en: "Reduction plans", fr: "Plans de réduction" },
        paragraphs: &[Text {
            en: "From the results, open the reduction plans: name a plan, add its measures with the kg each should save a year from a given year, and read its trajectory to 2040 against the institution’s goals.",
            fr: "Depuis les résultats, ouvrez les plans de réduction : nommez un plan, ajoutez ses mesures avec les kg que chacune devrait économiser par an à partir d’une année, et lisez sa trajectoire jusqu’en 2040 face aux objectifs de l’institution.",
        }],
    },
    GuideSection {
        id: "roles",
        title: Text { en: "Who does what", fr: "Qui fait quoi" },
        paragraphs: &[Text {
            en: "Members enter their own rows. The unit’s principal enters, validates and exports. The back office reports across the units of its subtree. The IT manager runs the years, the factors and reference data, the campaign, roles and API tokens.",
            fr: "Les membres saisissent leurs propres lignes. Le responsable de l’unité saisit, valide et exporte. Le back-office suit les unités de son périmètre. Le responsable informatique gère les années, les facteurs et données de référence, la campagne, les rôles et les jetons d’API.",
        }],
    },
];

/// What a module's methodology says: what is entered, the formulas and the defaults it may apply.
pub struct ModuleMethod {
    pub module: &'static str,
    pub entered: Text,
    pub formulas: &'static [Formula],
    pub defaults: &'static [DefaultRule],
}

/// Every module's methodology, in DOMAIN §1 order.
pub const METHODS: [ModuleMethod; 8] = [
    ModuleMethod {
        module: "headcount",
        entered: Text {
            en: "Each member’s and the students’ full-time equivalents (FTE). They also give the per-FTE figures of the results.",
            fr: "Les équivalents plein temps (EPT) de chaque membre et des étudiants. Ils donnent aussi les chiffres par EPT des résultats.",
        },
        formulas: &[Formula::Headcount],
        defaults: &[],
    },
    ModuleMethod {
        module: "professional_travel",
        entered: Text {
            en: "Each trip: the airports or stations, the class and the number of trips.",
            fr: "Chaque trajet : les aéroports ou gares, la classe et le nombre de trajets.",
        },
        formulas: &[Formula::Plane, Formula::Train],
        defaults: &[DefaultRule::RestOfWorldTrain],
    },
    ModuleMethod {
        module: "buildings",
        entered: Text {
            en: "The rooms the unit occupies (building, room, share) and the fuel burnt.",
            fr: "Les locaux occupés par l’unité (bâtiment, local, part) et les combustibles brûlés.",
        },
        formulas: &[Formula::RoomUse, Formula::RoomHeating, Formula::Embodied, Formula::Combustion],
        defaults: &[DefaultRule::DefaultBuilding],
    },
    ModuleMethod {
        module: "equipment",
        entered: Text {
            en: "Each piece of equipment: its class and sub-class, and its hours a week in use and on standby (blank: the class’s usual hours).",
            fr: "Chaque équipement : sa classe et sous-classe, et ses heures par semaine en marche et en veille (vide : les heures habituelles de la classe).",
        },
        formulas: &[Formula::Equipment],
        defaults: &[DefaultRule::FactorHours],
    },
    ModuleMethod {
        module: "purchase",
        entered: Text {
            en: "Each purchase: its code (UNSPSC, NACRES), the amount spent and its currency; consumables such as liquid nitrogen by quantity.",
            fr: "Chaque achat : son code (UNSPSC, NACRES), le montant dépensé et sa devise ; les consommables comme l’azote liquide en quantité.",
        },
        formulas: &[Formula::Purchase, Formula::AdditionalPurchase],
        defaults: &[],
    },
    ModuleMethod {
        module: "research_facilities",
        entered: Text {
            en: "The unit’s use of each research facility, in the facility’s unit of use.",
            fr: "L’utilisation par l’unité de chaque plateforme de recherche, dans l’unité d’usage de la plateforme.",
        },
        formulas: &[Formula::Facility, Formula::Animal],
        defaults: &[DefaultRule::ComputedFacilitySum],
    },
    ModuleMethod {
        module: "external_cloud_and_ai",
        entered: Text {
            en: "Cloud spending by provider and service, and AI use by provider, usage type and number of users.",
            fr: "Les dépenses de cloud par fournisseur et service, et l’usage de l’IA par fournisseur, type d’usage et nombre d’utilisateurs.",
        },
        formulas: &[Formula::Cloud, Formula::Ai],
        defaults: &[],
    },
    ModuleMethod {
        module: "process_emissions",
        entered: Text {
            en: "The kg of each gas emitted (CO₂, methane, nitrous oxide, refrigerants).",
            fr: "Les kg de chaque gaz émis (CO₂, méthane, protoxyde d’azote, réfrigérants).",
        },
        formulas: &[Formula::Process],
        defaults: &[],
    },
];

/// The methodology of `module`.
pub fn method_of(module: &str) -> Option<&'static ModuleMethod> {
    METHODS.iter().find(|m| m.module == module)
}

/// A formula's words in `lang`.
pub fn formula_words(lang: Lang, f: Formula) -> &'static str {
    match lang {
        Lang::En => f.en(),
        Lang::Fr => f.fr(),
    }
}

/// A default's words in `lang`.
pub fn default_words(lang: Lang, d: DefaultRule) -> &'static str {
    match lang {
        Lang::En => d.en(),
        Lang::Fr => d.fr(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MODULES;

    #[test]
    fn every_module_has_its_methodology_and_every_formula_is_explained_somewhere() {
        for m in MODULES {
            let method = method_of(m.key).unwrap_or_else(|| panic!("{} has no methodology", m.key));
            assert!(
                !method.formulas.is_empty() && !method.entered.en.is_empty() && method.entered.en != method.entered.fr
            );
        }
        let mut covered: Vec<Formula> = METHODS.iter().flat_map(|m| m.formulas.iter().copied()).collect();
        covered.extend([Formula::Override, Formula::ShareOfLastYear]);
        for f in Formula::ALL {
            assert!(covered.contains(&f), "{f:?} is in no module's methodology");
        }
        for d in DefaultRule::ALL {
            assert!(METHODS.iter().any(|m| m.defaults.contains(&d)), "{d:?} is in no module's methodology");
        }
        for s in &GUIDE {
            assert!(!s.paragraphs.is_empty() && s.title.en != s.title.fr, "{}", s.id);
        }
    }
}
