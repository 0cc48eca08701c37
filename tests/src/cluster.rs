//! The cluster's topology, run here: every function binary as its own process on its own port,
//! with the environment its Knative Service gives it (read from `knative/base`, with a local
//! overlay that names only what differs on this machine); an nginx edge generated from the
//! HTTPRoute; the steps fed from SQS (moto) as Knative's `IntegrationSource` feeds them and the
//! sweeper triggered as the `PingSource` does; storage on S3 (moto) with the bucket notifications
//! of `knative/cloud-resources.yaml`; the database through PgBouncer with reads on the replica.
//!
//! Nothing here knows a function by name except to give the edge its upstreams: the list of
//! functions, their environment, the routes and the event sources all come from the manifests.

use serde_yaml_ng::Value as Yaml;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process stopped when dropped: SIGTERM first, as Kubernetes stops a pod (a function
/// drains; nginx's master stops its workers, which a SIGKILL would leave listening), SIGKILL
/// after 3 s.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let pid = self.0.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).stderr(Stdio::null()).status();
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The ports [`free_port`] hands out: below the kernel's ephemeral range (32768–60999), where
/// the listeners the tests bind to port 0 get theirs, and above the ports `make test` gives its
/// services (18025–18090).
const HANDED_OUT: std::ops::Range<u16> = 20_000..25_000;

/// A port nothing listens on now, for a process of the tests to bind. Never one a test's own
/// port-0 listener can take between this call and that bind, and never twice in this process:
/// otherwise, with the tests in parallel, the edge could reach another test's server.
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<std::collections::BTreeSet<u16>> =
        std::sync::Mutex::new(std::collections::BTreeSet::new());
    let mut given = GIVEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let span = HANDED_OUT.end - HANDED_OUT.start;
    // Start elsewhere in each run, so two test processes at once rarely meet.
    let first = (std::process::id() % u32::from(span)) as u16;
    for step in 0..span {
        let port = HANDED_OUT.start + (first + step) % span;
        if !given.contains(&port) && std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            given.insert(port);
            return port;
        }
    }
    panic!("no free port left in {HANDED_OUT:?}")
}

/// Waits until something accepts connections on `port`.
pub fn wait_listening(what: &str, port: u16, log: Option<&Path>) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            let tail = log.and_then(|l| std::fs::read_to_string(l).ok()).unwrap_or_default();
            panic!("{what} did not listen on {port}:\n{tail}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn yaml_docs(path: &Path) -> Vec<Yaml> {
    use serde::Deserialize;
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml_ng::Deserializer::from_str(&text)
        .map(|d| Yaml::deserialize(d).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .filter(|d| !d.is_null())
        .collect()
}

fn base() -> PathBuf {
    crate::knative_dir().join("base")
}

/// `KEY=value` lines (comments and blank lines skipped), as kustomize reads an `envs` file.
fn env_file(path: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('=').map(|(k, v)| (k.trim().to_owned(), v.to_owned())))
        .collect()
}

/// What the cluster's ConfigMaps and Secrets hold, here: `co2-config` from `config.env` (with
/// its generated `SESSION_PUBLIC_KEY`), the Secrets from this machine's services.
pub struct Objects {
    pub config_maps: BTreeMap<String, BTreeMap<String, String>>,
    pub secrets: BTreeMap<String, BTreeMap<String, String>>,
}

