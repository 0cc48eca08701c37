//! Every URL of the SPA, with its layouts. The three areas of DESIGN §1 are one app:
//! the unit workspace (`/`, `/units/…`), `/team-manager/…` and `/it-manager/…`, all inside the
//! signed-in [`AppShell`]; `/login` stands alone.

use co2_domain::Module;
use dioxus::prelude::*;

use crate::views::{
    AppShell, EquipmentOrModule, Help, Home, ItApiTokens, ItAudit, ItCampaign, ItFactors, ItInventory, ItLayout,
    ItLoading, ItPipelines, ItRecalculation, ItReferenceData, ItReporting, ItRoles, ItRollups, ItYears, Login,
    LoginFailed, Methodology, ModuleMethodology, NotFound, Plans, Report, Results, Simulation, TeamExports, TeamHome,
    TeamLayout, TeamProgress, TeamValidation,
};

/// The routes. Variant fields are URL parameters.
#[derive(Routable, Clone, Debug, PartialEq)]
#[rustfmt::skip]
#[allow(clippy::empty_line_after_outer_attr)]
pub enum Route {
    #[route("/login")]
    Login {},
    // A sign-in at the identity provider that did not complete, and why (`error` code).
    #[route("/login/failed/:error")]
    LoginFailed { error: String },

    #[layout(AppShell)]
        #[route("/")]
        Home {},
        #[route("/units/:unit/years/:year")]
        Report { unit: String, year: i32 },
        #[route("/units/:unit/years/:year/results")]
        Results { unit: String, year: i32 },
        #[route("/units/:unit/years/:year/simulation")]
        Simulation { unit: String, year: i32 },
        #[route("/units/:unit/years/:year/plans")]
        Plans { unit: String, year: i32 },
        #[route("/help")]
        Help {},
        #[route("/help/methodology")]
        Methodology {},
        #[route("/help/methodology/:module")]
        ModuleMethodology { module: String },
        // One route for the 8 modules, typed on the domain's: another key is not found.
        #[route("/units/:unit/years/:year/modules/:module")]
        EquipmentOrModule { unit: String, year: i32, module: Module },

        #[nest("/team-manager")]
        #[layout(TeamLayout)]
            #[route("/")]
            TeamHome {},
            #[route("/validation")]
            TeamValidation {},
            #[route("/progress")]
            TeamProgress {},
            #[route("/exports")]
            TeamExports {},
        #[end_layout]
        #[end_nest]

        #[nest("/it-manager")]
        #[layout(ItLayout)]
            #[route("/")]
            ItYears {},
            #[route("/campaign")]
            ItCampaign {},
            #[route("/loading")]
            ItLoading {},
            #[route("/factors")]
            ItFactors {},
            #[route("/reference-data")]
            ItReferenceData {},
            #[route("/recalculation")]
            ItRecalculation {},
            #[route("/pipelines")]
            ItPipelines {},
            #[route("/roles")]
            ItRoles {},
            #[route("/api-tokens")]
            ItApiTokens {},
            #[route("/audit")]
            ItAudit {},
            #[route("/reporting")]
            ItReporting {},
            #[route("/rollups")]
            ItRollups {},
            #[route("/inventory")]
            ItInventory {},
        #[end_layout]
        #[end_nest]

    #[end_layout]

    // Outside the shell: an unknown address needs no sign-in to be called unknown.
    #[route("/:..segments")]
    NotFound { segments: Vec<String> },
}

/// The three areas of the app (DESIGN §1), for navigation highlighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// The unit workspace: home, reports, modules.
    Workspace,
    /// `/team-manager/…`.
    Team,
    /// `/it-manager/…`.
    It,
    /// `/help/…`: the user guide and the methodology.
    Help,
    /// Sign-in and unknown pages.
    Other,
}

impl Route {
    /// The area the route belongs to.
    pub fn area(&self) -> Area {
        match self {
            Route::Home {}
            | Route::Report { .. }
            | Route::Results { .. }
            | Route::Simulation { .. }
            | Route::Plans { .. }
            | Route::EquipmentOrModule { .. } => Area::Workspace,
            Route::TeamHome {} | Route::TeamValidation {} | Route::TeamProgress {} | Route::TeamExports {} => {
                Area::Team
            }
            Route::ItYears {}
            | Route::ItFactors {}
            | Route::ItLoading {}
            | Route::ItCampaign {}
            | Route::ItReferenceData {}
            | Route::ItRecalculation {}
            | Route::ItPipelines {}
            | Route::ItRoles {}
            | Route::ItApiTokens {}
            | Route::ItAudit {}
            | Route::ItReporting {}
            | Route::ItRollups {}
            | Route::ItInventory {} => Area::It,
            Route::Help {} | Route::Methodology {} | Route::ModuleMethodology { .. } => Area::Help,
            Route::Login {} | Route::LoginFailed { .. } | Route::NotFound { .. } => Area::Other,
        }
    }

    /// The unit × year a route is about, if any.
    pub fn unit_year(&self) -> Option<(String, i32)> {
        match self {
            Route::Report { unit, year }
            | Route::Results { unit, year }
            | Route::Simulation { unit, year }
            | Route::Plans { unit, year }
            | Route::EquipmentOrModule { unit, year, .. } => Some((unit.clone(), *year)),
            _ => None,
        }
    }

