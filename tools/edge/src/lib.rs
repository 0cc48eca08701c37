//! The edge as the cluster declares it: `knative/base/routing/edge-httproute.yaml` read into a
//! model, and the Gateway API's request matching over it, so tests (and the local edge built
//! from it) route a path exactly as the cluster's Gateway would — from the one manifest, never
//! from a second copy of the table.
//!
//! Matching follows the Gateway API (`HTTPRoute` v1): an `Exact` path match beats every
//! `PathPrefix`; among prefixes the longest value wins; a remaining tie goes to the rule listed
//! first. `PathPrefix` matches whole path elements (`/api/v1/units` matches `/api/v1/units` and
//! `/api/v1/units/9001`, never `/api/v1/unitsx`). Only the core match types are accepted: a
//! `RegularExpression` match ranks differently from one implementation to the next, so a
//! manifest that uses one is refused here rather than routed by a guess.
//!
//! It must not import anything of the product: it knows manifests, not functions.

use serde::Deserialize;

/// Why a manifest cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RouteError {
    #[error("the manifest is not an HTTPRoute: {0}")]
    Yaml(#[from] serde_yaml_ng::Error),
    #[error("rule {rule}: {reason}")]
    Unsupported { rule: usize, reason: String },
}

/// Where a matched request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// To a Knative Service, by the host name the rule rewrites to (`<service>.<namespace>.svc…`).
    Service(String),
    /// Answered at the edge with a redirect to this path.
    Redirect { path: String, status: u16 },
}

/// How a rule matches a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathMatch {
    Exact(String),
    Prefix(String),
}

impl PathMatch {
    /// Whether `path` (no query string) matches.
    pub fn matches(&self, path: &str) -> bool {
        match self {
            PathMatch::Exact(p) => path == p,
            PathMatch::Prefix(p) => {
                let p = p.trim_end_matches('/');
                p.is_empty() || path == p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/'))
            }
        }
    }

    /// The Gateway API's precedence key: Exact first, then the longest prefix.
    fn rank(&self) -> (u8, usize) {
        match self {
            PathMatch::Exact(p) => (1, p.len()),
            PathMatch::Prefix(p) => (0, p.trim_end_matches('/').len()),
        }
    }
}

/// One rule: its path matches and where they lead.
#[derive(Debug, Clone)]
pub struct Rule {
    pub matches: Vec<PathMatch>,
    pub target: Target,
    /// The Host header the rule's URLRewrite sets (for a Service target).
    pub rewrite_host: Option<String>,
}

/// An `HTTPRoute` reduced to what routing needs.
#[derive(Debug, Clone)]
pub struct HttpRoute {
    pub hostnames: Vec<String>,
    pub rules: Vec<Rule>,
}

#[derive(Deserialize)]
struct Doc {
    kind: String,
    spec: Spec,
}

#[derive(Deserialize)]
struct Spec {
    #[serde(default)]
    hostnames: Vec<String>,
    rules: Vec<RawRule>,
}

#[derive(Deserialize)]
struct RawRule {
    #[serde(default)]
    matches: Vec<RawMatch>,
    #[serde(default)]
    filters: Vec<RawFilter>,
}

#[derive(Deserialize)]
struct RawMatch {
    path: Option<RawPath>,
    #[serde(default)]
    headers: Vec<serde_yaml_ng::Value>,
    #[serde(default, rename = "queryParams")]
    query_params: Vec<serde_yaml_ng::Value>,
    method: Option<String>,
}

#[derive(Deserialize)]
struct RawPath {
    #[serde(rename = "type", default = "default_path_type")]
    kind: String,
    #[serde(default = "default_path")]
    value: String,
}

fn default_path_type() -> String {
    "PathPrefix".into()
}

fn default_path() -> String {
    "/".into()
}

#[derive(Deserialize)]
struct RawFilter {
    #[serde(rename = "type")]
    kind: String,
    #[serde(rename = "urlRewrite")]
    url_rewrite: Option<UrlRewrite>,
    #[serde(rename = "requestRedirect")]
    request_redirect: Option<RequestRedirect>,
}

