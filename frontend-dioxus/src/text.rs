//! Every text of the interface, in English and French, grouped by where it shows. Texts with
//! values in them are functions taking the language. Module names and statuses are in `model.rs`
//! with the rest of the module catalogue.

pub use crate::i18n::{Lang, Text};
use crate::text;

// The frame: header, navigation, footer, shared states.
text!(APP_NAME, "CO₂ Calculator", "Calculateur CO₂");
text!(SKIP_TO_CONTENT, "Skip to content", "Aller au contenu");
text!(
    FOOTER,
    "CO₂ Calculator — figures in tonnes of CO₂ equivalent (t CO₂e), GHG Protocol scopes 1–3.",
    "Calculateur CO₂ — chiffres en tonnes d'équivalent CO₂ (t CO₂e), scopes 1 à 3 du GHG Protocol."
);
text!(NAV_MAIN, "Main", "Principale");
text!(NAV_HOME, "Home", "Accueil");
text!(NAV_RESULTS, "Results", "Résultats");
text!(NAV_TEAM, "Team", "Équipe");
text!(NAV_IT, "IT manager", "Gestion IT");
text!(SIGN_OUT, "Sign out", "Se déconnecter");
text!(DEV_SIGN_IN_HINT, "Signed in through the development sign-in", "Connecté par l'accès de développement");
text!(LANGUAGE, "Language", "Langue");
text!(PICKER_REPORT, "Report", "Rapport");
text!(PICKER_UNIT, "Unit", "Unité");
text!(PICKER_YEAR, "Year", "Année");
text!(PICKER_CHOOSE_UNIT, "Choose a unit", "Choisir une unité");
text!(YEAR_CLOSED, "closed", "clôturée");
text!(LOADING, "Loading…", "Chargement…");

text!(CHECKING_SESSION, "Checking your session…", "Vérification de votre session…");
text!(OPENING_SIGN_IN, "Opening sign-in…", "Ouverture de la connexion…");
text!(
    SESSION_ENDED,
    "Your session has ended. Opening sign-in…",
    "Votre session a pris fin. Ouverture de la connexion…"
);
text!(UNREACHABLE, "The CO₂ Calculator could not be reached", "Le Calculateur CO₂ est injoignable");
text!(TRY_AGAIN, "Try again", "Réessayer");
text!(SOMETHING_WRONG, "Something went wrong", "Un problème est survenu");
text!(
    PAGE_NOT_SHOWN,
    "This page could not be shown. Try again in a moment.",
    "Cette page n'a pas pu être affichée. Réessayez dans un instant."
);
text!(NOT_ALLOWED, "Not allowed", "Accès refusé");
text!(
    ASK_FOR_ROLE,
    "If you need it, ask your unit's team manager or the IT manager to grant you the role.",
    "Si vous en avez besoin, demandez le rôle au responsable de votre unité ou au gestionnaire IT."
);
text!(BACK_TO_REPORT, "Back to my report", "Retour à mon rapport");
text!(THIS_REPORT, "this report", "ce rapport");
text!(T_CO2E, "t CO₂e", "t CO₂e");

pub fn not_allowed_to(lang: Lang, what: &str) -> String {
    match lang {
        Lang::En => format!("Your roles do not give access to {what}."),
        Lang::Fr => format!("Vos rôles ne donnent pas accès à {what}."),
    }
}

// Sign-in.
text!(LOGIN_TAGLINE, "Carbon footprint of university units", "Empreinte carbone des unités de l'université");
text!(CONTINUE_TO_REPORT, "Continue to your report", "Continuer vers votre rapport");
text!(DEV_SIGN_IN, "Development sign-in", "Connexion de développement");
text!(
    DEV_SIGN_IN_NOTE,
    " — for local and test environments only. Production uses the university's single sign-on.",
    " — pour les environnements locaux et de test uniquement. La production passe par l'authentification unique de l'université."
);
text!(
    DEV_UNAVAILABLE,
    "Development sign-in is not available here",
    "La connexion de développement n'est pas disponible ici"
);
text!(
    DEV_UNAVAILABLE_TEXT,
    "This deployment does not offer the development sign-in. Sign in through your institution's single sign-on.",
    "Ce déploiement n'offre pas la connexion de développement. Connectez-vous par l'authentification unique de votre institution."
);
text!(SIGN_IN_AS, "Sign in as", "Se connecter en tant que");
text!(
    UNIT_HINT,
    "Institutional id of the unit, e.g. 9001 for the demo lab.",
    "Identifiant institutionnel de l'unité, p. ex. 9001 pour le laboratoire de démonstration."
);
text!(
    ADMIN_UNIT_HINT,
    "The IT manager's role covers every unit.",
    "Le rôle de gestionnaire IT couvre toutes les unités."
);
text!(SIGN_IN, "Sign in", "Se connecter");
text!(SIGNING_IN, "Signing in…", "Connexion…");
text!(
    COOKIES_BLOCKED,
    "Signed in, but the session was not kept. Are cookies blocked for this site?",
    "Connexion réussie, mais la session n'a pas été conservée. Les cookies sont-ils bloqués pour ce site ?"
);

pub fn signed_in_as(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En => format!("You are signed in as {name}. "),
        Lang::Fr => format!("Vous êtes connecté en tant que {name}. "),
    }
}

// Home.
text!(OPENING_REPORT, "Opening your report…", "Ouverture de votre rapport…");
text!(NO_UNIT_TITLE, "No unit yet", "Pas encore d'unité");
text!(
    NO_UNIT_TEXT,
    "Your account is not a member of any unit. Ask your unit's team manager to add you.",
    "Votre compte n'appartient à aucune unité. Demandez au responsable de votre unité de vous ajouter."
);
text!(
    NO_YEAR_TEXT,
    "No report year has been opened for this unit yet. The IT manager opens years for all units.",
    "Aucune année n'est encore ouverte pour cette unité. Le gestionnaire IT ouvre les années pour toutes les unités."
);
text!(REPORT_NOT_OPENED, "Your report could not be opened", "Votre rapport n'a pas pu être ouvert");

pub fn no_year_title(lang: Lang, unit: &str) -> String {
    match lang {
        Lang::En => format!("No report year for unit {unit}"),
        Lang::Fr => format!("Aucune année de rapport pour l'unité {unit}"),
    }
}

// The report page and module cards.
text!(LOADING_REPORT, "Loading the report…", "Chargement du rapport…");
text!(TOTAL_ENTERED, "Total entered", "Total saisi");
text!(ALL_MODULES_ANY_STATUS, "All modules, validated or not", "Tous les modules, validés ou non");
text!(VALIDATED_MODULES, "Validated modules", "Modules validés");
text!(CORE_TOTAL, "Core total", "Total principal");
text!(VALIDATED_ONLY, "Validated modules only", "Modules validés uniquement");
text!(MODULES, "Modules", "Modules");
text!(SEE_RESULTS, "See the results", "Voir les résultats");

pub fn unit_report(lang: Lang, unit: &str, year: i32) -> String {
    match lang {
        Lang::En => format!("Unit {unit} · Report {year}"),
        Lang::Fr => format!("Unité {unit} · Rapport {year}"),
    }
}

pub fn entries(lang: Lang, n: i64) -> String {
    match (lang, n) {
        (Lang::En, 1) => "1 entry".to_owned(),
        (Lang::En, n) => format!("{n} entries"),
        (Lang::Fr, 0 | 1) => format!("{n} saisie"),
        (Lang::Fr, n) => format!("{n} saisies"),
    }
}

// Results.
text!(RESULTS_TITLE, "Results", "Résultats");
text!(LOADING_RESULTS, "Loading the results…", "Chargement des résultats…");
text!(BASIS, "Counted modules", "Modules comptés");
text!(BASIS_VALIDATED, "Validated modules", "Modules validés");
text!(BASIS_ALL, "All modules (draft)", "Tous les modules (brouillon)");
text!(
    BASIS_ALL_HINT,
    "Figures include modules not validated yet: they may still change.",
    "Les chiffres incluent des modules pas encore validés : ils peuvent encore changer."
);
text!(FIG_TOTAL, "Carbon footprint", "Empreinte carbone");
text!(FIG_PER_FTE, "Per full-time equivalent", "Par équivalent plein temps");
text!(FIG_YOY, "Change on the year before", "Évolution sur l'année précédente");
text!(FIG_CAR_KM, "Same as driving", "Autant qu'un trajet en voiture de");
text!(T_PER_FTE, "t CO₂e / FTE", "t CO₂e / EPT");
text!(KM_BY_CAR, "km", "km");
text!(NO_FTE, "no FTE in the counted headcount", "aucun EPT dans l'effectif compté");
text!(NO_PREVIOUS, "no figures for the year before", "pas de chiffres pour l'année précédente");
text!(BY_MODULE, "By module and scope", "Par module et par scope");
text!(BY_CATEGORY, "By category", "Par catégorie");
text!(ADDITIONAL, "Additional categories", "Catégories additionnelles");
text!(
    ADDITIONAL_HINT,
    "Reported apart: not part of the carbon footprint above.",
    "Présentées à part : elles ne font pas partie de l'empreinte ci-dessus."
);
text!(IT_FOCUS, "IT focus", "Focus informatique");
text!(IT_TOP_EQUIPMENT, "Heaviest IT equipment classes", "Classes d'équipement informatique les plus lourdes");
text!(IT_TOP_PURCHASES, "Heaviest IT purchase classes", "Classes d'achats informatiques les plus lourdes");
text!(HIDE_FACILITIES, "Leave research facilities out", "Exclure les infrastructures de recherche");
text!(HIDE_ADDITIONAL, "Hide the additional categories", "Masquer les catégories additionnelles");
text!(PER_FTE_CHART, "By category, per full-time equivalent", "Par catégorie, par équivalent plein temps");

/// The rest of a breakdown beyond its top classes.
pub fn other_classes(lang: Lang, n: usize) -> String {
    match lang {
        Lang::En => format!("{n} other classes"),
        Lang::Fr => format!("{n} autres classes"),
    }
}