    /// The same page for another unit × year (a module page stays on its module);
    /// `None` for pages that are not about one report.
    pub fn with_unit_year(&self, unit: &str, year: i32) -> Option<Route> {
        match self {
            Route::Report { .. } | Route::Home {} => Some(Route::Report { unit: unit.to_owned(), year }),
            Route::Results { .. } => Some(Route::Results { unit: unit.to_owned(), year }),
            Route::Simulation { .. } => Some(Route::Simulation { unit: unit.to_owned(), year }),
            Route::Plans { .. } => Some(Route::Plans { unit: unit.to_owned(), year }),
            Route::EquipmentOrModule { module, .. } => {
                Some(Route::EquipmentOrModule { unit: unit.to_owned(), year, module: *module })
            }
            _ => None,
        }
    }

    /// The page of a module of a report.
    pub fn module(unit: &str, year: i32, module: Module) -> Route {
        Route::EquipmentOrModule { unit: unit.to_owned(), year, module }
    }

    /// The page of a module named by its key (as the API writes it); an unknown key is not found.
    pub fn module_key(unit: &str, year: i32, key: &str) -> Route {
        match Module::parse(key) {
            Some(module) => Route::module(unit, year, module),
            None => Route::NotFound { segments: vec!["units".into(), unit.into(), key.into()] },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn module_pages_have_the_documented_addresses() {
        let route = Route::module("9001", 2025, Module::Equipment);
        assert_eq!(route.to_string(), "/units/9001/years/2025/modules/equipment");
        assert_eq!(Route::from_str("/units/9001/years/2025/modules/equipment").ok(), Some(route));
        // Every module has its page; another key is an unknown address.
        for m in Module::ALL {
            assert_eq!(
                Route::from_str(&format!("/units/9001/years/2025/modules/{m}")).ok(),
                Some(Route::module("9001", 2025, m))
            );
        }
        let kitchen = Route::from_str("/units/9001/years/2025/modules/kitchen").map(|r| r.area()).ok();
        assert_eq!(kitchen, Some(Area::Other));
    }

    #[test]
    fn the_three_areas_are_told_apart() {
        assert_eq!(Route::from_str("/").map(|r| r.area()).ok(), Some(Area::Workspace));
        assert_eq!(Route::from_str("/team-manager/exports").map(|r| r.area()).ok(), Some(Area::Team));
        assert_eq!(Route::from_str("/it-manager").map(|r| r.area()).ok(), Some(Area::It));
        assert_eq!(Route::from_str("/nowhere/at/all").map(|r| r.area()).ok(), Some(Area::Other));
    }

    #[test]
    fn changing_the_year_keeps_the_module_page_and_leaves_areas_alone() {
        let on_module = Route::module("9001", 2025, Module::Equipment);
        assert_eq!(on_module.with_unit_year("9002", 2024), Some(Route::module("9002", 2024, Module::Equipment)));
        assert_eq!(Route::ItAudit {}.with_unit_year("9002", 2024), None);
        let results = Route::Results { unit: "9001".into(), year: 2025 };
        assert_eq!(results.to_string(), "/units/9001/years/2025/results");
        assert_eq!(results.with_unit_year("9002", 2024), Some(Route::Results { unit: "9002".into(), year: 2024 }));
        let plans = Route::Plans { unit: "9001".into(), year: 2025 };
        assert_eq!(plans.to_string(), "/units/9001/years/2025/plans");
        assert_eq!(plans.area(), Area::Workspace);
    }

    /// The addresses `boot.js` loads the full app for, as its regular expressions.
    const FULL_APP_PATHS: [&str; 2] = ["^/it-manager(/|$)", "^/units/[^/]+/years/[^/]+/(simulation|plans)$"];

    /// The pages the first-load bundle has a placeholder for (`views::elsewhere`): the IT
    /// manager's area, a unit's simulation and plans.
    fn placeholder_in_first_load(route: &Route) -> bool {
        match route {
            Route::Simulation { .. } | Route::Plans { .. } => true,
            other => other.area() == Area::It,
        }
    }

    /// Whether `path` matches one of [`FULL_APP_PATHS`], read as the two patterns they are: a
    /// prefix, and a unit-year page of one of two names.
    fn boot_picks_full(path: &str) -> bool {
        let it = path == "/it-manager" || path.starts_with("/it-manager/");
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let unit_page = matches!(segments.as_slice(), ["units", u, "years", y, "simulation" | "plans"] if !u.is_empty() && !y.is_empty());
        it || unit_page
    }

    #[test]
    fn boot_js_loads_the_full_app_exactly_for_the_pages_the_first_load_lacks() {
        let boot = include_str!("../boot.js");
        for pattern in FULL_APP_PATHS {
            assert!(boot.contains(&format!("\"{pattern}\"")), "boot.js holds {pattern}");
        }
        let routes = [
            Route::Home {},
            Route::Login {},
            Route::Report { unit: "9001".into(), year: 2025 },
            Route::Results { unit: "9001".into(), year: 2025 },
            Route::Simulation { unit: "9001".into(), year: 2025 },
            Route::Plans { unit: "9001".into(), year: 2025 },
            Route::module("9001", 2025, Module::Equipment),
            Route::Help {},
            Route::Methodology {},
            Route::TeamHome {},
            Route::TeamExports {},
            Route::ItYears {},
            Route::ItInventory {},
            Route::ItRollups {},
            Route::ItAudit {},
        ];
        for route in routes {
            assert_eq!(placeholder_in_first_load(&route), boot_picks_full(&route.to_string()), "{route}");
        }
    }
}