#[derive(Deserialize)]
struct UrlRewrite {
    hostname: Option<String>,
    path: Option<serde_yaml_ng::Value>,
}

#[derive(Deserialize)]
struct RequestRedirect {
    path: Option<RedirectPath>,
    #[serde(rename = "statusCode", default = "default_redirect_status")]
    status_code: u16,
}

fn default_redirect_status() -> u16 {
    302
}

#[derive(Deserialize)]
struct RedirectPath {
    #[serde(rename = "replaceFullPath")]
    replace_full_path: Option<String>,
}

impl HttpRoute {
    /// Reads an `HTTPRoute` manifest (one YAML document).
    pub fn from_yaml(text: &str) -> Result<HttpRoute, RouteError> {
        let doc: Doc = serde_yaml_ng::from_str(text)?;
        let unsupported = |rule: usize, reason: String| RouteError::Unsupported { rule, reason };
        if doc.kind != "HTTPRoute" {
            return Err(unsupported(0, format!("kind {} is not HTTPRoute", doc.kind)));
        }
        let mut rules = Vec::new();
        for (i, raw) in doc.spec.rules.into_iter().enumerate() {
            let mut matches = Vec::new();
            for m in &raw.matches {
                if !m.headers.is_empty() || !m.query_params.is_empty() || m.method.is_some() {
                    return Err(unsupported(i, "only path matches are used at this edge".into()));
                }
                let path = m.path.as_ref().map_or(("PathPrefix", "/"), |p| (p.kind.as_str(), p.value.as_str()));
                matches.push(match path {
                    ("Exact", v) => PathMatch::Exact(v.to_owned()),
                    ("PathPrefix", v) => PathMatch::Prefix(v.to_owned()),
                    (other, _) => {
                        return Err(unsupported(
                            i,
                            format!("{other} path matches rank differently between Gateway implementations"),
                        ));
                    }
                });
            }
            if matches.is_empty() {
                matches.push(PathMatch::Prefix("/".into()));
            }
            let mut target = None;
            let mut rewrite_host = None;
            for f in &raw.filters {
                match (f.kind.as_str(), &f.url_rewrite, &f.request_redirect) {
                    ("URLRewrite", Some(rw), _) => {
                        if rw.path.is_some() {
                            return Err(unsupported(i, "functions mount their own prefixes: no path rewrite".into()));
                        }
                        let host = rw
                            .hostname
                            .as_deref()
                            .ok_or_else(|| unsupported(i, "a rewrite without a hostname".into()))?;
                        let service = host.split('.').next().unwrap_or(host).to_owned();
                        target = Some(Target::Service(service));
                        rewrite_host = Some(host.to_owned());
                    }
                    ("RequestRedirect", _, Some(rd)) => {
                        let path = rd
                            .path
                            .as_ref()
                            .and_then(|p| p.replace_full_path.clone())
                            .ok_or_else(|| unsupported(i, "a redirect without a full path".into()))?;
                        target = Some(Target::Redirect { path, status: rd.status_code });
                    }
                    (other, _, _) => return Err(unsupported(i, format!("filter {other} is not used at this edge"))),
                }
            }
            let target = target.ok_or_else(|| unsupported(i, "no URLRewrite hostname nor redirect".into()))?;
            rules.push(Rule { matches, target, rewrite_host });
        }
        Ok(HttpRoute { hostnames: doc.spec.hostnames, rules })
    }

    /// Where a request for `path` goes, by the Gateway API's precedence; `None` when no rule
    /// matches (the Gateway answers 404).
    pub fn route(&self, path: &str) -> Option<&Target> {
        let path = path.split('?').next().unwrap_or(path);
        let mut best: Option<((u8, usize), &Target)> = None;
        for rule in &self.rules {
            for m in rule.matches.iter().filter(|m| m.matches(path)) {
                // Strictly better only: on a tie the earlier rule keeps it.
                if best.is_none_or(|(rank, _)| m.rank() > rank) {
                    best = Some((m.rank(), &rule.target));
                }
            }
        }
        best.map(|(_, t)| t)
    }
}

