//! Route ownership: the edge's HTTPRoute (`knative/base/routing/edge-httproute.yaml`, matched by
//! the Gateway API's precedence rules) sends every path of every function's OpenAPI document to
//! the function that serves it, the SPA's areas to `web`, `/docs` to `api-docs`, and no API path
//! to the SPA.

use co2_e2e::cluster::edge_route;
use edge::{HttpRoute, Target};

/// Each HTTP function with the OpenAPI document of what it serves.
pub(crate) fn functions() -> Vec<(&'static str, utoipa::openapi::OpenApi)> {
    vec![
        ("api-session", api_session::openapi()),
        ("api-workspace", api_workspace::openapi()),
        ("api-results", api_results::openapi()),
        ("api-backoffice", api_backoffice::openapi()),
        ("api-access", api_access::openapi()),
        ("api-entries", api_entries::openapi()),
        ("api-uploads", api_uploads::openapi()),
        ("api-reference", api_reference::openapi()),
    ]
}

/// A concrete request path for a templated one (`{unit}` → a value of the right shape).
pub(crate) fn concrete(template: &str) -> String {
    template
        .split('/')
        .map(|segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            None => segment.to_owned(),
            Some(name) if name.ends_with("_id") => "0190a0b4-5c1d-7e00-8000-000000000001".to_owned(),
            Some("year") => "2025".to_owned(),
            Some("module") => "equipment".to_owned(),
            Some(name) => format!("x-{name}"),
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn service_of(route: &HttpRoute, path: &str) -> Option<String> {
    match route.route(path)? {
        Target::Service(s) => Some(s.clone()),
        Target::Redirect { path, .. } => Some(format!("redirect to {path}")),
    }
}

#[test]
fn every_documented_path_is_routed_to_the_function_that_serves_it() {
    let route = edge_route();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for (function, doc) in functions() {
        for template in doc.paths.paths.keys() {
            let path = concrete(template);
            let to = service_of(&route, &path);
            if to.as_deref() != Some(function) {
                wrong.push(format!("{template} ({path}) is served by {function} but routed to {to:?}"));
            }
            checked += 1;
        }
    }
    assert!(checked > 40, "the documents list the routes ({checked})");
    assert!(wrong.is_empty(), "misrouted:\n{}", wrong.join("\n"));
}

#[test]
fn the_merged_document_has_no_path_that_its_functions_do_not_serve() {
    let merged = co2_openapi::document();
    let served: std::collections::BTreeSet<String> =
        functions().iter().flat_map(|(_, d)| d.paths.paths.keys().cloned().collect::<Vec<_>>()).collect();
    let orphans: Vec<&String> = merged.paths.paths.keys().filter(|p| !served.contains(*p)).collect();
    assert!(orphans.is_empty(), "documented but served by no function: {orphans:?}");
}

#[test]
fn the_spa_docs_and_unknown_api_paths_reach_their_functions() {
    let route = edge_route();
    for path in [
        "/",
        "/login",
        "/units/9001/years/2025",
        "/team-manager",
        "/team-manager/9001",
        "/it-manager",
        "/it-manager/factors",
        "/co2_web-0123456789abcdef.wasm",
    ] {
        assert_eq!(service_of(&route, path).as_deref(), Some("web"), "{path}");
    }
    for path in ["/docs", "/docs/openapi.json", "/api", "/api/v1/nothing", "/api/v2/units"] {
        assert_eq!(service_of(&route, path).as_deref(), Some("api-docs"), "{path}");
    }
    assert_eq!(service_of(&route, "/metrics").as_deref(), Some("redirect to /"), "metrics stay in the cluster");
    // The former address of a module's entries answers its redirect from api-workspace.
    let former = "/api/v1/units/9001/years/2025/modules/equipment/entries";
    assert_eq!(service_of(&route, former).as_deref(), Some("api-workspace"));
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_former_address_of_a_modules_entries_redirects_for_good(pool: sqlx::PgPool) {
    let s = crate::support::Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    for method in [http::Method::GET, http::Method::POST] {
        let res = co2_testkit::call(
            &s.app,
            method.clone(),
            "/api/v1/units/9001/years/2025/modules/equipment/entries?per_page=5",
            Some(&token),
            None,
        )
        .await;
        assert_eq!(res.status, http::StatusCode::PERMANENT_REDIRECT, "{method}");
        let to = res.headers["location"].to_str().unwrap();
        assert_eq!(to, "/api/v1/entries/units/9001/years/2025/modules/equipment?per_page=5");
        assert!(res.headers.contains_key("deprecation"));
        assert!(res.headers["link"].to_str().unwrap().contains("successor-version"));
    }
    let res = co2_testkit::call(
        &s.app,
        http::Method::GET,
        "/api/v1/entries/units/9001/years/2025/modules/equipment?per_page=5",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(res.status, http::StatusCode::OK);
    // The former results address, to api-results'.
    let res = co2_testkit::call(
        &s.app,
        http::Method::GET,
        "/api/v1/units/9001/years/2025/results?basis=all",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(res.status, http::StatusCode::PERMANENT_REDIRECT);
    assert_eq!(res.headers["location"].to_str().unwrap(), "/api/v1/results/units/9001/years/2025?basis=all");
    let moved = co2_testkit::call(
        &s.app,
        http::Method::GET,
        "/api/v1/results/units/9001/years/2025?basis=all",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(moved.status, http::StatusCode::OK);
}