/// What a per-FTE figure divides by.
pub fn fte_basis(lang: Lang, fte: f64) -> String {
    let n = crate::model::number_in(lang, fte, 1);
    match lang {
        Lang::En => format!("Divided by the unit's {n} full-time equivalents (headcount module)."),
        Lang::Fr => format!("Divisé par les {n} équivalents plein temps de l'unité (module effectifs)."),
    }
}
text!(
    IT_FOCUS_HINT,
    "IT equipment, IT purchases, cloud and AI, IT research facilities.",
    "Équipement informatique, achats informatiques, cloud et IA, plateformes de calcul."
);
text!(SCOPE_1, "Scope 1", "Scope 1");
text!(SCOPE_2, "Scope 2", "Scope 2");
text!(SCOPE_3, "Scope 3", "Scope 3");
text!(SCOPE_1_HINT, "direct emissions", "émissions directes");
text!(SCOPE_2_HINT, "purchased energy", "énergie achetée");
text!(SCOPE_3_HINT, "other indirect", "autres indirectes");
text!(MODULE, "Module", "Module");
text!(CATEGORY, "Category", "Catégorie");
text!(STATUS, "Status", "Statut");
text!(TOTAL, "Total", "Total");
text!(SHARE, "Share", "Part");
text!(NOTHING_YET, "Nothing to show yet", "Rien à afficher pour l'instant");
text!(
    NOTHING_YET_VALIDATED,
    "No module of this report is validated. Switch to all modules to see the draft figures.",
    "Aucun module de ce rapport n'est validé. Affichez tous les modules pour voir les chiffres provisoires."
);
text!(DOWNLOAD_CHART, "Download PNG", "Télécharger en PNG");
text!(PDF_REPORT, "PDF report", "Rapport PDF");
text!(EXPORT_XLSX, "Excel workbook", "Classeur Excel");
text!(EXPORT_CSV, "CSV files (ZIP)", "Fichiers CSV (ZIP)");
text!(EXPORT_PREPARING, "Preparing the file…", "Préparation du fichier…");
text!(EXPORT_DOWNLOAD, "Download", "Télécharger");
text!(EXPORT_FAILED, "The file could not be made", "Le fichier n'a pas pu être produit");

pub fn percent_change(lang: Lang, pct: f64, previous_year: i32) -> String {
    let sign = if pct > 0.0 { "+" } else { "" };
    let pct = crate::model::number_in(lang, pct, 1);
    match lang {
        Lang::En => format!("{sign}{pct} % on {previous_year}"),
        Lang::Fr => format!("{sign}{pct} % par rapport à {previous_year}"),
    }
}

pub fn chart_of(lang: Lang, what: &str, unit: &str, year: i32) -> String {
    match lang {
        Lang::En => format!("{what}, unit {unit}, {year}"),
        Lang::Fr => format!("{what}, unité {unit}, {year}"),
    }
}

// The team manager's area.
text!(TEAM_MANAGER, "Team manager", "Responsable d'unité");
text!(TEAM_AREA, "the team manager area", "l'espace du responsable d'unité");
text!(TEAM_VALIDATION, "Validation", "Validation");
text!(TEAM_PROGRESS, "Progress", "Avancement");
text!(TEAM_EXPORTS, "Exports", "Exports");
text!(
    TEAM_HOME_LEAD,
    "The members of your unit and what they may do in the calculator.",
    "Les membres de votre unité et ce qu'ils peuvent faire dans le calculateur."
);
text!(
    TEAM_VALIDATION_LEAD,
    "Validate each module once its data is complete: it becomes read-only and counts in the official figures. Reopen it to correct it.",
    "Validez chaque module une fois ses données complètes : il passe en lecture seule et compte dans les chiffres officiels. Rouvrez-le pour le corriger."
);
text!(STATUS_NOT_CHANGED, "The status could not be changed", "Le statut n'a pas pu être modifié");
text!(ENTRIES, "Entries", "Saisies");
text!(ACTIONS, "Actions", "Actions");
text!(VALIDATE, "Validate", "Valider");
text!(PER_PAGE, "Per page", "Par page");
text!(MODULES_IN_DETAIL, "Each module in detail", "Chaque module en détail");
text!(TRIPS_MAP, "Where the unit travels", "Où l'unité voyage");
text!(ROUTE, "Route", "Trajet");
text!(TRIPS, "Trips", "Voyages");
text!(PLANE, "Plane", "Avion");
text!(TRAIN, "Train", "Train");

/// Trips the map cannot place.
pub fn trips_unplaced(lang: Lang, n: i64) -> String {
    match lang {
        Lang::En => format!("{n} trips are not on the map: the reference does not know their airports or stations."),
        Lang::Fr => {
            format!("{n} voyages ne sont pas sur la carte : la référence ne connaît pas leurs aéroports ou gares.")
        }
    }
}
text!(OPEN_MODULE, "Open the module's page", "Ouvrir la page du module");
text!(REQUEST_CHANGE, "Request a change", "Demander une modification");
text!(CHANGE_REQUEST_WHAT, "What should change, and why", "Ce qui doit changer, et pourquoi");
text!(CHANGE_REQUEST_SEND, "Send the request", "Envoyer la demande");

/// Who leads the unit: whom a member asks.
pub fn unit_heads(lang: Lang, names: &str) -> String {
    match lang {
        Lang::En => format!("The unit's team manager: {names}."),
        Lang::Fr => format!("Responsable de l'unité : {names}."),
    }
}

/// A change request that reached its readers.
pub fn change_request_sent(lang: Lang, names: &str) -> String {
    match lang {
        Lang::En => format!("Your request was sent to {names}."),
        Lang::Fr => format!("Votre demande a été envoyée à {names}."),
    }
}
text!(ROUND_TRIP, "Round trip: the return counts too", "Aller-retour : le retour compte aussi");
text!(SHOW_TABLE, "Show the figures", "Afficher les chiffres");

/// The heading of a module chart (`BreakdownChart::key`).
pub fn breakdown_title(lang: Lang, key: &str) -> String {
    let (en, fr) = match key {
        "by_haul_and_class" => ("Trips by mode, haul and class", "Voyages par mode, distance et classe"),
        "energy_by_building" => ("Room energy by building", "Énergie des locaux par bâtiment"),
        "embodied_by_building" => ("Embodied energy by building", "Énergie grise par bâtiment"),
        "combustion_by_fuel" => ("Combustion by fuel", "Combustion par combustible"),
        "by_class" => ("By equipment class", "Par classe d'équipement"),
        "by_category" => ("By purchase category", "Par catégorie d'achat"),
        "by_facility" => ("By facility", "Par infrastructure"),
        "by_provider" => ("By provider", "Par fournisseur"),
        "by_gas" => ("By gas", "Par gaz"),
        "fte_by_position" => ("Full-time equivalents by position", "Équivalents plein temps par fonction"),
        other => (other, other),
    };
    match lang {
        Lang::En => en.to_owned(),
        Lang::Fr => fr.to_owned(),
    }
}

/// The group that sums a chart's lightest entries.
pub fn other_entries(lang: Lang, entries: i64) -> String {
    match lang {
        Lang::En => format!("Others ({entries} entries)"),
        Lang::Fr => format!("Autres ({entries} saisies)"),
    }
}
text!(REOPEN, "Reopen", "Rouvrir");
text!(
    TEAM_PROGRESS_LEAD,
    "How far the unit's report has come, and how its footprint moves from year to year.",
    "Où en est le rapport de l'unité, et comment son empreinte évolue d'une année à l'autre."
);
text!(STILL_TO_VALIDATE, "Still to validate", "Reste à valider");
text!(ALL_VALIDATED, "Every module is validated.", "Tous les modules sont validés.");
text!(TREND, "Footprint by year", "Empreinte par année");
text!(
    TREND_HINT,
    "Validated modules of each report year, in t CO₂e.",
    "Modules validés de chaque année de rapport, en t CO₂e."
);
text!(
    TEAM_EXPORTS_LEAD,
    "Download the unit's results and every entry behind them.",
    "Téléchargez les résultats de l'unité et toutes les saisies qui les fondent."
);
text!(
    EXPORTS_HINT,
    "Workbook and CSV files hold the totals, every entry with its emission rows and the factors used. The PDF is the printable report.",
    "Le classeur et les fichiers CSV contiennent les totaux, chaque saisie avec ses lignes d'émission et les facteurs utilisés. Le PDF est le rapport imprimable."
);

pub fn unit_of(lang: Lang, unit: &str) -> String {
    match lang {
        Lang::En => format!("Unit {unit}"),
        Lang::Fr => format!("Unité {unit}"),
    }
}

// Jobs.
text!(JOB_QUEUED, "Queued", "En attente");
text!(JOB_RUNNING, "Running", "En cours");
text!(JOB_SUCCEEDED, "Done", "Terminé");
text!(JOB_FAILED, "Failed", "Échoué");

// The IT manager's area.
text!(IT_AREA, "the IT manager area", "l'espace du gestionnaire IT");
text!(IT_MANAGER, "IT manager", "Gestionnaire IT");
text!(IT_YEARS, "Years", "Années");
text!(IT_FACTORS, "Factors", "Facteurs");
text!(IT_REFERENCE, "Reference data", "Données de référence");
text!(IT_RECALCULATION, "Recalculation", "Recalcul");
text!(IT_PIPELINES, "Pipelines", "Traitements");
text!(IT_ROLES, "Roles", "Rôles");
text!(IT_TOKENS, "API tokens", "Jetons d'API");
text!(IT_AUDIT, "Audit", "Audit");
text!(IT_REPORTING, "Reporting", "Rapports");
text!(IT_ONLY, "(IT manager only)", "(gestionnaire IT uniquement)");
text!(
    IT_YEARS_LEAD,
    "Report years of every unit. A closed year takes no more changes.",
    "Années de rapport de toutes les unités. Une année clôturée n'accepte plus de modification."
);
text!(OPEN, "Open", "Ouverte");
text!(CLOSED, "Closed", "Clôturée");
text!(CLOSE_YEAR, "Close", "Clôturer");
text!(REOPEN_YEAR, "Reopen", "Rouvrir");
text!(NEW_YEAR, "New year", "Nouvelle année");
text!(CREATE_YEAR, "Open the year", "Ouvrir l'année");
text!(YEAR_NOT_CHANGED, "The year could not be changed", "L'année n'a pas pu être modifiée");
text!(
    IT_FACTORS_LEAD,
    "Emission factors per year and file. An upload updates factors in place, lists the ones it leaves out as stale, and recalculates the entries they serve.",
    "Facteurs d'émission par année et par fichier. Un envoi met les facteurs à jour sur place, marque comme obsolètes ceux qu'il omet et recalcule les saisies concernées."
);
text!(FILE, "File", "Fichier");
text!(CURRENT, "In use", "En usage");
text!(STALE, "Stale", "Obsolètes");
text!(LAST_CHANGE, "Last change", "Dernière modification");
text!(UPLOAD, "Upload", "Envoyer");
text!(CHOOSE_CSV, "CSV file", "Fichier CSV");
text!(UPLOAD_REFUSED, "The file was refused", "Le fichier a été refusé");
text!(RECALCULATING, "Recalculating the entries these factors serve", "Recalcul des saisies concernées");
text!(SHOW_STALE, "Show the stale factors", "Voir les facteurs obsolètes");
text!(
    IT_RECALC_LEAD,
    "Compute entries again with the current factors: a year, or one of its modules. Validated modules change only this way, and every run is audited.",
    "Recalculer les saisies avec les facteurs actuels : une année, ou l'un de ses modules. Les modules validés ne changent que par ce chemin, et chaque calcul est journalisé."
);
text!(ALL_MODULES, "Every module", "Tous les modules");
text!(START_RECALC, "Recalculate", "Recalculer");
text!(RECALC_REFUSED, "The recalculation could not start", "Le recalcul n'a pas pu démarrer");

