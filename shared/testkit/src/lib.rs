//! Test support (dev-dependency only): a `Ctx` on a test database with local storage in a
//! temporary directory and the embedded queue, fixed session keys, personas, and request helpers
//! that call a router in-process.

pub mod forgery;

pub use http::Method;

use axum::Router;
use axum::body::Body;
use co2_platform::Ctx;
use co2_platform::auth::{AuthKeys, SignIn};
use co2_platform::blob::LocalBlob;
use co2_platform::config::{Profile, Settings};
use co2_platform::queue::PgQueue;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use sqlx::PgPool;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

/// A fixed Ed25519 key pair for tests only (a fixture, never used outside them).
pub const TEST_SIGNING_KEY: &str = include_str!("../fixtures/test-session.key");
/// Public half of [`TEST_SIGNING_KEY`].
pub const TEST_PUBLIC_KEY: &str = include_str!("../fixtures/test-session.pub");

/// Base URL the test `Ctx` puts in links.
pub const BASE_URL: &str = "http://test.invalid";

/// A directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A fresh directory under the system temp dir.
    pub fn new() -> TempDir {
        let dir = std::env::temp_dir().join(format!("co2-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }
}

impl Default for TempDir {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Settings for tests; queue names may be suffixed so parallel tests on a shared server don't mix.
pub fn settings(profile: Profile, queue_suffix: &str) -> Settings {
    Settings {
        profile,
        public_base_url: BASE_URL.into(),
        session_issuer: "co2-test".into(),
        session_audience: "co2-calculator".into(),
        session_ttl: Duration::from_secs(3600),
        idp_grant_max_age: Duration::from_secs(7 * 24 * 3600),
        queue_ingest: format!("co2-ingest{queue_suffix}"),
        queue_compute: format!("co2-compute{queue_suffix}"),
        queue_aggregate: format!("co2-aggregate{queue_suffix}"),
        queue_export: format!("co2-export{queue_suffix}"),
        dead_letter_queues: ["co2-ingest", "co2-compute", "co2-aggregate", "co2-export"]
            .iter()
            .map(|q| format!("{q}-dlq{queue_suffix}"))
            .collect(),
        job_stale_after: std::time::Duration::from_secs(15 * 60),
        settle_after: std::time::Duration::from_secs(60),
        max_upload_bytes: 8 * 1024 * 1024,
        max_upload_rows: 1_000_000,
    }
}

/// Session keys built from the fixed test pair.
pub fn auth_keys(settings: &Settings) -> AuthKeys {
    AuthKeys::new(
        TEST_PUBLIC_KEY.as_bytes(),
        Some(TEST_SIGNING_KEY.as_bytes()),
        &settings.session_issuer,
        &settings.session_audience,
    )
    .expect("test keys parse")
}

/// A test `Ctx` on `pool`: local storage under `dir`, the embedded queue, fixed keys.
pub fn ctx(pool: PgPool, dir: &Path, profile: Profile) -> (Ctx, Arc<LocalBlob>) {
    ctx_on(co2_db::Pools::single(pool), dir, profile)
}

/// A test `Ctx` whose functions use `pools` (the queue is on the write pool).
pub fn ctx_on(pools: co2_db::Pools, dir: &Path, profile: Profile) -> (Ctx, Arc<LocalBlob>) {
    let settings = settings(profile, "");
    let local = Arc::new(LocalBlob::new(dir.to_path_buf(), b"test-blob-secret", BASE_URL));
    let ctx = Ctx {
        queue: Arc::new(PgQueue::new(pools.write.clone())),
        pools,
        blob: local.clone(),
        auth: Arc::new(auth_keys(&settings)),
        settings: Arc::new(settings),
    };
    (ctx, local)
}

/// The pools a test's functions use on the test database of `pool`: straight to it, or — with
/// `CO2_TEST_TOPOLOGY=pgbouncer`, as `make test` does for a second run of the pipeline suites —
/// through PgBouncer in transaction pooling to the primary (`CO2_TEST_PGBOUNCER`), and to its
/// streaming replica for reads (`CO2_TEST_PGBOUNCER_READ`).
pub fn function_pools(pool: &PgPool) -> co2_db::Pools {
    if std::env::var("CO2_TEST_TOPOLOGY").as_deref() != Ok("pgbouncer") {
        return co2_db::Pools::single(pool.clone());
    }
    let write =
        std::env::var("CO2_TEST_PGBOUNCER").expect("CO2_TEST_PGBOUNCER names PgBouncer in front of the primary");
    let options = pool.connect_options();
    let url = |host_port: &str| {
        format!("postgres://{}@{host_port}/{}", options.get_username(), options.get_database().unwrap_or("postgres"))
    };
    let read = std::env::var("CO2_TEST_PGBOUNCER_READ").ok().map(|r| url(&r));
    co2_db::Pools::connect_lazy(&url(&write), read.as_deref(), 4).expect("pools through PgBouncer")
}

/// The repository's `data/` directory.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

/// Seeds years, default factors and the demo hierarchy (units EPFL › ENAC › 9001, 9002).
pub async fn seed(pool: &PgPool) {
    co2_db::seed::install_defaults(pool, &data_dir()).await.expect("install the defaults");
    co2_db::seed::seed_demo(pool).await.expect("seed demo");
}

/// Creates a user holding `role` (scoped to `unit` when given) and returns a session token for it.
pub async fn mint_token(ctx: &Ctx, role: &str, unit: Option<&str>) -> String {
    let unit_row = match unit {
        Some(u) => {
            Some(co2_db::org::unit_by_institutional_id(&ctx.pools.write, u).await.unwrap().expect("unit exists"))
        }
        None => None,
    };
    let who = format!("test-{role}-{}", unit.unwrap_or("global"));
    let user = co2_db::org::upsert_user(&ctx.pools.write, &who, &who, None).await.unwrap();
    co2_db::org::grant_role(&ctx.pools.write, user.app_user_id, role, unit_row.map(|u| u.unit_id)).await.unwrap();
    session_for(ctx, user.app_user_id).await
}

/// A session token for `user` (a session row of its own, as a sign-in opens).
pub async fn session_for(ctx: &Ctx, user: uuid::Uuid) -> String {
    co2_platform::auth::start_session(&ctx.pools.write, &ctx.auth, user, Duration::from_secs(600), SignIn::Oidc)
        .await
        .expect("open a session")
        .0
}

/// An in-process response.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    /// The body as JSON (Null when empty or not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// Calls `app` with an optional bearer token and JSON body.
pub async fn call(app: &Router, method: Method, uri: &str, token: Option<&str>, body: Option<Value>) -> TestResponse {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req.header("content-type", "application/json").body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    send(app, req).await
}

/// Sends a prepared request to `app`.
pub async fn send(app: &Router, req: Request<Body>) -> TestResponse {
    let res = app.clone().oneshot(req).await.expect("router is infallible");
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.expect("body").to_bytes().to_vec();
    TestResponse { status, headers, body }
}

/// PUTs bytes to a link the test `Ctx` produced (its base URL stripped to reach the router).
pub async fn put_link(app: &Router, url: &str, bytes: Vec<u8>) -> TestResponse {
    let path = url.strip_prefix(BASE_URL).unwrap_or(url);
    send(app, Request::put(path).body(Body::from(bytes)).unwrap()).await
}

/// GETs a link the test `Ctx` produced.
pub async fn get_link(app: &Router, url: &str) -> TestResponse {
    let path = url.strip_prefix(BASE_URL).unwrap_or(url);
    send(app, Request::get(path).body(Body::empty()).unwrap()).await
}

/// A function's router as its binary serves it — the platform's layers, the 404 envelope for
/// unknown routes — on a seeded test database (the demo hierarchy EPFL › ENAC › 9001, 9002), with
/// local storage and the embedded queue. Requests are made as one of the personas of DOMAIN §7.
pub struct FunctionApp {
    pub ctx: Ctx,
    pub app: Router,
    _storage: TempDir,
}

impl FunctionApp {
    /// Seeds `pool` and serves `router(ctx)` as the function `name` does.
    pub async fn start(name: &'static str, pool: PgPool, router: impl FnOnce(Ctx) -> Router) -> FunctionApp {
        seed(&pool).await;
        let storage = TempDir::new();
        let (ctx, _) = ctx(pool, &storage.0, Profile::Dev);
        let served = router(ctx.clone()).fallback(co2_platform::error::route_not_found);
        let app = co2_platform::serve::with_platform(name, served, Some(ctx.pools.write.clone()));
        FunctionApp { ctx, app, _storage: storage }
    }

    async fn persona(&self, role: &str, unit: Option<&str>) -> Persona {
        Persona { app: self.app.clone(), token: Some(mint_token(&self.ctx, role, unit).await) }
    }

    /// A lab member (standard user) of `unit`.
    pub async fn as_member(&self, unit: &str) -> Persona {
        self.persona("standard", Some(unit)).await
    }

    /// The principal (team manager) of `unit`.
    pub async fn as_principal(&self, unit: &str) -> Persona {
        self.persona("principal", Some(unit)).await
    }

    /// A back-office operator over `unit`'s subtree.
    pub async fn as_backoffice(&self, unit: &str) -> Persona {
        self.persona("backoffice", Some(unit)).await
    }

    /// The IT manager (admin).
    pub async fn as_admin(&self) -> Persona {
        self.persona("admin", None).await
    }

    /// Nobody signed in.
    pub fn anonymous(&self) -> Persona {
        Persona { app: self.app.clone(), token: None }
    }

    /// Sends every forged credential of [`forgery::forgeries`] on each of `requests`, as a bearer
    /// token and as the session cookie (from our own pages, so the CSRF check lets it through to
    /// the token's): each must be answered 401 with the error envelope. The admin's genuine
    /// session is not refused on the same requests, so the suite hits routes that authenticate.
    /// Returns how many forged requests were refused.
    pub async fn refuses_forged_credentials(&self, requests: &[(Method, &str)]) -> usize {
        let person = |who: &'static str, role: &'static str, unit: Option<&'static str>| async move {
            let user = co2_db::org::upsert_user(&self.ctx.pools.write, who, who, None).await.unwrap();
            let unit = match unit {
                Some(u) => {
                    Some(co2_db::org::unit_by_institutional_id(&self.ctx.pools.write, u).await.unwrap().unwrap())
                }
                None => None,
            };
            co2_db::org::grant_role(&self.ctx.pools.write, user.app_user_id, role, unit.map(|u| u.unit_id))
                .await
                .unwrap();
            user.app_user_id
        };
        let admin = person("forgery-target-admin", "admin", None).await;
        let member = person("forgery-member", "standard", Some("9001")).await;
        let genuine = session_for(&self.ctx, admin).await;
        let forged = forgery::forgeries(&self.ctx, admin, member).await;
        let mut failures = Vec::new();
        let mut refused = 0;
        for (method, path) in requests {
            let res = self.credential_call(method, path, &genuine, false).await;
            assert_ne!(res.status, StatusCode::UNAUTHORIZED, "{method} {path}: the genuine session is refused");
            for f in &forged {
                for cookie in [false, true] {
                    let res = self.credential_call(method, path, &f.token, cookie).await;
                    let carrier = if cookie { "cookie" } else { "bearer" };
                    if res.status != StatusCode::UNAUTHORIZED || !res.json()["error"]["code"].is_string() {
                        failures.push(format!("{method} {path} ({carrier}, {}): {}", f.attack, res.status));
                    } else {
                        refused += 1;
                    }
                }
            }
        }
        assert!(failures.is_empty(), "forged credentials not refused:\n{}", failures.join("\n"));
        refused
    }

    async fn credential_call(&self, method: &Method, path: &str, token: &str, cookie: bool) -> TestResponse {
        let mut req = Request::builder().method(method.clone()).uri(path);
        req = if cookie {
            req.header("cookie", format!("{}={token}", co2_api_types::SESSION_COOKIE))
                .header("sec-fetch-site", "same-origin")
        } else {
            req.header("authorization", format!("Bearer {token}"))
        };
        let body = if method.is_safe() { Body::empty() } else { Body::from("{}") };
        send(&self.app, req.header("content-type", "application/json").body(body).unwrap()).await
    }
}

/// The CloudEvent attributes Knative's AWS SQS `IntegrationSource` gives every message
/// (knative-extensions eventing-integrations, aws-sqs-source).
pub const SQS_SOURCE_CE_TYPE: &str = "dev.knative.connector.event.aws-sqs";
pub const SQS_SOURCE_CE_SOURCE: &str = "dev.knative.eventing.aws-sqs-source";
pub const SQS_SOURCE_CE_SUBJECT: &str = "aws-sqs-source";

/// A message as Knative's AWS SQS source POSTs it to a step: one binary-mode CloudEvent whose
/// data is the queue message's body.
pub fn cloudevent(body: &str) -> Request<Body> {
    Request::post("/")
        .header("ce-specversion", "1.0")
        .header("ce-id", uuid::Uuid::new_v4().simple().to_string().to_uppercase())
        .header("ce-type", SQS_SOURCE_CE_TYPE)
        .header("ce-source", SQS_SOURCE_CE_SOURCE)
        .header("ce-subject", SQS_SOURCE_CE_SUBJECT)
        .header("content-type", "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

/// Someone calling a [`FunctionApp`]: their session travels as a bearer token.
pub struct Persona {
    app: Router,
    token: Option<String>,
}

impl Persona {
    /// A request with a JSON body or none.
    pub async fn call(&self, method: Method, uri: &str, body: Option<Value>) -> TestResponse {
        call(&self.app, method, uri, self.token.as_deref(), body).await
    }

    pub async fn get(&self, uri: &str) -> TestResponse {
        self.call(Method::GET, uri, None).await
    }

    pub async fn post(&self, uri: &str, body: Value) -> TestResponse {
        self.call(Method::POST, uri, Some(body)).await
    }

    pub async fn put(&self, uri: &str, body: Value) -> TestResponse {
        self.call(Method::PUT, uri, Some(body)).await
    }

    pub async fn patch(&self, uri: &str, body: Value) -> TestResponse {
        self.call(Method::PATCH, uri, Some(body)).await
    }

    pub async fn delete(&self, uri: &str) -> TestResponse {
        self.call(Method::DELETE, uri, None).await
    }
}