impl Objects {
    /// The ConfigMaps and Secrets the manifests name, filled with this machine's services: the
    /// database tier, moto for S3/SQS under `cloud`'s names, the test session keys.
    pub fn here(cloud: &crate::cloud::Cloud, db: &DatabaseTier, public_base_url: &str, moto: &str) -> Objects {
        let mut config = env_file(&base().join("config.env"));
        config.insert("SESSION_PUBLIC_KEY".into(), String::new());
        local_overlay(&mut config, cloud, public_base_url, moto);
        let secret = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Objects {
            config_maps: BTreeMap::from([("co2-config".to_owned(), config)]),
            secrets: BTreeMap::from([
                (
                    "co2-database".to_owned(),
                    secret(&[
                        ("DATABASE_URL", &db.primary),
                        ("DATABASE_READ_URL", &db.replica),
                        ("DATABASE_PIPELINE_URL", &db.primary),
                        ("DATABASE_DIRECT_URL", &db.direct),
                    ]),
                ),
                ("co2-session-signing".to_owned(), secret(&[("SESSION_SIGNING_KEY", co2_testkit::TEST_SIGNING_KEY)])),
                ("co2-aws".to_owned(), secret(&[("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test")])),
                ("co2-oidc".to_owned(), secret(&[("OIDC_CLIENT_SECRET", "not-used-here")])),
            ]),
        }
    }
}

/// What a function run on its own (an image, a Lambda) is given here: the demo data seeded on
/// `pool`, cloud resources of its own on moto, the manifests' ConfigMaps and Secrets over them.
pub async fn one_by_one(pool: &sqlx::PgPool, public_base_url: &str) -> (crate::cloud::Cloud, Objects) {
    co2_testkit::seed(pool).await;
    let cloud = crate::cloud::Cloud::new().await;
    let moto = std::env::var("MOTO_ENDPOINT").expect("MOTO_ENDPOINT (make test starts moto)");
    let objects = Objects::here(&cloud, &DatabaseTier::of(pool), public_base_url, &moto);
    (cloud, objects)
}

/// A Knative Service of `knative/base/functions/`.
pub struct ServiceManifest {
    pub name: String,
    container: Yaml,
}

/// Every Knative Service the base deploys (the kustomization's `functions/*.yaml`).
pub fn services() -> Vec<ServiceManifest> {
    let kustomization = &yaml_docs(&base().join("kustomization.yaml"))[0];
    let mut out = Vec::new();
    for resource in kustomization["resources"].as_sequence().unwrap() {
        let resource = resource.as_str().unwrap();
        if !resource.starts_with("functions/") {
            continue;
        }
        for doc in yaml_docs(&base().join(resource)) {
            if doc["kind"] == "Service" {
                out.push(ServiceManifest {
                    name: doc["metadata"]["name"].as_str().unwrap().to_owned(),
                    container: doc["spec"]["template"]["spec"]["containers"][0].clone(),
                });
            }
        }
    }
    out
}

impl ServiceManifest {
    /// The container's environment as Kubernetes builds it: `envFrom` in order, then `env`
    /// (which wins). A ConfigMap or Secret it names that `objects` lacks fails the test, unless
    /// the reference is `optional`.
    pub fn environment(&self, objects: &Objects) -> BTreeMap<String, String> {
        let mut env = BTreeMap::new();
        let lookup = |kind: &str, name: &str| match kind {
            "configMapRef" | "configMapKeyRef" => objects.config_maps.get(name),
            _ => objects.secrets.get(name),
        };
        for from in self.container["envFrom"].as_sequence().into_iter().flatten() {
            for kind in ["configMapRef", "secretRef"] {
                let r = &from[kind];
                if r.is_null() {
                    continue;
                }
                let name = r["name"].as_str().unwrap();
                match lookup(kind, name) {
                    Some(values) => env.extend(values.clone()),
                    None if r["optional"].as_bool() == Some(true) => {}
                    None => panic!("{}: {kind} {name} is not provided here", self.name),
                }
            }
        }
        for var in self.container["env"].as_sequence().into_iter().flatten() {
            let key = var["name"].as_str().unwrap().to_owned();
            if let Some(v) = var["value"].as_str() {
                env.insert(key, v.to_owned());
                continue;
            }
            let from = &var["valueFrom"];
            let (kind, r) = if !from["secretKeyRef"].is_null() {
                ("secretKeyRef", &from["secretKeyRef"])
            } else {
                ("configMapKeyRef", &from["configMapKeyRef"])
            };
            let (name, item) = (r["name"].as_str().unwrap(), r["key"].as_str().unwrap());
            let value = lookup(kind, name).and_then(|m| m.get(item));
            match value {
                Some(v) => {
                    env.insert(key, v.clone());
                }
                None if r["optional"].as_bool() == Some(true) => {}
                None => panic!("{}: {kind} {name}/{item} is not provided here", self.name),
            }
        }
        env
    }