/// Where the nginx edge sends a Knative Service's requests (`host:port`), or `None` when the
/// Service does not run here (the configuration is then refused: every route must lead somewhere).
pub type Upstreams<'a> = &'a dyn Fn(&str) -> Option<String>;

impl HttpRoute {
    /// An nginx configuration (a whole `nginx.conf`, run with `nginx -p runtime_dir -c …`) that
    /// routes as the Gateway would. nginx's own order gives the Gateway API's: `location =` (an
    /// exact match) before any prefix, and among prefixes the longest. A Gateway `PathPrefix P`
    /// matches whole path elements, so it becomes `location = P` and `location ^~ P/` (a plain
    /// nginx prefix `P` would also match `Px`). Two rules with the same location: the first
    /// listed keeps it, and an Exact match keeps its `location =` over a prefix's, as in the
    /// Gateway API. The URLRewrite's host name is the Host header the function receives.
    ///
    /// Bodies are limited by the functions (each knows its own limit and answers with the
    /// envelope), not here: `client_max_body_size` only stops what no function accepts.
    pub fn nginx_conf(
        &self,
        listen: &str,
        runtime_dir: &std::path::Path,
        upstreams: Upstreams<'_>,
    ) -> Result<String, RouteError> {
        // location key → (exact-origin, block); first one in wins except Exact over a prefix.
        let mut locations: Vec<(String, bool, String)> = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            let body = match &rule.target {
                Target::Service(name) => {
                    let up = upstreams(name).ok_or_else(|| RouteError::Unsupported {
                        rule: i,
                        reason: format!("no upstream for Service {name}"),
                    })?;
                    let host = rule.rewrite_host.as_deref().unwrap_or(name);
                    format!(
                        "proxy_pass http://{up}; proxy_set_header Host {host}; \
                         proxy_set_header X-Forwarded-For $remote_addr; proxy_set_header X-Forwarded-Proto $scheme;"
                    )
                }
                Target::Redirect { path, status } => format!("return {status} {path};"),
            };
            for m in &rule.matches {
                let keys = match m {
                    PathMatch::Exact(p) => vec![(format!("= {p}"), true)],
                    PathMatch::Prefix(p) => {
                        let p = p.trim_end_matches('/');
                        if p.is_empty() {
                            vec![("/".to_owned(), false)]
                        } else {
                            vec![(format!("= {p}"), false), (format!("^~ {p}/"), false)]
                        }
                    }
                };
                for (key, exact) in keys {
                    match locations.iter_mut().find(|(k, _, _)| *k == key) {
                        Some(slot) if exact && !slot.1 => *slot = (key, exact, body.clone()),
                        Some(_) => {}
                        None => locations.push((key, exact, body.clone())),
                    }
                }
            }
        }
        let dir = runtime_dir.display();
        let mut conf = format!(
            "worker_processes 1;\npid {dir}/nginx.pid;\nerror_log {dir}/error.log warn;\n\
             events {{ worker_connections 1024; }}\n\
             http {{\n  access_log {dir}/access.log;\n\
               client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy;\n\
               fastcgi_temp_path {dir}/fastcgi; uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;\n\
               client_max_body_size 64m; proxy_http_version 1.1; proxy_request_buffering off; proxy_max_temp_file_size 0;\n\
               absolute_redirect off;\n\
               server {{\n    listen {listen};\n"
        );
        for (key, _, body) in &locations {
            conf.push_str(&format!("    location {key} {{ {body} }}\n"));
        }
        // No rule matched: the Gateway answers 404.
        if !locations.iter().any(|(k, _, _)| k == "/") {
            conf.push_str("    location / { return 404; }\n");
        }
        conf.push_str("  }\n}\n");
        Ok(conf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTE: &str = r#"
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: t}
spec:
  hostnames: [x.example.org]
  rules:
    - matches: [{path: {type: PathPrefix, value: /}}]
      filters: [{type: URLRewrite, urlRewrite: {hostname: web.ns.svc.cluster.local}}]
    - matches: [{path: {type: PathPrefix, value: /api/v1/units}}, {path: {type: PathPrefix, value: /api/v1/units/}}]
      filters: [{type: URLRewrite, urlRewrite: {hostname: units.ns.svc.cluster.local}}]
    - matches: [{path: {type: PathPrefix, value: /api/v1/units/special}}]
      filters: [{type: URLRewrite, urlRewrite: {hostname: special.ns.svc.cluster.local}}]
    - matches: [{path: {type: Exact, value: /api/v1/units/special/x}}]
      filters: [{type: URLRewrite, urlRewrite: {hostname: exact.ns.svc.cluster.local}}]
    - matches: [{path: {type: Exact, value: /metrics}}]
      filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplaceFullPath, replaceFullPath: /}, statusCode: 302}}]