pub fn stored_and_stale(lang: Lang, stored: usize, stale: u64, entries: i64) -> String {
    match lang {
        Lang::En => format!("{stored} factors stored, {stale} newly stale; {entries} entries to recalculate."),
        Lang::Fr => {
            format!("{stored} facteurs enregistrés, {stale} devenus obsolètes ; {entries} saisies à recalculer.")
        }
    }
}

pub fn recalc_started(lang: Lang, entries: i64, slices: usize) -> String {
    match lang {
        Lang::En => format!("{entries} entries in {slices} slices."),
        Lang::Fr => format!("{entries} saisies en {slices} tranches."),
    }
}

// Module pages.
text!(UNKNOWN_MODULE, "Unknown module", "Module inconnu");
text!(MODULE_TOTAL, "Module total", "Total du module");
text!(FIELDS_NEED_ATTENTION, "Some fields need attention.", "Certains champs sont à corriger.");
text!(ENTRY_DELETED, "Entry deleted.", "Saisie supprimée.");
text!(
    MODULE_READ_ONLY,
    "This module is validated, so its entries are read-only. A team manager can reopen it to make changes.",
    "Ce module est validé : ses saisies sont en lecture seule. Un responsable d'unité peut le rouvrir pour les modifier."
);
text!(
    VIEW_ONLY_ROLE,
    "Your role lets you view this module; the unit's team manager enters its data.",
    "Votre rôle vous permet de consulter ce module ; le responsable de l'unité en saisit les données."
);
text!(ADD_EQUIPMENT, "Add equipment", "Ajouter un équipement");
text!(EDIT_EQUIPMENT, "Edit equipment", "Modifier l'équipement");
text!(LOADING_ENTRIES, "Loading entries…", "Chargement des saisies…");
text!(ENTRIES_NOT_LOADED, "The entries could not be loaded", "Les saisies n'ont pas pu être chargées");
text!(ENTRY_PAGES, "Entry pages", "Pages de saisies");
text!(PREVIOUS, "← Previous", "← Précédent");
text!(NEXT, "Next →", "Suivant →");
text!(
    EQUIPMENT_LEAD,
    "Electricity used by scientific, IT and other equipment, from its power and weekly hours of use.",
    "Électricité consommée par les équipements scientifiques, informatiques et autres, selon leur puissance et leurs heures d'usage hebdomadaires."
);

pub fn module_of_8(lang: Lang, position: u8) -> String {
    match lang {
        Lang::En => format!("Module {position} of 8"),
        Lang::Fr => format!("Module {position} sur 8"),
    }
}

pub fn entry_done(lang: Lang, name: &str, edited: bool) -> String {
    match (lang, edited) {
        (Lang::En, true) => format!("“{name}” saved."),
        (Lang::En, false) => format!("“{name}” added."),
        (Lang::Fr, true) => format!("« {name} » enregistré."),
        (Lang::Fr, false) => format!("« {name} » ajouté."),
    }
}

pub fn page_of(lang: Lang, current: u32, pages: u32, total: i64) -> String {
    match lang {
        Lang::En => format!("Page {current} of {pages} · {total} entries"),
        Lang::Fr => format!("Page {current} sur {pages} · {total} saisies"),
    }
}

// The equipment table.
text!(COL_INVENTORY_ID, "Inventory id", "N° d'inventaire");
text!(COL_NAME, "Name", "Nom");
text!(COL_CLASS, "Class", "Classe");
text!(COL_SUB_CLASS, "Sub-class", "Sous-classe");
text!(COL_ACTIVE, "Active h/wk", "Actif h/sem.");
text!(COL_ACTIVE_LONG, "Active hours per week", "Heures d'activité par semaine");
text!(COL_STANDBY, "Standby h/wk", "Veille h/sem.");
text!(COL_STANDBY_LONG, "Standby hours per week", "Heures de veille par semaine");
text!(ABOVE_THRESHOLD, "Above this year's threshold for this type", "Au-dessus du seuil de l'année pour ce type");
text!(
    NOT_COMPUTED,
    "No emission could be computed for this entry.",
    "Aucune émission n'a pu être calculée pour cette saisie."
);
text!(INCOMPLETE, "incomplete", "incomplet");
text!(DELETE_Q, "Delete?", "Supprimer ?");
text!(DELETE, "Delete", "Supprimer");
text!(CANCEL, "Cancel", "Annuler");
text!(EDIT, "Edit", "Modifier");

pub fn named(lang: Lang, action: Text, name: &str) -> String {
    format!("{} {name}", action.get(lang))
}

// The equipment form.
text!(
    HINT_CLASS,
    "As named in the year's equipment factors, e.g. Centrifugation.",
    "Telle que nommée dans les facteurs d'équipement de l'année, p. ex. Centrifugation."
);
text!(
    HINT_ACTIVE,
    "0–168; blank uses the usual value for the class.",
    "0 à 168 ; vide : la valeur habituelle de la classe."
);
text!(HINT_STANDBY, "Active + standby ≤ 168.", "Actif + veille ≤ 168.");
text!(NOTE, "Note", "Remarque");
text!(SAVING, "Saving…", "Enregistrement…");
text!(SAVE_CHANGES, "Save changes", "Enregistrer");
text!(REQUIRED, " (required)", " (obligatoire)");

// The upload panel.
text!(CHOOSE_FILE_FIRST, "Choose a CSV file first.", "Choisissez d'abord un fichier CSV.");
text!(UPLOAD_TITLE, "Upload a CSV or XLSX file", "Envoyer un fichier CSV ou XLSX");
text!(UPLOAD_COLUMNS, "Columns as in the template of each type:", "Colonnes comme dans le modèle de chaque type :");
text!(UPLOAD_ROWS_SKIPPED, "Rows with errors are skipped and listed", "Les lignes en erreur sont écartées et listées");
text!(NEW_ROWS, "The new rows…", "Les nouvelles lignes…");
text!(MODE_APPEND, "are added to the entries already there", "s'ajoutent aux saisies existantes");
text!(
    MODE_REPLACE,
    "replace the rows loaded from earlier files (entries typed in are kept)",
    "remplacent les lignes des fichiers précédents (les saisies manuelles sont gardées)"
);
text!(UPLOADING, "Uploading…", "Envoi…");
text!(PREPARING_UPLOAD, "Preparing the upload…", "Préparation de l'envoi…");
text!(SENDING_FILE, "Sending the file…", "Envoi du fichier…");
text!(JOB_PROCESSING, "Processing", "Traitement");
text!(JOB_SUCCEEDED_UPLOAD, "Succeeded", "Réussi");
text!(ALL_ROWS_LOADED, "All rows were loaded.", "Toutes les lignes ont été chargées.");
text!(NO_ROW_LOADED, "No row could be loaded.", "Aucune ligne n'a pu être chargée.");
text!(SOME_ROWS_SKIPPED, "Some rows were skipped.", "Certaines lignes ont été écartées.");
text!(UPLOAD_PROGRESS, "Upload progress", "Avancement de l'envoi");
text!(ROWS_LOADED, "Rows loaded", "Lignes chargées");
text!(ROWS_SKIPPED, "Rows skipped", "Lignes écartées");
text!(FIRST_ROW_ERRORS, "First row errors", "Premières erreurs");
text!(ROW, "Row", "Ligne");
text!(COLUMN, "Column", "Colonne");
text!(PROBLEM, "Problem", "Problème");
text!(FULL_ERROR_REPORT, "Download the full error report (CSV)", "Télécharger le rapport d'erreurs complet (CSV)");

// The pipelines console.
text!(
    IT_PIPELINES_LEAD,
    "Every upload, drop, recalculation and export, latest first. A message that kept failing was dead-lettered and its job failed with the reason.",
    "Chaque envoi, dépôt, recalcul et export, du plus récent au plus ancien. Un message en échec répété est mis de côté et sa tâche échoue avec la raison."
);
text!(ANY, "Any", "Tous");
text!(KIND, "Kind", "Type");
text!(STARTED, "Started", "Lancée");
text!(ROWS, "Rows", "Lignes");
text!(REFRESH, "Refresh", "Actualiser");
text!(ABORT, "Abort", "Interrompre");
text!(RETRY, "Retry", "Relancer");
text!(NO_JOB, "No job matches.", "Aucune tâche ne correspond.");
text!(JOB_ACTION_FAILED, "The job could not be changed", "La tâche n'a pas pu être modifiée");