    /// Its environment on this machine: the image's, the manifest's over it, then what only
    /// differs here — the image's paths on this machine, the port and loopback.
    pub fn environment_here(&self, objects: &Objects, port: u16) -> BTreeMap<String, String> {
        let mut env = image_environment();
        env.extend(self.environment(objects));
        env.insert("WEB_ROOT".into(), crate::data_dir().join("../frontend-dioxus/dist").display().to_string());
        env.insert("DATA_DIR".into(), crate::data_dir().display().to_string());
        env.insert("PORT".into(), port.to_string());
        env.insert("HOST".into(), "127.0.0.1".into());
        env
    }
}

/// The Service of `knative/base/functions/` named `name`.
pub fn service(name: &str) -> ServiceManifest {
    services().into_iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no Service {name} in the base"))
}

/// The environment the image gives every container (`knative/image.env`, which
/// `knative/images.sh` applies).
fn image_environment() -> BTreeMap<String, String> {
    env_file(&crate::knative_dir().join("image.env"))
}

/// One `IntegrationSource` of `knative/base/eventing/sqs-sources.yaml`: a queue and the Service
/// it feeds.
pub struct SqsSourceManifest {
    pub queue: String,
    pub sink: String,
}

pub fn sqs_sources() -> Vec<SqsSourceManifest> {
    yaml_docs(&base().join("eventing/sqs-sources.yaml"))
        .into_iter()
        .filter(|d| d["kind"] == "IntegrationSource")
        .map(|d| SqsSourceManifest {
            queue: d["spec"]["aws"]["sqs"]["arn"].as_str().unwrap().to_owned(),
            sink: d["spec"]["sink"]["ref"]["name"].as_str().unwrap().to_owned(),
        })
        .collect()
}

/// The `PingSource` of `knative/base/eventing/sweep-schedule.yaml`.
pub struct PingSourceManifest {
    pub name: String,
    pub content_type: String,
    pub data: String,
    pub sink: String,
}

pub fn ping_sources() -> Vec<PingSourceManifest> {
    yaml_docs(&base().join("eventing/sweep-schedule.yaml"))
        .into_iter()
        .filter(|d| d["kind"] == "PingSource")
        .map(|d| PingSourceManifest {
            name: d["metadata"]["name"].as_str().unwrap().to_owned(),
            content_type: d["spec"]["contentType"].as_str().unwrap_or("application/json").to_owned(),
            data: d["spec"]["data"].as_str().unwrap_or_default().to_owned(),
            sink: d["spec"]["sink"]["ref"]["name"].as_str().unwrap().to_owned(),
        })
        .collect()
}

/// The CloudEvent id Knative's AWS SQS source gives a message (Apache Camel's exchange id:
/// 15 upper-case hex digits, a dash, 16 decimal digits) — not the SQS message id.
fn camel_exchange_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    let host = uuid::Uuid::new_v4().simple().to_string().to_uppercase();
    format!("{}-{:016}", &host[..15], N.fetch_add(1, Ordering::Relaxed))
}