"#;

    fn service(r: &HttpRoute, path: &str) -> Option<String> {
        match r.route(path)? {
            Target::Service(s) => Some(s.clone()),
            Target::Redirect { path, .. } => Some(format!("redirect {path}")),
        }
    }

    #[test]
    fn the_most_specific_match_wins_whatever_the_rule_order() {
        let r = HttpRoute::from_yaml(ROUTE).unwrap();
        assert_eq!(service(&r, "/").as_deref(), Some("web"));
        assert_eq!(service(&r, "/team-manager/9001").as_deref(), Some("web"));
        assert_eq!(service(&r, "/api/v1/units").as_deref(), Some("units"));
        assert_eq!(service(&r, "/api/v1/units/9001?x=1").as_deref(), Some("units"));
        assert_eq!(service(&r, "/api/v1/unitsx").as_deref(), Some("web"), "prefixes match whole elements");
        assert_eq!(service(&r, "/api/v1/units/special").as_deref(), Some("special"), "the longer prefix");
        assert_eq!(service(&r, "/api/v1/units/special/x").as_deref(), Some("exact"), "exact beats any prefix");
        assert_eq!(service(&r, "/api/v1/units/special/x/y").as_deref(), Some("special"));
        assert_eq!(service(&r, "/metrics").as_deref(), Some("redirect /"));
    }

    #[test]
    fn a_tie_goes_to_the_first_rule() {
        let twice = ROUTE.replace("special.ns", "units.ns").replace("/api/v1/units/special}", "/api/v1/units/}");
        let r = HttpRoute::from_yaml(&twice).unwrap();
        assert_eq!(service(&r, "/api/v1/units/9001").as_deref(), Some("units"));
    }

    #[test]
    fn the_nginx_locations_follow_the_same_precedence() {
        let r = HttpRoute::from_yaml(ROUTE).unwrap();
        let up = |s: &str| Some(format!("127.0.0.1:{}", s.len()));
        let conf = r.nginx_conf("127.0.0.1:1", std::path::Path::new("/run/x"), &up).unwrap();
        assert!(conf.contains("location = /api/v1/units { proxy_pass http://127.0.0.1:5;"), "{conf}");
        assert!(conf.contains("location ^~ /api/v1/units/ { proxy_pass http://127.0.0.1:5;"));
        assert!(conf.contains(
            "location = /api/v1/units/special/x { proxy_pass http://127.0.0.1:5; proxy_set_header Host exact.ns"
        ));
        assert!(conf.contains("location = /metrics { return 302 /; }"));
        assert_eq!(conf.matches("location ^~ /api/v1/units/ ").count(), 1, "the first rule keeps a location");
        assert!(r.nginx_conf("127.0.0.1:1", std::path::Path::new("/x"), &|_| None).is_err());
    }

    #[test]
    fn matches_whose_precedence_is_not_portable_are_refused() {
        let regex = ROUTE
            .replace("{type: PathPrefix, value: /api/v1/units/special}", "{type: RegularExpression, value: \"^/x.*\"}");
        assert!(matches!(HttpRoute::from_yaml(&regex), Err(RouteError::Unsupported { rule: 2, .. })));
        let header = ROUTE.replace(
            "{path: {type: PathPrefix, value: /api/v1/units/special}}",
            "{path: {type: PathPrefix, value: /a}, headers: [{name: x, value: y}]}",
        );
        assert!(HttpRoute::from_yaml(&header).is_err());
    }
}