// Roles, API tokens and the audit log (IT manager).
text!(
    IT_ROLES_LEAD,
    "Who may do what, and where. A change takes effect at the person's next action.",
    "Qui peut faire quoi, et où. Un changement s'applique dès la prochaine action de la personne."
);
text!(ROLE, "Role", "Rôle");
text!(PERSON, "Person", "Personne");
text!(PERSON_ID, "Institutional id", "Identifiant institutionnel");
text!(DISPLAY_NAME, "Name (for a new person)", "Nom (pour une nouvelle personne)");
text!(SCOPE, "Scope", "Portée");
text!(GLOBAL, "Everything", "Tout");
text!(GRANTED, "Granted", "Attribué");
text!(GRANT_ROLE, "Grant the role", "Attribuer le rôle");
text!(REVOKE, "Revoke", "Révoquer");
text!(SEARCH_PERSON, "Person (id or name)", "Personne (identifiant ou nom)");
text!(NO_ASSIGNMENT, "No role assignment matches.", "Aucune attribution de rôle ne correspond.");
text!(ROLE_NOT_CHANGED, "The role could not be changed", "Le rôle n'a pas pu être modifié");
text!(
    IT_TOKENS_LEAD,
    "Personal tokens for scripts calling the API, acting with their owner's roles. A token is shown once; revoke it as soon as it is no longer needed.",
    "Jetons personnels pour les scripts qui appellent l'API, avec les rôles de leur titulaire. Un jeton n'est affiché qu'une fois ; révoquez-le dès qu'il ne sert plus."
);
text!(TOKEN_NAME, "Name", "Nom");
text!(TOKEN_SCOPE_READ, "Read only", "Lecture seule");
text!(TOKEN_SCOPE_WRITE, "Read and write", "Lecture et écriture");
text!(EXPIRES_IN_DAYS, "Valid for (days)", "Validité (jours)");
text!(CREATE_TOKEN, "Create the token", "Créer le jeton");
text!(OWNER, "Owner", "Titulaire");
text!(EXPIRES, "Expires", "Expire");
text!(LAST_USED, "Last used", "Dernière utilisation");
text!(NEVER, "never", "jamais");
text!(TOKEN_ACTIVE, "Active", "Actif");
text!(TOKEN_EXPIRED, "Expired", "Expiré");
text!(TOKEN_REVOKED, "Revoked", "Révoqué");
text!(NO_TOKEN, "No API token yet.", "Aucun jeton d'API pour l'instant.");
text!(
    TOKEN_SHOWN_ONCE,
    "Copy this token now: it will not be shown again. Send it as “Authorization: Bearer <token>”.",
    "Copiez ce jeton maintenant : il ne sera plus affiché. Envoyez-le comme « Authorization: Bearer <jeton> »."
);
text!(TOKEN_NOT_CHANGED, "The token could not be changed", "Le jeton n'a pas pu être modifié");
// The GHG Protocol inventory (IT manager, back office).
text!(IT_INVENTORY, "GHG inventory", "Inventaire GES");
text!(
    IT_INVENTORY_LEAD,
    "The year's inventory as the GHG Protocol reports it: Scope 1 by source, Scope 2 location-based, Scope 3 by its 15 categories. A published version never changes; a later recalculation shows as a restatement.",
    "L'inventaire de l'année tel que le GHG Protocol le présente : scope 1 par source, scope 2 selon la localisation, scope 3 par ses 15 catégories. Une version publiée ne change jamais ; un recalcul ultérieur apparaît comme un retraitement."
);
text!(SUBTREE, "Faculty, institute or unit", "Faculté, institut ou unité");
text!(WHOLE_INSTITUTION, "the whole institution", "toute l'institution");
text!(INVENTORY_LINE, "Line", "Ligne");
text!(OF_WHICH_ADDITIONAL, "of which campus averages", "dont moyennes du campus");
text!(NOT_REPORTED, "Not reported", "Non déclarée");
text!(SCOPE_1_TOTAL, "Scope 1", "Scope 1");
text!(SCOPE_2_TOTAL, "Scope 2 (location-based)", "Scope 2 (localisation)");
text!(SCOPE_3_TOTAL, "Scope 3", "Scope 3");
text!(BASE_YEAR, "Base year", "Année de référence");
text!(DOWNLOAD_CSV, "Download CSV", "Télécharger en CSV");
text!(PUBLISH, "Publish this inventory", "Publier cet inventaire");
text!(PUBLICATION_NOTE, "Note for this version", "Note de cette version");
text!(PUBLISHED_VERSIONS, "Published versions", "Versions publiées");
text!(NO_PUBLICATION, "Nothing published for this year yet", "Rien de publié pour cette année");
text!(VERSION, "Version", "Version");
text!(PUBLISHED_ON, "Published", "Publiée le");
text!(BY, "By", "Par");
text!(COMPARE_WITH_NOW, "Compare with now", "Comparer avec maintenant");
text!(NO_CHANGE_SINCE, "No line changed since this version.", "Aucune ligne n'a changé depuis cette version.");
text!(CHANGED_SINCE, "Changed since this version", "Changé depuis cette version");
text!(PUBLISHED_KG, "Published", "Publié");
text!(NOW_KG, "Now", "Maintenant");
text!(DIFFERENCE, "Difference", "Écart");
text!(FACTOR_UPLOADS_SINCE, "Factor uploads since", "Facteurs chargés depuis");
text!(NOT_PUBLISHED, "The inventory could not be published", "L'inventaire n'a pas pu être publié");

/// "2 of 14 units have validated every module (38 % of the FTE)."
pub fn coverage_sentence(lang: Lang, validated: usize, units: usize, fte_share: Option<f64>) -> String {
    let share = fte_share.map(|s| crate::model::number_in(lang, s * 100.0, 0));
    match (lang, share) {
        (Lang::En, Some(s)) => format!("{validated} of {units} units have validated every module ({s} % of the FTE)."),
        (Lang::En, None) => format!("{validated} of {units} units have validated every module."),
        (Lang::Fr, Some(s)) => format!("{validated} unités sur {units} ont validé tous leurs modules ({s} % des EPT)."),
        (Lang::Fr, None) => format!("{validated} unités sur {units} ont validé tous leurs modules."),
    }
}

/// "They hold 40 % of the floor area entered." (none without any room entered)
pub fn floor_area_sentence(lang: Lang, share: Option<f64>) -> String {
    let Some(share) = share.map(|s| crate::model::number_in(lang, s * 100.0, 0)) else { return String::new() };
    match lang {
        Lang::En => format!("They hold {share} % of the floor area entered."),
        Lang::Fr => format!("Elles occupent {share} % de la surface saisie."),
    }
}

/// "Extrapolated to every unit by FTE: 123.45 t."
pub fn extrapolated_sentence(lang: Lang, tonnes: &str) -> String {
    match lang {
        Lang::En => format!("Extrapolated to every unit by FTE: {tonnes} t."),
        Lang::Fr => format!("Extrapolé à toutes les unités selon les EPT : {tonnes} t."),
    }
}

// A row the sustainability office loaded for every unit.
text!(CENTRALLY_FED, "Loaded by the office", "Chargée par le bureau");
text!(
    CENTRALLY_FED_HINT,
    "The sustainability office loaded this row for every unit; ask the office to change it.",
    "Le bureau de la durabilité a chargé cette ligne pour toutes les unités ; demandez-lui de la modifier."
);
text!(AGENCY_TRIP, "Travel agency", "Agence de voyage");
text!(
    AGENCY_TRIP_HINT,
    "This trip comes from the travel agency's export; it changes with the agency's next export.",
    "Ce trajet vient de l'export de l'agence de voyage ; il change avec son prochain export."
);
// People's sessions (IT manager) and signing out everywhere.
text!(SESSIONS, "Sessions", "Sessions");
text!(SESSIONS_OF, "Sessions of", "Sessions de");
text!(
    SESSIONS_HINT,
    "An ended session is refused at its next request, by every part of the application.",
    "Une session terminée est refusée dès sa requête suivante, par toute l'application."
);
text!(SESSION_VIA, "Signed in with", "Connexion par");
text!(SESSION_VIA_OIDC, "identity provider", "fournisseur d'identité");
text!(SESSION_VIA_DEV, "development sign-in", "connexion de développement");
text!(SESSION_ACTIVE, "Active", "Active");
text!(SESSION_EXPIRED, "Expired", "Expirée");
text!(SESSION_STATE_ENDED, "Ended", "Terminée");
text!(SESSION_OPENED, "Opened", "Ouverte");
text!(END_SESSION, "End", "Terminer");
text!(END_ALL_SESSIONS, "End all sessions", "Terminer toutes les sessions");
text!(NO_SESSION, "No session", "Aucune session");
text!(CLOSE, "Close", "Fermer");
text!(SESSION_NOT_CHANGED, "The session could not be ended", "La session n'a pas pu être terminée");
text!(SIGN_OUT_EVERYWHERE, "Sign out everywhere", "Se déconnecter partout");
text!(
    SIGN_OUT_EVERYWHERE_HINT,
    "Ends your sessions on every device and browser",
    "Termine vos sessions sur tous les appareils et navigateurs"
);
text!(
    IT_AUDIT_LEAD,
    "Every change and sign-in, in a log where each entry seals the previous one: an edited or removed entry breaks the chain.",
    "Chaque modification et connexion, dans un journal où chaque entrée scelle la précédente : une entrée modifiée ou supprimée rompt la chaîne."
);
text!(ACTOR, "Who", "Qui");
text!(ACTION, "Action", "Action");
text!(
    ACTION_HINT,
    "an action, or a family ending with “.” (role.)",
    "une action, ou une famille terminée par « . » (role.)"
);
text!(TARGET, "On", "Sur");
text!(WHEN, "When", "Quand");
text!(FROM_DAY, "From", "Du");
text!(TO_DAY, "To", "Au");
text!(APPLY_FILTERS, "Filter", "Filtrer");
text!(EXPORT_CSV_FILE, "Export as CSV", "Exporter en CSV");
text!(OLDER, "Older entries", "Entrées plus anciennes");
text!(NEWEST, "Newest entries", "Entrées les plus récentes");
text!(NO_AUDIT_ENTRY, "No entry matches.", "Aucune entrée ne correspond.");
text!(DETAILS, "Details", "Détails");
text!(VERIFY_CHAIN, "Verify the chain", "Vérifier la chaîne");

/// The outcome of the audit chain check.
pub fn chain_checked(lang: Lang, checked: i64, first_broken: Option<i64>) -> String {
    match (lang, first_broken) {
        (Lang::En, None) => format!("Intact: {checked} entries checked."),
        (Lang::Fr, None) => format!("Intacte : {checked} entrées vérifiées."),
        (Lang::En, Some(id)) => format!("Broken at entry {id}: the log was altered there."),
        (Lang::Fr, Some(id)) => format!("Rompue à l'entrée {id} : le journal y a été modifié."),
    }
}

