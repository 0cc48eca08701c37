//! Configuration from environment variables, read once at start. Errors name the variable.

use secrecy::SecretString;
use std::time::Duration;

pub use co2_http::config::{ConfigError, required_var, var, var_parsed};

/// Where the process runs. Dev login and other conveniences exist only in `Dev`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// A cluster or cloud deployment (the default).
    Cluster,
    /// The embedded default (`make run`) and tests.
    Dev,
}

/// Settings shared by every function.
#[derive(Debug, Clone)]
pub struct Settings {
    pub profile: Profile,
    /// Base URL the browser uses (for links in responses and local presigned URLs).
    pub public_base_url: String,
    pub session_issuer: String,
    pub session_audience: String,
    pub session_ttl: Duration,
    /// How long a grant of the identity provider counts after the provider last named it (at a
    /// sign-in): what a personal API token can keep of a role the provider withdrew.
    pub idp_grant_max_age: Duration,
    pub queue_ingest: String,
    pub queue_compute: String,
    pub queue_aggregate: String,
    pub queue_export: String,
    /// The dead-letter queue of every step queue (the jobs sweeper reads them all).
    pub dead_letter_queues: Vec<String>,
    /// A running job with no progress for this long is failed by the sweeper.
    pub job_stale_after: Duration,
    /// A published job's rows are settled by the sweeper this long after its publication.
    pub settle_after: Duration,
    /// Largest accepted upload, in bytes.
    pub max_upload_bytes: u64,
    /// Most data rows accepted in one file (all sheets together).
    pub max_upload_rows: usize,
}

/// Sign-in with the institution's OpenID Connect provider (Microsoft Entra ID, or any provider
/// by configuration): authorization code with PKCE, state and nonce.
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// `OIDC_ISSUER`: the provider's issuer URL (discovery at `/.well-known/openid-configuration`).
    pub issuer: String,
    /// `OIDC_CLIENT_ID`.
    pub client_id: String,
    /// `OIDC_CLIENT_SECRET`: sent in the token request when set (confidential client).
    pub client_secret: Option<SecretString>,
    /// `OIDC_REDIRECT_URL`: default `{PUBLIC_BASE_URL}/api/v1/auth/oidc/callback`.
    pub redirect_url: String,
    /// `OIDC_SCOPES`: default `openid profile email`.
    pub scopes: String,
    /// `OIDC_USER_CLAIM`: the claim holding the person's institutional id (default `sub`).
    pub user_claim: String,
    /// `OIDC_ROLES_CLAIM`: the claim listing role names (default `roles`), e.g.
    /// `calco2.user.principal:9001` or `calco2.backoffice.admin`.
    pub roles_claim: String,
    /// `OIDC_UNIT_CLAIM`: the claim naming the person's unit, for role names without `:unit`.
    pub unit_claim: Option<String>,
    /// `OIDC_PROVIDER_NAME`: shown on the sign-in button (default `your institution`).
    pub provider_name: String,
}

impl OidcSettings {
    /// Reads the `OIDC_*` variables; `None` when `OIDC_ISSUER` is not set.
    pub fn from_env(public_base_url: &str) -> Result<Option<OidcSettings>, ConfigError> {
        let Some(issuer) = var("OIDC_ISSUER") else { return Ok(None) };
        if !(issuer.starts_with("https://")
            || issuer.starts_with("http://127.0.0.1")
            || issuer.starts_with("http://localhost"))
        {
            return Err(ConfigError::Invalid {
                name: "OIDC_ISSUER",
                reason: "an https URL (http only on loopback)".into(),
            });
        }
        Ok(Some(OidcSettings {
            issuer: issuer.trim_end_matches('/').to_owned(),
            client_id: required_var("OIDC_CLIENT_ID")?,
            client_secret: var("OIDC_CLIENT_SECRET").map(SecretString::from),
            redirect_url: var("OIDC_REDIRECT_URL")
                .unwrap_or_else(|| format!("{}/api/v1/auth/oidc/callback", public_base_url.trim_end_matches('/'))),
            scopes: var("OIDC_SCOPES").unwrap_or_else(|| "openid profile email".into()),
            user_claim: var("OIDC_USER_CLAIM").unwrap_or_else(|| "sub".into()),
            roles_claim: var("OIDC_ROLES_CLAIM").unwrap_or_else(|| "roles".into()),
            unit_claim: var("OIDC_UNIT_CLAIM"),
            provider_name: var("OIDC_PROVIDER_NAME").unwrap_or_else(|| "your institution".into()),
        }))
    }
}