/// Knative's AWS SQS `IntegrationSource`, here: polls `queue` and POSTs each message to `sink`
/// as one binary-mode CloudEvent with the attributes the source sends (knative-extensions
/// eventing-integrations, aws-sqs-source: `ce-type dev.knative.connector.event.aws-sqs`,
/// `ce-source dev.knative.eventing.aws-sqs-source`, `ce-subject aws-sqs-source`, the body as
/// data). The message is deleted after a 2xx answer only; otherwise it stays in the queue and
/// SQS delivers it again after its visibility timeout.
pub async fn run_sqs_source(sqs: aws_sdk_sqs::Client, queue: String, sink: String) {
    let http = reqwest::Client::new();
    let url = loop {
        match sqs.get_queue_url().queue_name(&queue).send().await {
            Ok(u) => break u.queue_url().unwrap().to_owned(),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    };
    loop {
        let Ok(batch) =
            sqs.receive_message().queue_url(&url).max_number_of_messages(1).wait_time_seconds(1).send().await
        else {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        for m in batch.messages() {
            let sent = http
                .post(&sink)
                .header("ce-specversion", "1.0")
                .header("ce-id", camel_exchange_id())
                .header("ce-type", co2_testkit::SQS_SOURCE_CE_TYPE)
                .header("ce-source", co2_testkit::SQS_SOURCE_CE_SOURCE)
                .header("ce-subject", co2_testkit::SQS_SOURCE_CE_SUBJECT)
                .header("ce-time", chrono::Utc::now().to_rfc3339())
                .header("content-type", "application/json")
                .body(m.body().unwrap_or_default().to_owned())
                .send()
                .await;
            match sent {
                Ok(r) if r.status().is_success() => {
                    let _ =
                        sqs.delete_message().queue_url(&url).receipt_handle(m.receipt_handle().unwrap()).send().await;
                }
                // Left for redelivery after the visibility timeout; said, for a failing test's output.
                Ok(r) => eprintln!(
                    "sqs source {queue}: {sink} answered {}: {}",
                    r.status(),
                    r.text().await.unwrap_or_default()
                ),
                Err(e) => eprintln!("sqs source {queue}: {sink} unreachable: {e}"),
            }
        }
    }
}

/// Where this machine's database tier is (`make test-rust` starts it: scripts/db-tier.sh).
pub struct DatabaseTier {
    /// PgBouncer in front of the primary.
    pub primary: String,
    /// PgBouncer in front of the replica.
    pub replica: String,
    /// The primary itself (migrations).
    pub direct: String,
}

impl DatabaseTier {
    pub fn of(pool: &sqlx::PgPool) -> DatabaseTier {
        let var = |n: &str| std::env::var(n).unwrap_or_else(|_| panic!("{n}: make test-rust starts the database tier"));
        let o = pool.connect_options();
        let url = |hp: &str| format!("postgres://{}@{hp}/{}", o.get_username(), o.get_database().unwrap());
        DatabaseTier {
            primary: url(&var("CO2_TEST_PGBOUNCER")),
            replica: url(&var("CO2_TEST_PGBOUNCER_READ")),
            direct: url(&format!("{}:{}", o.get_host(), o.get_port())),
        }
    }
}

/// The nginx edge: the HTTPRoute turned into an nginx configuration by `edge::nginx_conf`.
pub struct Edge {
    pub port: u16,
    _nginx: Running,
    _dir: co2_testkit::TempDir,
}

impl Edge {
    pub fn start(route: &edge::HttpRoute, upstreams: edge::Upstreams<'_>) -> Edge {
        Edge::start_on(free_port(), route, upstreams)
    }

    /// The edge on a given port.
    pub fn start_on(port: u16, route: &edge::HttpRoute, upstreams: edge::Upstreams<'_>) -> Edge {
        // Something else answering there would pass for the edge.
        drop(
            std::net::TcpListener::bind(("127.0.0.1", port)).unwrap_or_else(|e| panic!("the edge's port {port}: {e}")),
        );
        let dir = co2_testkit::TempDir::new();
        let conf = route.nginx_conf(&format!("127.0.0.1:{port}"), &dir.0, upstreams).expect("an nginx configuration");
        let path = dir.0.join("nginx.conf");
        std::fs::write(&path, conf).unwrap();
        let nginx = Command::new(nginx_binary())
            .arg("-p")
            .arg(&dir.0)
            .arg("-c")
            .arg(&path)
            .args(["-g", "daemon off;"])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.0.join("nginx.stderr")).unwrap())
            .spawn()
            .expect("nginx (Debian's package; make test-rust installs it)");
        let running = Running(nginx);
        wait_listening("nginx", port, Some(&dir.0.join("nginx.stderr")));
        Edge { port, _nginx: running, _dir: dir }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

fn nginx_binary() -> PathBuf {
    ["/usr/sbin/nginx", "/usr/local/sbin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("nginx"))
}

/// The HTTPRoute the cluster's Gateway routes by.
pub fn edge_route() -> edge::HttpRoute {
    let text = std::fs::read_to_string(base().join("routing/edge-httproute.yaml")).unwrap();
    edge::HttpRoute::from_yaml(&text).expect("the HTTPRoute uses portable matches only")
}

/// A function process with its port and log.
pub struct Function {
    pub port: u16,
    pub log: PathBuf,
    _process: Running,
}

/// The whole topology.
pub struct Topology {
    pub edge: Edge,
    pub functions: BTreeMap<String, Function>,
    pub cloud: crate::cloud::Cloud,
    pub auth: co2_platform::auth::AuthKeys,
    pub pool: sqlx::PgPool,
    pub http: reqwest::Client,
    sources: Vec<tokio::task::JoinHandle<()>>,
    _logs: co2_testkit::TempDir,
}

impl Drop for Topology {
    fn drop(&mut self) {
        for s in &self.sources {
            s.abort();
        }
    }
}

/// The session keys of the cluster profile, with the issuer and audience of `config.env`.
pub fn cluster_session_keys(suffix: &str) -> co2_platform::auth::AuthKeys {
    let config = env_file(&base().join("config.env"));
    let settings = co2_platform::config::Settings {
        session_issuer: config["SESSION_ISSUER"].clone(),
        session_audience: config["SESSION_AUDIENCE"].clone(),
        ..co2_testkit::settings(co2_platform::config::Profile::Cluster, suffix)
    };
    co2_testkit::auth_keys(&settings)
}

/// A session for a new person holding `role` (on `unit`), signed with `keys`.
pub async fn session_token(
    pool: &sqlx::PgPool,
    keys: &co2_platform::auth::AuthKeys,
    role: &str,
    unit: Option<&str>,
) -> String {
    let unit_id = match unit {
        Some(u) => Some(co2_db::org::unit_by_institutional_id(pool, u).await.unwrap().unwrap().unit_id),
        None => None,
    };
    let who = format!("cluster-{role}-{}", unit.unwrap_or("global"));
    let user = co2_db::org::upsert_user(pool, &who, &who, None).await.unwrap();
    co2_db::org::grant_role(pool, user.app_user_id, role, unit_id).await.unwrap();
    co2_platform::auth::start_session(
        &co2_db::Db::new(pool.clone()),
        keys,
        user.app_user_id,
        Duration::from_secs(600),
        co2_platform::auth::SignIn::Oidc,
    )
    .await
    .unwrap()
    .0
}

/// The local overlay: what differs between the cluster and this machine. Everything else is
/// the manifests' own value.
fn local_overlay(
    config: &mut BTreeMap<String, String>,
    cloud: &crate::cloud::Cloud,
    public_base_url: &str,
    moto: &str,
) {
    let suffixed = |v: &str| v.split(',').map(|q| format!("{q}{}", cloud.suffix)).collect::<Vec<_>>().join(",");
    for queue in ["QUEUE_INGEST", "QUEUE_COMPUTE", "QUEUE_AGGREGATE", "QUEUE_EXPORT", "QUEUE_DEAD_LETTERS"] {
        let v = config.get(queue).unwrap_or_else(|| panic!("config.env sets {queue}")).clone();
        config.insert(queue.into(), suffixed(&v));
    }
    config.insert("S3_BUCKET".into(), cloud.bucket.clone());
    config.insert("S3_FORCE_PATH_STYLE".into(), "true".into());
    config.insert("AWS_ENDPOINT_URL".into(), moto.to_owned());
    config.insert("AWS_REGION".into(), std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into()));
    config.insert("PUBLIC_BASE_URL".into(), public_base_url.to_owned());
    config.insert("CSP_CONNECT_SRC".into(), moto.trim_end_matches('/').to_owned());
    config.insert("SESSION_PUBLIC_KEY".into(), co2_testkit::TEST_PUBLIC_KEY.to_owned());
    config.insert("RUST_LOG".into(), "warn".into());
    // Sign-in is api-session's; its identity provider is not part of these journeys.
    for k in config.keys().filter(|k| k.starts_with("OIDC_")).cloned().collect::<Vec<_>>() {
        config.remove(&k);
    }
}

/// What a topology may be given besides the manifests.
#[derive(Debug, Clone, Default)]
pub struct TopologyOptions {
    /// The edge's port (the public base URL); any free one when `None`.
    pub edge_port: Option<u16>,
    /// The identity provider api-session signs people in with: `OIDC_*` settings for `co2-config`
    /// and the client secret for the `co2-oidc` Secret. Without it, sign-in is not configured.
    pub oidc: Option<(BTreeMap<String, String>, String)>,
}

impl Topology {
    /// Starts every function of the base as its own process, the edge, the SQS sources.
    pub async fn start(pool: sqlx::PgPool) -> Topology {
        Topology::start_with(pool, TopologyOptions::default()).await
    }

    /// As [`Topology::start`], with `options`.
    pub async fn start_with(pool: sqlx::PgPool, options: TopologyOptions) -> Topology {
        co2_testkit::seed(&pool).await;
        // The edge's address is the app's origin, which the bucket lets browsers upload from.
        let edge_port = options.edge_port.unwrap_or_else(free_port);
        let cloud = crate::cloud::Cloud::for_origin(&format!("http://127.0.0.1:{edge_port}")).await;
        let moto = std::env::var("MOTO_ENDPOINT").expect("MOTO_ENDPOINT (make test starts moto)");
        let db = DatabaseTier::of(&pool);
        let services = services();
        let ports: BTreeMap<String, u16> = services.iter().map(|s| (s.name.clone(), free_port())).collect();
        // The edge first: its address is the public base URL every function is given.
        let route = edge_route();
        let upstream = |name: &str| ports.get(name).map(|p| format!("127.0.0.1:{p}"));
        let edge = Edge::start_on(edge_port, &route, &upstream);

        let mut objects = Objects::here(&cloud, &db, &edge.url(), &moto);
        if let Some((settings, secret)) = options.oidc {
            objects.config_maps.get_mut("co2-config").unwrap().extend(settings);
            objects.secrets.insert("co2-oidc".into(), BTreeMap::from([("OIDC_CLIENT_SECRET".into(), secret)]));
        }
        let logs = co2_testkit::TempDir::new();
        let mut functions = BTreeMap::new();
        for service in &services {
            let port = ports[&service.name];
            let env = service.environment_here(&objects, port);
            let log = logs.0.join(format!("{}.log", service.name));
            let child = Command::new(crate::binary(&service.name))
                .env_clear()
                .env("PATH", std::env::var("PATH").unwrap_or_default())
                .envs(&env)
                .stdout(std::fs::File::create(&log).unwrap())
                .stderr(std::fs::File::create(logs.0.join(format!("{}.stderr", service.name))).unwrap())
                .spawn()
                .unwrap_or_else(|e| panic!("{}: {e}", service.name));
            functions.insert(service.name.clone(), Function { port, log, _process: Running(child) });
        }
        for (name, f) in &functions {
            wait_listening(name, f.port, Some(&logs.0.join(format!("{name}.stderr"))));
        }
        let (_, sqs) = cloud_resources::clients(Some(&moto), true).await;
        let sources = sqs_sources()
            .into_iter()
            .map(|s| {
                let sink = format!("http://127.0.0.1:{}/", ports[&s.sink]);
                tokio::spawn(run_sqs_source(sqs.clone(), format!("{}{}", s.queue, cloud.suffix), sink))
            })
            .collect();
        let auth = cluster_session_keys(&cloud.suffix);
        Topology {
            edge,
            functions,
            cloud,
            auth,
            pool,
            http: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(),
            sources,
            _logs: logs,
        }
    }

    /// A session for a new person holding `role` (on `unit`), signed as api-session signs.
    pub async fn token(&self, role: &str, unit: Option<&str>) -> String {
        session_token(&self.pool, &self.auth, role, unit).await
    }

    /// A request through the edge.
    pub fn request(&self, method: reqwest::Method, path: &str, token: Option<&str>) -> reqwest::RequestBuilder {
        let r = self.http.request(method, format!("{}{path}", self.edge.url()));
        match token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }

    /// An object put into the installation's bucket (as a drop-folder client does).
    pub async fn cloud_put(&self, key: &str, bytes: Vec<u8>) {
        self.cloud.s3.put_object().bucket(&self.cloud.bucket).key(key).body(bytes.into()).send().await.unwrap();
    }

    /// A message sent to one of the installation's queues (`name` without this test's suffix).
    pub async fn cloud_send(&self, name: &str, body: &str) {
        let url =
            self.cloud.sqs.get_queue_url().queue_name(format!("{name}{}", self.cloud.suffix)).send().await.unwrap();
        self.cloud.sqs.send_message().queue_url(url.queue_url().unwrap()).message_body(body).send().await.unwrap();
    }

    /// The sweeper's schedule fires once: the CloudEvent a `PingSource` sends to its sink.
    pub async fn ping(&self, source: &str) -> reqwest::StatusCode {
        let ping = ping_sources().into_iter().find(|p| p.name == source).expect("a PingSource of the manifests");
        self.http
            .post(format!("http://127.0.0.1:{}/", self.functions[&ping.sink].port))
            .header("ce-specversion", "1.0")
            .header("ce-id", uuid::Uuid::new_v4().to_string())
            .header("ce-type", "dev.knative.sources.ping")
            .header("ce-source", format!("/apis/v1/namespaces/co2/pingsources/{}", ping.name))
            .header("ce-time", chrono::Utc::now().to_rfc3339())
            .header("content-type", ping.content_type)
            .body(ping.data)
            .send()
            .await
            .unwrap()
            .status()
    }

    /// Polls a job through the edge until it ends.
    pub async fn job_end(&self, token: &str, path: &str) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let job: serde_json::Value =
                self.request(reqwest::Method::GET, path, Some(token)).send().await.unwrap().json().await.unwrap();
            if job["state"] == "succeeded" || job["state"] == "failed" {
                return job;
            }
            assert!(Instant::now() < deadline, "{path} did not end: {job}\n{}", self.logs());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The functions' logs (for a failure's message).
    pub fn logs(&self) -> String {
        let mut out = String::new();
        for (name, function) in &self.functions {
            let stderr = self._logs.0.join(format!("{name}.stderr"));
            let text = std::fs::read_to_string(&stderr).unwrap_or_default();
            let out_log = std::fs::read_to_string(&function.log).unwrap_or_default();
            let tail: String = format!("{text}{out_log}").lines().rev().take(15).collect::<Vec<_>>().join("\n");
            if !tail.is_empty() {
                out.push_str(&format!("--- {name} (last lines, newest first)\n{tail}\n"));
            }
        }
        out
    }
}