// Cross-unit reporting and reference data.
text!(
    IT_REPORTING_LEAD,
    "The units within your scope, by faculty or institute, completion and a module's state: where they stand, what their validated modules add up to, and each unit's row — as CSV, JSON or one PDF.",
    "Les unités de votre périmètre, par faculté ou institut, avancement et état d'un module : où elles en sont, ce que totalisent leurs modules validés et la ligne de chaque unité — en CSV, JSON ou un PDF."
);
text!(COMPLETION, "Completion", "Avancement");
text!(ALL_UNITS, "All", "Toutes");
text!(VALIDATED_TOTAL, "Validated total", "Total validé");
text!(ENTRIES_ABOVE_THRESHOLD, "Entries above threshold", "Saisies au-dessus du seuil");
text!(NO_UNIT_MATCHES, "No unit matches.", "Aucune unité ne correspond.");
text!(EXPORT_TABLE_CSV, "This table as CSV", "Ce tableau en CSV");
text!(MODULE_ACROSS_UNITS, "One module across the units (ZIP)", "Un module pour toutes les unités (ZIP)");
text!(
    IT_REFERENCE_LEAD,
    "Data that does not change with the year. An upload replaces the whole set; a file with errors changes nothing.",
    "Données qui ne changent pas avec l'année. Un envoi remplace tout le jeu ; un fichier avec erreurs ne change rien."
);
text!(REF_AIRPORTS, "Airports", "Aéroports");
text!(REF_STATIONS, "Train stations", "Gares");
text!(REF_ROOMS, "Building rooms", "Locaux des bâtiments");
text!(REF_RATES, "Exchange rates", "Taux de change");
text!(REF_INFLATION, "Inflation index", "Indice d'inflation");

/// What a reference upload stored.
pub fn reference_rows(lang: Lang, rows: usize) -> String {
    match lang {
        Lang::En => format!("Replaced: {rows} rows now in the set."),
        Lang::Fr => format!("Remplacé : le jeu compte maintenant {rows} lignes."),
    }
}

// The team page.
text!(ROLES_BY_IT, "Roles are assigned by the IT manager.", "Les rôles sont attribués par le gestionnaire IT.");
text!(NO_MEMBER, "Nobody holds a role in this unit yet.", "Personne n'a encore de rôle dans cette unité.");
text!(EMAIL, "E-mail", "Courriel");

// Browser-side checks of the entry forms (the server checks again).
text!(REQUIRED_FIELD, "Required.", "Obligatoire.");
text!(NOT_A_NUMBER, "Enter a number, e.g. 12.5.", "Saisissez un nombre, p. ex. 12,5.");
text!(NOT_A_WHOLE_NUMBER, "Enter a whole number.", "Saisissez un nombre entier.");
text!(NOT_A_DATE, "Enter a date as YYYY-MM-DD.", "Saisissez une date au format AAAA-MM-JJ.");
text!(NOT_A_CHOICE, "Choose one of the proposed values.", "Choisissez une des valeurs proposées.");
text!(
    NOT_AN_IATA_CODE,
    "Enter the airport's three-letter code, e.g. GVA.",
    "Saisissez le code de l'aéroport en trois lettres, p. ex. GVA."
);

/// A number outside its bounds.
pub fn number_between(lang: Lang, min: f64, max: f64) -> String {
    let n = |v: f64| crate::model::number_in(lang, v, if v.fract() == 0.0 { 0 } else { 1 });
    match (lang, max == f64::MAX) {
        (Lang::En, true) => format!("Must be at least {}.", n(min)),
        (Lang::Fr, true) => format!("Doit être au moins {}.", n(min)),
        (Lang::En, false) => format!("Must be between {} and {}.", n(min), n(max)),
        (Lang::Fr, false) => format!("Doit être entre {} et {}.", n(min), n(max)),
    }
}

// The entry forms of the modules.
text!(ADD_ENTRY, "Add an entry", "Ajouter une saisie");
text!(EDIT_ENTRY, "Edit the entry", "Modifier la saisie");
text!(ENTRY_TYPE, "Type", "Type");
text!(
    TRIPS_ARE_YOURS,
    "Trips you add are recorded as yours.",
    "Les voyages que vous ajoutez sont enregistrés à votre nom."
);
text!(HINT_AIRPORT, "Type a code, a town or an airport name.", "Saisissez un code, une ville ou le nom d'un aéroport.");
text!(HINT_STATION, "Type the station's name; its country follows.", "Saisissez le nom de la gare ; son pays suit.");
text!(
    HINT_FACTOR_KEY,
    "Pick from this year's list, or type to search it.",
    "Choisissez dans la liste de l'année, ou tapez pour la filtrer."
);
text!(
    HINT_TRAVELLER,
    "The person's institutional id; blank for a guest.",
    "L'identifiant institutionnel de la personne ; vide pour un invité."
);
text!(ALL_TYPES, "All types", "Tous les types");
text!(SEARCH_ENTRIES, "Search", "Rechercher");
text!(SORT_BY, "Order", "Ordre");
text!(SORT_FILE, "As entered", "Ordre de saisie");
text!(SORT_NEWEST, "Newest first", "Plus récentes d'abord");
text!(SORT_NAME, "Name", "Nom");
text!(SORT_KG_DESC, "Largest emissions first", "Plus fortes émissions d'abord");

/// One leg's distance and the trips' total.
pub fn trip_distance(lang: Lang, one_way_km: i64, great_circle_km: f64, trips: f64) -> String {
    let km = |v: f64| crate::model::number_in(lang, v, 0);
    let total = one_way_km as f64 * trips;
    match lang {
        Lang::En => format!(
            "One way: {} km as counted ({} km great circle); {} km for {} trip(s).",
            km(one_way_km as f64),
            km(great_circle_km),
            km(total),
            km(trips)
        ),
        Lang::Fr => format!(
            "Aller simple : {} km comptés ({} km à vol d'oiseau) ; {} km pour {} voyage(s).",
            km(one_way_km as f64),
            km(great_circle_km),
            km(total),
            km(trips)
        ),
    }
}
text!(
    NO_ENTRY,
    "No entry yet. Add one, or upload a file.",
    "Aucune saisie pour l'instant. Ajoutez-en une, ou envoyez un fichier."
);

/// The caption of a module's entries table.
pub fn entries_of(lang: Lang, module: &str) -> String {
    match lang {
        Lang::En => format!("Entries of {module}"),
        Lang::Fr => format!("Saisies de {module}"),
    }
}

// The simulation.
text!(SIMULATION_TITLE, "Simulation", "Simulation");
text!(
    SIMULATION_LEAD,
    "What if? Change how the unit travels, uses its equipment, buys and computes, add entries that do not exist yet, and see the footprint recomputed with this year's factors by the calculation the reports use.",
    "Et si ? Changez la manière de voyager, d'utiliser les équipements, d'acheter et de calculer, ajoutez des saisies qui n'existent pas encore, et voyez l'empreinte recalculée avec les facteurs de l'année par le calcul des rapports."
);
text!(
    SIMULATION_NEVER_SAVED,
    "A simulation: computed in your browser, it never changes the report. The levers act on the entries you can see; additional categories are left out, as in the headline.",
    "Une simulation : calculée dans votre navigateur, elle ne modifie jamais le rapport. Les leviers agissent sur les saisies que vous voyez ; les catégories additionnelles sont exclues, comme dans le total principal."
);
text!(SIMULATE, "Simulate", "Simuler");
text!(BACK_TO_RESULTS, "Back to the results", "Retour aux résultats");
text!(NOW, "Now", "Actuel");
text!(SIMULATED, "Simulated", "Simulé");
text!(CHANGE, "Change", "Variation");
text!(SIM_TRAVEL, "Travel", "Voyages");
text!(SIM_ECONOMY, "Business and first class flown in economy", "Classes affaires et première en économique");
text!(
    SIM_TRAIN_BELOW,
    "Flights up to this distance (km one way) by train",
    "Vols jusqu'à cette distance (km aller) en train"
);
text!(
    SIM_TRAIN_HINT,
    "Second class between the same cities, with the train factor of their countries.",
    "En deuxième classe entre les mêmes villes, avec le facteur train de leurs pays."
);
text!(SIM_NO_ENTRIES, "No entry you can see in this module.", "Aucune saisie visible pour vous dans ce module.");
text!(SIM_EQUIPMENT, "Equipment", "Équipements");
text!(
    SIM_STANDBY_OFF,
    "Equipment switched off instead of left in standby",
    "Équipements éteints au lieu d'être en veille"
);
text!(SIM_REPLACE, "Replace", "Remplacer");
text!(SIM_REPLACE_BY, "by", "par");
text!(SIM_NO_REPLACEMENT, "no replacement", "aucun remplacement");
text!(SIM_PURCHASES, "Purchases", "Achats");
text!(SIM_PURCHASE_CUTS, "Less spent on", "Moins de dépenses en");
text!(SIM_CLOUD, "Cloud", "Cloud");
text!(SIM_CLOUD_PROVIDER, "Cloud spend moved to", "Dépenses cloud transférées vers");
text!(SIM_KEEP_PROVIDER, "each entry's own provider", "le fournisseur de chaque saisie");
text!(SIM_REDUCTIONS, "Reduction per module", "Réduction par module");
text!(SIM_SANDBOX, "Hypothetical entries", "Saisies hypothétiques");
text!(
    SIM_SANDBOX_HINT,
    "Add an entry to any module as if it existed: it is checked and computed like a real one, and never saved.",
    "Ajoutez à n'importe quel module une saisie comme si elle existait : elle est vérifiée et calculée comme une vraie, et jamais enregistrée."
);
text!(SIM_ADD_ENTRY, "Add a hypothetical entry", "Ajouter une saisie hypothétique");
text!(SIM_ASSUMPTIONS, "Assumptions", "Hypothèses");
text!(SIM_EXPORT, "Download the scenario (CSV)", "Télécharger le scénario (CSV)");
text!(SIM_PRINT, "Print", "Imprimer");
text!(
    SIM_TRUNCATED,
    "Only the first entries of these modules are simulated:",
    "Seules les premières saisies de ces modules sont simulées :"
);
text!(
    SIMULATION_CHART_DESC,
    "Each module now and simulated, in tonnes of CO₂e.",
    "Chaque module actuel et simulé, en tonnes de CO₂e."
);