impl Settings {
    /// Reads `CO2_PROFILE`, `PUBLIC_BASE_URL`, `SESSION_ISSUER`, `SESSION_AUDIENCE`,
    /// `SESSION_TTL_SECS`, `IDP_GRANT_MAX_AGE_HOURS`, `QUEUE_INGEST`/`_COMPUTE`/`_AGGREGATE`/`_EXPORT`, `QUEUE_DEAD_LETTERS` (comma-separated;
    /// default `<queue>-dlq` of each step queue), `JOB_STALE_SECS`, `SETTLE_AFTER_SECS`,
    /// `MAX_UPLOAD_BYTES` and `MAX_UPLOAD_ROWS`. (The `OIDC_*` variables are api-session's alone:
    /// [`OidcSettings`].)
    pub fn from_env() -> Result<Settings, ConfigError> {
        let profile = match var("CO2_PROFILE").as_deref() {
            None | Some("cluster") => Profile::Cluster,
            Some("dev") => Profile::Dev,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "CO2_PROFILE",
                    reason: format!("'{other}' is not cluster or dev"),
                });
            }
        };
        let public_base_url = var("PUBLIC_BASE_URL").unwrap_or_else(|| "http://127.0.0.1:8080".into());
        let steps = [
            var("QUEUE_INGEST").unwrap_or_else(|| "co2-ingest".into()),
            var("QUEUE_COMPUTE").unwrap_or_else(|| "co2-compute".into()),
            var("QUEUE_AGGREGATE").unwrap_or_else(|| "co2-aggregate".into()),
            var("QUEUE_EXPORT").unwrap_or_else(|| "co2-export".into()),
        ];
        let dead_letter_queues = match var("QUEUE_DEAD_LETTERS") {
            Some(list) => list.split(',').map(str::trim).filter(|q| !q.is_empty()).map(str::to_owned).collect(),
            None => steps.iter().map(|q| format!("{q}-dlq")).collect(),
        };
        let [queue_ingest, queue_compute, queue_aggregate, queue_export] = steps;
        Ok(Settings {
            profile,
            session_issuer: var("SESSION_ISSUER").unwrap_or_else(|| public_base_url.clone()),
            public_base_url: public_base_url.trim_end_matches('/').to_owned(),
            session_audience: var("SESSION_AUDIENCE").unwrap_or_else(|| "co2-calculator".into()),
            session_ttl: Duration::from_secs(var_parsed("SESSION_TTL_SECS")?.unwrap_or(8 * 3600)),
            idp_grant_max_age: Duration::from_secs(
                3600 * var_parsed::<u64>("IDP_GRANT_MAX_AGE_HOURS")?.unwrap_or(7 * 24),
            ),
            queue_ingest,
            queue_compute,
            queue_aggregate,
            queue_export,
            dead_letter_queues,
            job_stale_after: Duration::from_secs(var_parsed("JOB_STALE_SECS")?.unwrap_or(15 * 60)),
            settle_after: Duration::from_secs(var_parsed("SETTLE_AFTER_SECS")?.unwrap_or(60)),
            max_upload_bytes: var_parsed("MAX_UPLOAD_BYTES")?.unwrap_or(64 * 1024 * 1024),
            max_upload_rows: var_parsed("MAX_UPLOAD_ROWS")?.unwrap_or(1_000_000),
        })
    }
}

impl Settings {
    /// The `Secure` attribute of our cookies: always in the cluster profile (served over HTTPS),
    /// and wherever the public base URL is HTTPS.
    pub fn cookie_secure_flag(&self) -> &'static str {
        if self.profile == Profile::Cluster || self.public_base_url.starts_with("https://") { "; Secure" } else { "" }
    }
}

/// Database settings.
#[derive(Debug, Clone)]
pub struct DbConfig {
    pub url: SecretString,
    pub read_url: Option<SecretString>,
    pub max_connections: u32,
}

impl DbConfig {
    /// Reads `DATABASE_URL` (required), `DATABASE_READ_URL`, `DATABASE_MAX_CONNECTIONS`.
    pub fn from_env() -> Result<DbConfig, ConfigError> {
        Ok(DbConfig {
            url: SecretString::from(required_var("DATABASE_URL")?),
            read_url: var("DATABASE_READ_URL").map(SecretString::from),
            max_connections: var_parsed("DATABASE_MAX_CONNECTIONS")?.unwrap_or(4),
        })
    }
}

/// Which storage backend.
#[derive(Debug, Clone)]
pub enum BlobConfig {
    /// `BLOB_BACKEND=s3`: `S3_BUCKET`, endpoint from `AWS_ENDPOINT_URL[_S3]`, `S3_FORCE_PATH_STYLE`.
    S3 { bucket: String, force_path_style: bool },
    /// `BLOB_BACKEND=local`: files under `LOCAL_BLOB_DIR`, URLs signed with `LOCAL_BLOB_SECRET`.
    Local { root: std::path::PathBuf, secret: SecretString },
}

impl BlobConfig {
    /// Reads the storage settings.
    pub fn from_env() -> Result<BlobConfig, ConfigError> {
        match var("BLOB_BACKEND").as_deref().unwrap_or("local") {
            "s3" => Ok(BlobConfig::S3 {
                bucket: required_var("S3_BUCKET")?,
                force_path_style: var_parsed("S3_FORCE_PATH_STYLE")?.unwrap_or(false),
            }),
            "local" => Ok(BlobConfig::Local {
                root: var("LOCAL_BLOB_DIR").unwrap_or_else(|| ".local/storage".into()).into(),
                secret: SecretString::from(required_var("LOCAL_BLOB_SECRET")?),
            }),
            other => {
                Err(ConfigError::Invalid { name: "BLOB_BACKEND", reason: format!("'{other}' is not s3 or local") })
            }
        }
    }
}

/// Which queue backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueBackend {
    Sqs,
    Postgres,
}

impl QueueBackend {
    /// Reads `QUEUE_BACKEND` (`sqs` or `postgres`, default `postgres`).
    pub fn from_env() -> Result<QueueBackend, ConfigError> {
        match var("QUEUE_BACKEND").as_deref().unwrap_or("postgres") {
            "sqs" => Ok(QueueBackend::Sqs),
            "postgres" => Ok(QueueBackend::Postgres),
            other => {
                Err(ConfigError::Invalid { name: "QUEUE_BACKEND", reason: format!("'{other}' is not sqs or postgres") })
            }
        }
    }
}