/// What a module's levers changed.
pub fn entries_changed(lang: Lang, changed: usize, entries: usize, before_kg: f64, after_kg: f64) -> String {
    let t = |kg: f64| crate::model::tonnes_in(lang, kg);
    match lang {
        Lang::En => format!("{changed} of {entries} entries changed: {} t → {} t CO₂e.", t(before_kg), t(after_kg)),
        Lang::Fr => format!("{changed} saisies sur {entries} modifiées : {} t → {} t CO₂e.", t(before_kg), t(after_kg)),
    }
}
text!(
    TREND_HINT_ALL,
    "Every module entered in each report year, validated or not, in t CO₂e.",
    "Tous les modules saisis de chaque année de rapport, validés ou non, en t CO₂e."
);

// Years: reduction objectives and row thresholds.
text!(REDUCTION_GOAL, "Reduction goal", "Objectif de réduction");
text!(VERSUS, "against", "par rapport à");
text!(REMOVE, "Remove", "Retirer");
text!(RESET, "Default", "Par défaut");
text!(NO_EARLIER_YEAR, "No earlier year to compare with.", "Aucune année antérieure de comparaison.");
text!(THRESHOLDS, "Row thresholds", "Seuils des saisies");
text!(
    THRESHOLDS_LEAD,
    "An entry above its type's threshold is shown in red to the unit and counted in reporting.",
    "Une saisie au-dessus du seuil de son type est signalée en rouge à l'unité et comptée dans les rapports."
);
text!(POLICY, "Policy", "Règle");
text!(FLAGGED, "Flagged", "Signalées");
text!(CHANGE_POLICY, "Change", "Modifier");
text!(PERCENTILE, "Percentile", "Centile");
text!(FIXED_KG, "Fixed kg", "kg fixe");
text!(
    DEFAULT_POLICY,
    "the default: the 95th percentile of the year's entries of the type.",
    "la règle par défaut : le 95e centile des saisies de l'année pour ce type."
);
text!(THRESHOLD_NOT_CHANGED, "The threshold could not be changed", "Le seuil n'a pas pu être modifié");

/// A year's objective.
pub fn goal_line(lang: Lang, percent: f64, reference_year: i32) -> String {
    let p = crate::model::number_in(lang, percent, if percent.fract() == 0.0 { 0 } else { 1 });
    match lang {
        Lang::En => format!("−{p} % against {reference_year}"),
        Lang::Fr => format!("−{p} % par rapport à {reference_year}"),
    }
}

/// A fixed-kg policy.
pub fn policy_fixed(lang: Lang, kg: f64) -> String {
    match lang {
        Lang::En => format!("Fixed: {} kg", crate::model::format_kg(kg)),
        Lang::Fr => format!("Fixe : {} kg", crate::model::format_kg(kg)),
    }
}

/// A percentile policy.
pub fn policy_percentile(lang: Lang, percentile: f64, is_default: bool) -> String {
    let p = crate::model::number_in(lang, percentile * 100.0, 0);
    match (lang, is_default) {
        (Lang::En, true) => format!("{p}th percentile (default)"),
        (Lang::En, false) => format!("{p}th percentile"),
        (Lang::Fr, true) => format!("{p}e centile (par défaut)"),
        (Lang::Fr, false) => format!("{p}e centile"),
    }
}

/// Where a unit stands against its year's objective.
pub fn goal_status(lang: Lang, reference_kg: f64, target_kg: f64, now_kg: f64, reference_year: i32) -> String {
    let t = |kg: f64| crate::model::tonnes_in(lang, kg);
    let gap = now_kg - target_kg;
    match (lang, gap <= 0.0) {
        (Lang::En, true) => format!(
            "{reference_year}: {} t; target: at most {} t. Now {} t: the goal is met.",
            t(reference_kg),
            t(target_kg),
            t(now_kg)
        ),
        (Lang::En, false) => format!(
            "{reference_year}: {} t; target: at most {} t. Now {} t: {} t still to cut.",
            t(reference_kg),
            t(target_kg),
            t(now_kg),
            t(gap)
        ),
        (Lang::Fr, true) => format!(
            "{reference_year} : {} t ; cible : au plus {} t. Actuellement {} t : l'objectif est atteint.",
            t(reference_kg),
            t(target_kg),
            t(now_kg)
        ),
        (Lang::Fr, false) => format!(
            "{reference_year} : {} t ; cible : au plus {} t. Actuellement {} t : encore {} t à réduire.",
            t(reference_kg),
            t(target_kg),
            t(now_kg),
            t(gap)
        ),
    }
}

/// The French (and English) text of a domain field-problem code; `None` for codes whose message
/// carries details only the server knows.
pub fn field_problem(code: &str) -> Option<Text> {
    Some(match code {
        "required" => REQUIRED_FIELD,
        "invalid_number" => NOT_A_NUMBER,
        "invalid_integer" => NOT_A_WHOLE_NUMBER,
        "invalid_choice" => NOT_A_CHOICE,
        "invalid_date" => NOT_A_DATE,
        "invalid_iata" => NOT_AN_IATA_CODE,
        "out_of_range" => Text { en: "Out of the accepted range.", fr: "Hors des valeurs acceptées." },
        "too_long" => Text { en: "Too long.", fr: "Trop long." },
        "hours_exceed_week" => Text {
            en: "Active and standby hours add up to more than the 168 hours of a week.",
            fr: "Les heures actives et en veille dépassent les 168 heures d'une semaine.",
        },
        "invalid_country_code" => {
            Text { en: "A two-letter country code, e.g. CH.", fr: "Un code de pays en deux lettres, p. ex. CH." }
        }
        "date_outside_year" => {
            Text { en: "The date must fall in the report's year.", fr: "La date doit tomber dans l'année du rapport." }
        }
        "ambiguous_station" => Text {
            en: "Several stations have this name: pick one from the list.",
            fr: "Plusieurs gares portent ce nom : choisissez-en une dans la liste.",
        },
        _ => return None,
    })
}

/// The identity provider's sign-in button.
pub fn sign_in_with(lang: Lang, provider: &str) -> String {
    match lang {
        Lang::En => format!("Sign in with {provider}"),
        Lang::Fr => format!("Se connecter avec {provider}"),
    }
}

/// Why a sign-in at the identity provider did not complete (the code of `/login/failed/{code}`).
pub fn sign_in_failed(lang: Lang, code: &str) -> String {
    let (en, fr) = match code {
        "oidc_expired" => (
            "The sign-in took too long or was started in another window. Try again.",
            "La connexion a pris trop de temps ou a commencé dans une autre fenêtre. Réessayez.",
        ),
        "oidc_denied" => {
            ("The identity provider did not sign you in.", "Le fournisseur d'identité ne vous a pas connecté.")
        }
        "oidc_unavailable" => (
            "The identity provider cannot be reached. Try again later.",
            "Le fournisseur d'identité est injoignable. Réessayez plus tard.",
        ),
        _ => ("The sign-in could not be completed. Try again.", "La connexion n'a pas pu aboutir. Réessayez."),
    };
    match lang {
        Lang::En => en.to_owned(),
        Lang::Fr => fr.to_owned(),
    }
}

/// The usual weekly hours of the chosen class, as a placeholder.
pub fn usual_hours(lang: Lang, hours: f64) -> String {
    let h = crate::model::number_in(lang, hours, if hours.fract() == 0.0 { 0 } else { 1 });
    match lang {
        Lang::En => format!("usually {h} h"),
        Lang::Fr => format!("d'habitude {h} h"),
    }
}
text!(NO_PROBLEM, "No failure and no row error.", "Aucun échec ni erreur de ligne.");
text!(NOT_COLLECTED, "Not collected this year", "Non collecté cette année");
text!(
    MODULE_NOT_COLLECTED,
    "This module is not collected this year: its entries are kept but take no changes.",
    "Ce module n'est pas collecté cette année : ses saisies sont conservées mais ne changent plus."
);
text!(MODULES_COLLECTED, "Modules collected", "Modules collectés");
text!(PAGE_NOT_FOUND, "Page not found", "Page introuvable");
text!(NO_PAGE_AT, "There is no page at", "Il n'y a pas de page à l'adresse");
text!(BACK_TO_MY_REPORT, "Back to my report", "Retour à mon rapport");
text!(BREADCRUMB, "Breadcrumb", "Fil d'Ariane");
text!(
    CONFLICT_VALIDATED,
    "This module is validated: a team manager can reopen it for changes.",
    "Ce module est validé : un responsable d'unité peut le rouvrir pour le modifier."
);
text!(
    CONFLICT_YEAR_CLOSED,
    "This year is closed for changes.",
    "Cette année est clôturée : elle n'accepte plus de modification."
);
text!(CONFLICT_NOT_COLLECTED, "This module is not collected this year.", "Ce module n'est pas collecté cette année.");

/// The entry types of a module that are not collected this year.
pub fn types_not_collected(lang: Lang, types: &str) -> String {
    match lang {
        Lang::En => format!("Not collected this year: {types}."),
        Lang::Fr => format!("Non collecté cette année : {types}."),
    }
}

/// A goal whose reference year has no figures for the unit.
pub fn no_reference_figures(lang: Lang, year: i32) -> String {
    match lang {
        Lang::En => format!("No figures for {year} on this basis: the goal cannot be measured yet."),
        Lang::Fr => format!("Aucun chiffre pour {year} sur cette base : l'objectif ne peut pas encore être mesuré."),
    }
}
text!(FROM_IDP, "identity provider", "fournisseur d'identité");
text!(
    FROM_IDP_HINT,
    "Named by the identity provider's role claims: it follows them at each sign-in.",
    "Donné par les rôles du fournisseur d'identité : il les suit à chaque connexion."
);
// Central loading (IT manager).
text!(IT_LOADING, "Central loading", "Chargement central");
text!(
    IT_LOADING_LEAD,
    "What the office loads for every unit of the year, type by type: the latest file and its job, the rows it holds, a new file or last year's file run again.",
    "Ce que le bureau charge pour toutes les unités de l'année, type par type : le dernier fichier et sa tâche, les lignes qu'il contient, un nouveau fichier ou celui de l'an passé relancé."
);
text!(
    YEAR_CLOSED_LOADS,
    "This year is closed: its files are refused until it is opened again.",
    "Cette année est fermée : ses fichiers sont refusés jusqu'à sa réouverture."
);
text!(LOADED_ROWS, "Rows loaded", "Lignes chargées");
text!(LATEST_FILE, "Latest file", "Dernier fichier");
text!(
    LOADING_HINT,
    "Each row of a file names its unit (unit_institutional_id); rows of units that do not take them are listed as errors. Units see these rows read-only.",
    "Chaque ligne d'un fichier nomme son unité (unit_institutional_id) ; les lignes des unités qui ne les acceptent pas sont listées en erreur. Les unités voient ces lignes en lecture seule."
);
text!(IN_UNITS, "in {n} units", "dans {n} unités");
text!(IN_ONE_UNIT, "in 1 unit", "dans 1 unité");
text!(COPY_FROM_YEAR, "Run {year}'s file again", "Relancer le fichier de {year}");
text!(AGENCY_EXPORT, "Agency export", "Export de l'agence");
text!(CENTRALLY_FED_TYPE, "Centrally fed", "Alimenté centralement");
text!(
    CENTRALLY_FED_TYPE_HINT,
    "Collected this year, but units do not enter it: only the office's files load it.",
    "Collecté cette année, mais les unités ne le saisissent pas : seuls les fichiers du bureau le chargent."
);
text!(NO_FILE_YET, "No file yet", "Aucun fichier");
text!(SYSTEM, "system", "système");
text!(WHOLE_YEAR, "whole year", "année entière");
text!(REPLACED, "replace", "remplacement");
text!(APPENDED, "append", "ajout");
text!(TEMPLATE, "Template", "Modèle");
text!(LOAD_FILE, "Load a file", "Charger un fichier");
text!(PERIOD_FROM, "Period from", "Période du");
text!(PERIOD_TO, "to", "au");
text!(
    AGENCY_SYNC_HINT,
    "Each trip is keyed by ticket, segment and departure date: the export replaces the agency's trips of its period (the whole year when left blank) and every trip it lists again; nothing is duplicated.",
    "Chaque trajet est identifié par billet, segment et date de départ : l'export remplace les trajets de l'agence de sa période (l'année entière si vide) et tout trajet qu'il reprend ; rien n'est dupliqué."
);
text!(
    MODE_REPLACE_CENTRAL,
    "replace this type's rows loaded by the office, in every unit",
    "remplacent les lignes de ce type chargées par le bureau, dans toutes les unités"
);
// Reporting across the institution (back office).
text!(UNITS_VALIDATED, "Validated", "Validées");
text!(UNITS_IN_PROGRESS, "In progress", "En cours");
text!(UNITS_NOT_STARTED, "Not started", "Pas commencées");
text!(UNITS_SHOWN, "Units", "Unités");
text!(FTE, "FTE", "EPT");
text!(MODULE_STATES, "Modules of these units, by state", "Modules de ces unités, par état");
text!(
    NO_VALIDATED_FIGURES,
    "No validated module among these units yet: no figure to chart.",
    "Aucun module validé parmi ces unités : pas de chiffre à représenter."
);
text!(
    REPORTING_CHART_HINT,
    "Validated modules of the units shown, in tonnes of CO₂-equivalent.",
    "Modules validés des unités affichées, en tonnes d'équivalent CO₂."
);
text!(PRINCIPAL, "Principal", "Responsable");
text!(TOP_CATEGORY, "Top category", "Première catégorie");
text!(LAST_UPDATE, "Last change", "Dernière modification");
text!(EXPORT_JSON, "Download as JSON", "Télécharger en JSON");
text!(EXPORT_PDF, "Report as PDF", "Rapport en PDF");
// Roll-ups over years (back office).
text!(IT_ROLLUPS, "Over the years", "Au fil des années");
text!(
    IT_ROLLUPS_LEAD,
    "The units within your scope summed up the tree, year by year: the trend and the share validated. Restated, every year is computed again with the latest factors, so a factor change does not read as a change of activity; the reports stay as they were.",
    "Les unités de votre périmètre additionnées le long de l'arbre, année par année : la tendance et la part validée. Recalculée, chaque année l'est avec les derniers facteurs, pour qu'un changement de facteur ne passe pas pour un changement d'activité ; les rapports restent tels quels."
);
text!(LEVEL, "Level", "Niveau");
text!(LEVEL_INSTITUTION, "The institution", "L'institution");
text!(LEVEL_FACULTIES, "Faculties", "Facultés");
text!(LEVEL_INSTITUTES, "Institutes", "Instituts");
text!(LEVEL_UNITS, "Units", "Unités");
text!(RESTATED, "Restated with the latest factors", "Recalculé avec les derniers facteurs");
text!(TREND_AS_REPORTED, "Trend, as reported (t CO₂e)", "Tendance, telle que déclarée (t CO₂e)");
text!(
    TREND_RESTATED,
    "Trend, restated with {year}'s factors (t CO₂e)",
    "Tendance, recalculée avec les facteurs {year} (t CO₂e)"
);
text!(
    RESTATED_NOTE,
    "Every year below is computed again with {year}'s factors (the GHG Protocol's base-year recalculation). The units' reports are unchanged.",
    "Chaque année ci-dessous est recalculée avec les facteurs {year} (recalcul de l'année de base du GHG Protocol). Les rapports des unités sont inchangés."
);
text!(NODE, "Faculty, institute or unit", "Faculté, institut ou unité");

/// "60 % validated" (modules).
pub fn validated_share(lang: Lang, percent: &str) -> String {
    match lang {
        Lang::En => format!("{percent} % validated"),
        Lang::Fr => format!("{percent} % validé"),
    }
}

/// "est. 12.3 t for every unit" (extrapolated by FTE).
pub fn estimated(lang: Lang, tonnes: &str) -> String {
    match lang {
        Lang::En => format!("est. {tonnes} t for all"),
        Lang::Fr => format!("est. {tonnes} t pour toutes"),
    }
}
text!(INVENTORY_WORKBOOK, "Workbook with the methodology (XLSX)", "Classeur avec la méthodologie (XLSX)");
// The yearly campaign and notifications.
text!(IT_CAMPAIGN, "Campaign", "Campagne");
text!(
    IT_CAMPAIGN_LEAD,
    "The year's deadline, reminders to the principals of the units not done, the office's digest (weekly by itself while a deadline is set) and who is late. Opening a year tells every principal. Each message is a notification here and an e-mail.",
    "L'échéance de l'année, les rappels aux responsables des unités pas terminées, le résumé du bureau (chaque semaine tant qu'une échéance est fixée) et qui est en retard. Ouvrir une année prévient chaque responsable. Chaque message est une notification ici et un e-mail."
);
text!(DEADLINE, "Deadline", "Échéance");
text!(DEADLINE_SET, "Deadline set:", "Échéance fixée :");
text!(DEADLINE_CLEARED, "No deadline any more.", "Plus d'échéance.");
text!(SAVE, "Save", "Enregistrer");
text!(SEND_REMINDERS, "Remind the units not done", "Relancer les unités pas terminées");
text!(SEND_DIGEST, "Send the office's digest now", "Envoyer le résumé au bureau");
text!(WHO_IS_LATE, "Units not done", "Unités pas terminées");
text!(MODULES_LEFT, "Modules left", "Modules restants");
text!(NOBODY_LATE, "Every unit has validated every module.", "Toutes les unités ont validé tous leurs modules.");
text!(NOTIFICATIONS, "Notifications", "Notifications");
text!(NO_NOTIFICATIONS, "No notification yet.", "Aucune notification.");
text!(OPEN_LINK, "Open", "Ouvrir");

/// "Sent to 3 units: 4 notifications, 2 e-mails."
pub fn campaign_sent(lang: Lang, units: u64, notifications: u64, mails: u64) -> String {
    let s = |n: u64| if n == 1 { "" } else { "s" };
    match lang {
        Lang::En => format!(
            "Sent for {units} unit{}: {notifications} notification{}, {mails} e-mail{}.",
            s(units),
            s(notifications),
            s(mails)
        ),
        Lang::Fr => format!(
            "Envoyé pour {units} unité{} : {notifications} notification{}, {mails} e-mail{}.",
            s(units),
            s(notifications),
            s(mails)
        ),
    }
}

/// The deadline and how late the campaign is.
pub fn deadline_state(lang: Lang, deadline: Option<&str>, days_late: Option<i64>) -> String {
    match (lang, deadline, days_late) {
        (Lang::En, None, _) => "No deadline set for this year.".to_owned(),
        (Lang::Fr, None, _) => "Aucune échéance pour cette année.".to_owned(),
        (Lang::En, Some(d), Some(n)) => format!("Deadline {d}, passed {n} days ago."),
        (Lang::Fr, Some(d), Some(n)) => format!("Échéance {d}, dépassée depuis {n} jours."),
        (Lang::En, Some(d), None) => format!("Deadline {d}."),
        (Lang::Fr, Some(d), None) => format!("Échéance {d}."),
    }
}
text!(SCOPE_2_MARKET_TOTAL, "Scope 2 (market-based)", "Scope 2 (fondé sur le marché)");

/// A label's colon, spaced as each language spaces it (`Formula: `, `Formule : `).
pub fn colon(lang: Lang) -> &'static str {
    match lang {
        Lang::En => ": ",
        Lang::Fr => " : ",
    }
}

// Why this number.
text!(WHY_THIS_NUMBER, "Why this number", "D’où vient ce chiffre");
text!(
    WHY_LEAD,
    "How the entry’s kg was computed: the formula, the values that went in, the defaults applied and the factors used.",
    "Comment les kg de la saisie ont été calculés : la formule, les valeurs utilisées, les valeurs par défaut appliquées et les facteurs."
);
text!(FORMULA, "Formula", "Formule");
text!(VALUES_USED, "Values used", "Valeurs utilisées");
text!(DEFAULTS_APPLIED, "Defaults applied", "Valeurs par défaut appliquées");
text!(FACTORS_USED, "Factors", "Facteurs");
text!(WHAT_WAS_ENTERED, "What was entered", "Ce qui a été saisi");
text!(
    NOT_EXPLAINED,
    "Computed before explanations were recorded: a recalculation of the module records them.",
    "Calculé avant l’enregistrement des explications : un recalcul du module les enregistre."
);
text!(SHIPPED_FACTOR, "Shipped default", "Valeur livrée par défaut");
text!(UPLOADED_FACTOR, "Uploaded by the back office", "Téléversé par le back-office");
text!(STALE_FACTOR, "no longer in the latest file", "absent du dernier fichier");
text!(NO_ROW_COMPUTED, "No emission could be computed", "Aucune émission n’a pu être calculée");

/// "Year 2025 · equipments_factors.csv": where a factor sits.
pub fn factor_place(lang: Lang, year: i32, file: Option<&str>) -> String {
    let year = match lang {
        Lang::En => format!("Year {year}"),
        Lang::Fr => format!("Année {year}"),
    };
    match file {
        Some(f) => format!("{year} · {f}"),
        None => year,
    }
}

/// "by Ada Lovelace, 2026-11-02": who uploaded a factor, and when.
pub fn uploaded_by(lang: Lang, who: Option<&str>, when: &str) -> String {
    match (lang, who) {
        (Lang::En, Some(w)) => format!("by {w}, {when}"),
        (Lang::Fr, Some(w)) => format!("par {w}, le {when}"),
        (Lang::En, None) => format!("on {when}"),
        (Lang::Fr, None) => format!("le {when}"),
    }
}

// Data quality and uncertainty.
text!(QUALITY_TITLE, "Data quality and uncertainty", "Qualité des données et incertitude");
text!(
    QUALITY_LEAD,
    "How each entry was computed, how much of the footprint rests on good data, and the range the total lies in.",
    "Comment chaque saisie a été calculée, quelle part de l’empreinte repose sur de bonnes données, et dans quelle fourchette se situe le total."
);
text!(QUALITY_SCORE, "Data quality score", "Score de qualité des données");
text!(QUALITY_CLASS, "Data quality", "Qualité des données");
text!(QUALITY_COVERAGE, "Entries computed", "Saisies calculées");
text!(QUALITY_RANGE, "Range of the total", "Fourchette du total");
text!(
    QUALITY_WHERE,
    "Where better data shrinks the range most",
    "Où de meilleures données réduisent le plus la fourchette"
);
text!(QUALITY_METHOD, "How this is computed", "Méthode de calcul");
text!(ENTRIES_WORD, "entries", "saisies");

/// "1 entry", "16 entries" (« 1 saisie », « 16 saisies »).
pub fn entries_count(lang: Lang, n: i64) -> String {
    match (lang, n) {
        (Lang::En, 1) => "1 entry".to_owned(),
        (Lang::Fr, 1) => "1 saisie".to_owned(),
        (_, n) => format!("{n} {}", ENTRIES_WORD.get(lang)),
    }
}
text!(
    QUALITY_METHOD_TEXT,
    "Each entry’s class comes from how its rows were computed; a default standing in for a blank input makes it default-filled. The score is the kg-weighted mean of the classes’ weights (measured 100, activity-based 80, overridden 60, spend-based 50, default-filled 40). Each row’s ± is its factor’s uncertainty (uncertainty_pct in the factor file) or its formula’s documented default, widened by each default applied. Rows that share a factor err together, different factors independently (IPCC 2006, vol. 1, ch. 3, approach 1). The range is a 95 % interval.",
    "La classe d’une saisie vient de la façon dont ses lignes ont été calculées ; une valeur par défaut qui remplace une donnée vide la rend « complétée par défaut ». Le score est la moyenne des poids des classes pondérée par les kg (mesuré 100, fondé sur l’activité 80, valeur imposée 60, fondé sur les dépenses 50, complété par défaut 40). Le ± de chaque ligne est l’incertitude de son facteur (uncertainty_pct dans le fichier de facteurs) ou la valeur documentée de sa formule, élargie par chaque valeur par défaut appliquée. Les lignes d’un même facteur varient ensemble, les facteurs différents indépendamment (GIEC 2006, vol. 1, ch. 3, approche 1). La fourchette est un intervalle à 95 %."
);
text!(SCORE_WORD, "Score", "Score");
text!(QUALITY_MEASURED, "Measured", "Mesuré");
text!(QUALITY_ACTIVITY, "Activity-based", "Fondé sur l’activité");
text!(QUALITY_SPEND, "Spend-based", "Fondé sur les dépenses");
text!(QUALITY_DEFAULTED, "Default-filled", "Complété par défaut");
text!(QUALITY_OVERRIDDEN, "Overridden", "Valeur imposée");
text!(QUALITY_INCOMPLETE, "Incomplete", "Incomplet");

/// The label of a quality class key.
pub fn quality_class(key: &str) -> Text {
    match key {
        "measured" => QUALITY_MEASURED,
        "activity_based" => QUALITY_ACTIVITY,
        "spend_based" => QUALITY_SPEND,
        "default_filled" => QUALITY_DEFAULTED,
        "overridden" => QUALITY_OVERRIDDEN,
        _ => QUALITY_INCOMPLETE,
    }
}

/// What would help, for a hint's advice key.
pub fn quality_advice(key: &str) -> Text {
    match key {
        "fill_blank_inputs" => Text {
            en: "fill in the inputs left blank (defaults stand in for them)",
            fr: "renseigner les valeurs laissées vides (des valeurs par défaut les remplacent)",
        },
        "use_activity_data" => Text {
            en: "record quantities (kg, kWh, km) instead of amounts spent",
            fr: "saisir des quantités (kg, kWh, km) plutôt que des montants dépensés",
        },
        "measure_activity" => Text {
            en: "measure the activity (metered kWh, actual hours) or ask for a more precise factor",
            fr: "mesurer l’activité (kWh relevés, heures réelles) ou demander un facteur plus précis",
        },
        "document_given_kg" => Text {
            en: "check the kg given with these entries and note their source",
            fr: "vérifier les kg fournis avec ces saisies et en noter la source",
        },
        _ => Text {
            en: "ask the back office for a more precise factor",
            fr: "demander au back-office un facteur plus précis",
        },
    }
}

// Reduction plans.
text!(PLANS_TITLE, "Reduction plans", "Plans de réduction");
text!(
    PLANS_LEAD,
    "Plan the unit’s measures, see where they take its footprint year by year to 2040 against the institution’s goals, and follow what later reports show.",
    "Planifiez les mesures de l’unité, voyez où elles mènent son empreinte année après année jusqu’en 2040 face aux objectifs de l’institution, et suivez ce que montrent les rapports suivants."
);
text!(NO_PLAN_YET, "No plan yet.", "Aucun plan pour l’instant.");
text!(NEW_PLAN, "New plan", "Nouveau plan");
text!(PLAN_NAME, "Name", "Nom");
text!(REFERENCE_YEAR, "Reference year", "Année de référence");
text!(CREATE_PLAN, "Create the plan", "Créer le plan");
text!(DELETE_PLAN, "Delete the plan", "Supprimer le plan");
text!(REFERENCE_FOOTPRINT, "Reference footprint", "Empreinte de référence");
text!(PLANNED_SAVING, "Planned saving per year", "Économie prévue par an");
text!(MEASURES, "Measures", "Mesures");
text!(NO_MEASURE_YET, "No measure yet.", "Aucune mesure pour l’instant.");
text!(LEVER, "Lever", "Levier");
text!(MEASURE_OWNER, "Owner", "Responsable");
text!(TARGET_YEAR, "From year", "À partir de");
text!(EXPECTED_T, "Saving (t CO₂e/yr)", "Économie (t CO₂e/an)");
text!(EXPECTED_KG, "Saving (kg CO₂e per year)", "Économie (kg CO₂e par an)");
text!(ADD_MEASURE, "Add the measure", "Ajouter la mesure");
text!(ANY_MODULE, "Any module", "Tout module");
text!(TRAJECTORY, "Trajectory", "Trajectoire");
text!(PLANNED_LINE, "Planned", "Prévu");
text!(GOAL_LINE, "Institution’s goals", "Objectifs de l’institution");
text!(REALISED_LINE, "Reported", "Déclaré");
text!(
    NO_GOALS,
    "The institution has not set its long-term goals yet: the IT manager sets them.",
    "L’institution n’a pas encore fixé ses objectifs à long terme : le responsable informatique les fixe."
);

/// "The plan leaves 2.89 t in 2030, the goals ask for 2.95 t."
pub fn plan_vs_goal(lang: Lang, year: i32, planned: &str, goal: Option<&str>) -> String {
    match (lang, goal) {
        (Lang::En, Some(g)) => format!("In {year} the plan leaves {planned} t; the goals ask for {g} t."),
        (Lang::Fr, Some(g)) => format!("En {year}, le plan laisse {planned} t ; les objectifs demandent {g} t."),
        (Lang::En, None) => format!("In {year} the plan leaves {planned} t."),
        (Lang::Fr, None) => format!("En {year}, le plan laisse {planned} t."),
    }
}
text!(LONG_TERM_GOALS, "Long-term goals", "Objectifs à long terme");
text!(
    LONG_TERM_GOALS_HINT,
    "The institution’s cuts by a target year against a reference year (e.g. 50 % by 2030, 100 % by 2040): every reduction plan is drawn against them. Leave a line empty to remove it.",
    "Les réductions de l’institution à une année cible par rapport à une année de référence (p. ex. 50 % d’ici 2030, 100 % d’ici 2040) : chaque plan de réduction est tracé face à elles. Laissez une ligne vide pour la retirer."
);
text!(TARGET_YEAR_GOAL, "Target year", "Année cible");
text!(REDUCTION_PERCENT, "Cut (%)", "Réduction (%)");
text!(SAVED, "Saved.", "Enregistré.");

// Help.
text!(NAV_HELP, "Help", "Aide");
text!(USER_GUIDE, "User guide", "Guide d’utilisation");
text!(
    USER_GUIDE_LEAD,
    "How a unit records its year, reads its footprint and plans its reductions. How each number is computed:",
    "Comment une unité saisit son année, lit son empreinte et planifie ses réductions. Comment chaque chiffre est calculé :"
);
text!(METHODOLOGY, "Methodology", "Méthodologie");
text!(
    METHODOLOGY_LEAD,
    "What each module records and how its emissions are computed with the year’s emission factors (GHG Protocol, scopes 1 to 3). The formulas are the ones the calculation uses and the “why this number” detail shows.",
    "Ce que chaque module enregistre et comment ses émissions sont calculées avec les facteurs d’émission de l’année (GHG Protocol, scopes 1 à 3). Les formules sont celles du calcul, que montre aussi le détail « d’où vient ce chiffre »."
);
text!(WHAT_IS_ENTERED, "What is entered", "Ce qui est saisi");
text!(HOW_IT_IS_COMPUTED, "How it is computed", "Comment c’est calculé");
text!(GIVEN_KG, "A kg given with an entry", "Des kg fournis avec une saisie");
text!(HOW_THIS_MODULE_IS_COMPUTED, "How this module is computed", "Comment ce module est calculé");
