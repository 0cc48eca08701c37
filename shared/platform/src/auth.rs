//! Sessions and access rights.
//!
//! Session tokens are EdDSA-signed JWTs naming a session row ([`start_session`]): only api-session
//! holds the signing key; every function verifies with the public key through the single
//! [`AuthKeys::validation`] built here (algorithm pinned; `iss`, `aud`, `exp`, `sub` required,
//! and `sid`). [`Caller`] is the extractor: it accepts `Authorization: Bearer` or the session
//! cookie and loads the caller's role grants fresh from the database in one query that also
//! checks the session is still live, so a revoked role or an ended session takes effect at the
//! next request. Authorisation is an explicit call on [`Caller`] in each handler.

use crate::Ctx;
use crate::config::{ConfigError, Settings, required_var, var};
use crate::error::{ApiError, ApiResult};
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use co2_api_types::{Persona, RoleGrant};
use co2_db::org::{Grant, Unit, User};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Clock skew tolerated when checking `exp`: cluster nodes are NTP-synchronised, so a few seconds
/// suffice, and a short leeway keeps a revoked session's tail short.
pub const JWT_LEEWAY_SECS: u64 = 5;

/// Claims of a session token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SessionClaims {
    pub iss: String,
    pub aud: String,
    /// The user's id.
    pub sub: Uuid,
    /// The session's id (`app_session`): ending the session ends the token.
    pub sid: Uuid,
    pub iat: i64,
    pub exp: i64,
    /// Issued by the development login.
    #[serde(default)]
    pub dev: bool,
}

/// Claims of a transient statement (see [`AuthKeys::sign_transient`]).
#[derive(Debug, Serialize, Deserialize)]
struct TransientClaims {
    iss: String,
    aud: String,
    exp: i64,
    payload: serde_json::Value,
}

/// Signing (api-session only) and verification keys with the one validation policy.
pub struct AuthKeys {
    encoding: Option<EncodingKey>,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
}

impl std::fmt::Debug for AuthKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthKeys").field("issuer", &self.issuer).field("can_sign", &self.encoding.is_some()).finish()
    }
}

/// A token that does not verify.
#[derive(Debug, thiserror::Error)]
#[error("invalid session token: {0}")]
pub struct InvalidToken(#[from] jsonwebtoken::errors::Error);

fn pem_from_env(name: &'static str, value: String) -> Result<Vec<u8>, ConfigError> {
    // Env files often carry PEM with literal "\n"; accept both forms.
    let pem = value.replace("\\n", "\n");
    if !pem.contains("-----BEGIN") {
        return Err(ConfigError::Invalid { name, reason: "expected a PEM block".into() });
    }
    Ok(pem.into_bytes())
}

impl AuthKeys {
    /// Builds the keys from PEM texts.
    pub fn new(
        public_pem: &[u8],
        signing_pem: Option<&[u8]>,
        issuer: &str,
        audience: &str,
    ) -> Result<Self, InvalidToken> {
        let decoding = DecodingKey::from_ed_pem(public_pem)?;
        let encoding = signing_pem.map(EncodingKey::from_ed_pem).transpose()?;
        Ok(AuthKeys {
            encoding,
            decoding,
            validation: Self::validation(issuer, audience),
            issuer: issuer.into(),
            audience: audience.into(),
        })
    }

    /// Reads `SESSION_PUBLIC_KEY` (required) and `SESSION_SIGNING_KEY` (api-session only).
    pub fn from_env(settings: &Settings) -> Result<Self, ConfigError> {
        let public = pem_from_env("SESSION_PUBLIC_KEY", required_var("SESSION_PUBLIC_KEY")?)?;
        let signing = var("SESSION_SIGNING_KEY").map(|v| pem_from_env("SESSION_SIGNING_KEY", v)).transpose()?;
        Self::new(&public, signing.as_deref(), &settings.session_issuer, &settings.session_audience)
            .map_err(|e| ConfigError::Invalid { name: "SESSION_PUBLIC_KEY", reason: e.to_string() })
    }

    /// The only place a `Validation` is built.
    fn validation(issuer: &str, audience: &str) -> Validation {
        let mut v = Validation::new(Algorithm::EdDSA);
        v.algorithms = vec![Algorithm::EdDSA];
        v.set_issuer(&[issuer]);
        v.set_audience(&[audience]);
        v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        v.leeway = JWT_LEEWAY_SECS;
        v
    }

    /// Whether this process can issue sessions.
    pub fn can_sign(&self) -> bool {
        self.encoding.is_some()
    }

    /// Signs a session token for `user` naming session `sid`, valid for `ttl` (the session row
    /// is [`start_session`]'s).
    pub fn issue(
        &self,
        user: Uuid,
        sid: Uuid,
        ttl: std::time::Duration,
        dev: bool,
    ) -> Result<(String, SessionClaims), InvalidToken> {
        let key = self
            .encoding
            .as_ref()
            .ok_or_else(|| InvalidToken(jsonwebtoken::errors::ErrorKind::InvalidKeyFormat.into()))?;
        let now = chrono::Utc::now().timestamp();
        let claims = SessionClaims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user,
            sid,
            iat: now,
            exp: now + ttl.as_secs() as i64,
            dev,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), &claims, key)?;
        Ok((token, claims))
    }

    /// Verifies a token and returns its claims.
    pub fn verify(&self, token: &str) -> Result<SessionClaims, InvalidToken> {
        Ok(jsonwebtoken::decode::<SessionClaims>(token, &self.decoding, &self.validation)?.claims)
    }

    /// Signs a short-lived statement for this service itself (e.g. a sign-in in progress). Its
    /// audience names `purpose`, so it can never pass as a session, nor one purpose as another.
    pub fn sign_transient(
        &self,
        purpose: &str,
        payload: serde_json::Value,
        ttl: std::time::Duration,
    ) -> Result<String, InvalidToken> {
        let key = self
            .encoding
            .as_ref()
            .ok_or_else(|| InvalidToken(jsonwebtoken::errors::ErrorKind::InvalidKeyFormat.into()))?;
        let now = chrono::Utc::now().timestamp();
        let claims = TransientClaims {
            iss: self.issuer.clone(),
            aud: self.transient_audience(purpose),
            exp: now + ttl.as_secs() as i64,
            payload,
        };
        Ok(jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), &claims, key)?)
    }

    /// Verifies a statement of [`AuthKeys::sign_transient`] for `purpose` and returns its payload.
    pub fn verify_transient(&self, purpose: &str, token: &str) -> Result<serde_json::Value, InvalidToken> {
        let mut validation = self.validation.clone();
        validation.set_audience(&[self.transient_audience(purpose)]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        Ok(jsonwebtoken::decode::<TransientClaims>(token, &self.decoding, &validation)?.claims.payload)
    }

    fn transient_audience(&self, purpose: &str) -> String {
        format!("{}#{purpose}", self.audience)
    }
}

/// A fresh Ed25519 key pair as (PKCS#8 private PEM, SPKI public PEM), for the embedded default and
/// tests; clusters get theirs from a Secret.
pub fn generate_ed25519_pem() -> anyhow::Result<(String, String)> {
    use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| anyhow::anyhow!("key generation failed"))?;
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).map_err(|_| anyhow::anyhow!("key parsing failed"))?;
    // SPKI prefix of an Ed25519 public key (RFC 8410): SEQUENCE { AlgorithmIdentifier 1.3.101.112, BIT STRING }.
    let mut spki = vec![0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
    spki.extend_from_slice(pair.public_key().as_ref());
    Ok((pem("PRIVATE KEY", pkcs8.as_ref()), pem("PUBLIC KEY", &spki)))
}

fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let body: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", body.join("\n"))
}

/// How a person signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignIn {
    /// Through the institution's identity provider.
    Oidc,
    /// The development sign-in (dev profile only).
    Dev,
}

/// Opens a session for `user` and signs its token: the one way a session starts.
pub async fn start_session(
    db: &co2_db::Db,
    keys: &AuthKeys,
    user: Uuid,
    ttl: std::time::Duration,
    via: SignIn,
) -> Result<(String, SessionClaims), ApiError> {
    let expires_at = chrono::Utc::now() + chrono::Duration::seconds(ttl.as_secs() as i64);
    let via_name = match via {
        SignIn::Oidc => "oidc",
        SignIn::Dev => "dev",
    };
    let mut tx = db.begin().await?;
    let sid = co2_db::session::open(&mut tx, user, expires_at, via_name).await?;
    tx.commit().await?;
    keys.issue(user, sid, ttl, via == SignIn::Dev).map_err(ApiError::internal)
}

/// The caller's role in a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum UnitRole {
    Standard,
    Principal,
}

/// An authenticated caller with its grants.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub grants: Vec<Grant>,
    pub dev: bool,
    /// Authenticated by an API token rather than a session.
    pub api_token: bool,
    /// The session the request came with (none for an API token).
    pub session: Option<Uuid>,
}

/// How a request carried its credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Carrier {
    /// `Authorization: Bearer`: sent on purpose by the client, never ambient.
    Bearer,
    /// The session cookie: a browser attaches it to any request, so a state change must prove
    /// it comes from our own pages.
    Cookie,
}

fn token_from(parts: &Parts) -> Option<(String, Carrier)> {
    if let Some(h) = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok())
        && let Some(t) = h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer "))
    {
        return Some((t.trim().to_owned(), Carrier::Bearer));
    }
    parts
        .headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == co2_api_types::SESSION_COOKIE)
        .map(|(_, v)| (v.to_owned(), Carrier::Cookie))
}

/// The origin (`scheme://host[:port]`) of a base URL, lowercased.
fn origin_of(base_url: &str) -> String {
    let lower = base_url.trim().to_ascii_lowercase();
    match lower.split_once("://") {
        Some((scheme, rest)) => format!("{scheme}://{}", rest.split('/').next().unwrap_or("")),
        None => lower,
    }
}

/// CSRF defence for cookie-authenticated state changes (OWASP: verify the source with standard
/// headers). A browser names the request's site in `Sec-Fetch-Site` (all current browsers) and
/// its origin in `Origin` (sent on every non-GET request); one of them must say "our own pages",
/// the origin being the public base URL. Safe methods pass: they change nothing.
fn same_site_or_refuse(parts: &Parts, public_base_url: &str) -> Result<(), ApiError> {
    if parts.method.is_safe() {
        return Ok(());
    }
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let allowed = match (header("sec-fetch-site"), header("origin")) {
        (Some(site), _) => site.eq_ignore_ascii_case("same-origin"),
        (None, Some(origin)) => origin.to_ascii_lowercase() == origin_of(public_base_url),
        (None, None) => false,
    };
    if allowed { Ok(()) } else { Err(ApiError::CrossSite) }
}

impl<S> FromRequestParts<S> for Caller
where
    Ctx: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_ref(state);
        let (token, carrier) = token_from(parts).ok_or(ApiError::Unauthorized)?;
        if carrier == Carrier::Cookie {
            same_site_or_refuse(parts, &ctx.settings.public_base_url)?;
        }
        if token.starts_with(API_TOKEN_PREFIX) {
            return Caller::from_api_token(&ctx, &token, &parts.method).await;
        }
        let claims = ctx.auth.verify(&token).map_err(|_| ApiError::Unauthorized)?;
        if claims.dev && ctx.settings.profile != crate::config::Profile::Dev {
            return Err(ApiError::Unauthorized);
        }
        let credential = co2_db::org::Credential::Session(claims.sid);
        let (user, grants) =
            co2_db::org::person_with_grants(&ctx.pools.write, claims.sub, credential, ctx.settings.idp_grant_max_age)
                .await?
                .ok_or(ApiError::Unauthorized)?;
        crate::consistency::person_is(user.app_user_id, user.read_after.as_deref());
        Ok(Caller { user, grants, dev: claims.dev, api_token: false, session: Some(claims.sid) })
    }
}

/// The prefix of every API token secret: tells it apart from a session JWT at a glance (and lets
/// secret scanners recognise a leaked one).
pub const API_TOKEN_PREFIX: &str = "co2pat_";

/// A new API token: the secret (shown once), its stored hash and its display prefix.
pub struct NewApiToken {
    pub secret: String,
    pub hash: String,
    pub prefix: String,
}

/// Draws a 256-bit random secret.
pub fn new_api_token() -> Result<NewApiToken, ApiError> {
    use aws_lc_rs::rand::SecureRandom;
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| ApiError::Unavailable(anyhow::anyhow!("no randomness available")))?;
    let secret = format!("{API_TOKEN_PREFIX}{}", hex::encode(bytes));
    let prefix = secret[..API_TOKEN_PREFIX.len() + 6].to_owned();
    Ok(NewApiToken { hash: api_token_hash(&secret), secret, prefix })
}

/// The stored form of a secret. A plain SHA-256 suffices: the secret is 256 random bits, so
/// there is nothing to brute-force that a slow hash would protect.
pub fn api_token_hash(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(secret.as_bytes()))
}

impl Caller {
    /// A caller authenticated by an API token: its owner's grants, fresh; a read-scoped token may
    /// only use safe methods.
    async fn from_api_token(ctx: &Ctx, secret: &str, method: &axum::http::Method) -> Result<Self, ApiError> {
        let (user_id, scope) = co2_db::token::authenticate(&ctx.pools.write, &api_token_hash(secret))
            .await?
            .ok_or(ApiError::Unauthorized)?;
        if scope == "read" && !method.is_safe() {
            return Err(ApiError::Forbidden("this API token is read-only".into()));
        }
        let credential = co2_db::org::Credential::ApiToken;
        let (user, grants) =
            co2_db::org::person_with_grants(&ctx.pools.write, user_id, credential, ctx.settings.idp_grant_max_age)
                .await?
                .ok_or(ApiError::Unauthorized)?;
        crate::consistency::person_is(user.app_user_id, user.read_after.as_deref());
        Ok(Caller { user, grants, dev: false, api_token: true, session: None })
    }
}

impl Caller {
    /// Holds the global admin grant ("IT manager").
    pub fn is_admin(&self) -> bool {
        self.grants.iter().any(|g| g.role == "admin" && g.unit_id.is_none())
    }

    /// Requires the global admin grant (403 otherwise).
    pub fn require_admin(&self) -> ApiResult<()> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(ApiError::Forbidden("this action needs the IT manager (admin) role".into()))
        }
    }

    /// The caller's role in `unit` (unit roles only; back-office roles never grant module access).
    pub fn unit_role(&self, unit: &Unit) -> Option<UnitRole> {
        self.grants
            .iter()
            .filter(|g| g.unit_id == Some(unit.unit_id))
            .filter_map(|g| match g.role.as_str() {
                "principal" => Some(UnitRole::Principal),
                "standard" => Some(UnitRole::Standard),
                _ => None,
            })
            .max()
    }

    /// Whether a back-office grant covers `unit` (its path contains the grant's unit as a token).
    pub fn backoffice_covers(&self, unit: &Unit) -> bool {
        self.grants.iter().any(|g| {
            g.role == "backoffice"
                && match &g.unit_institutional_id {
                    None => true,
                    Some(root) => unit.path.split('/').any(|token| token == root),
                }
        })
    }

    /// Holds a back-office grant, whatever its scope.
    pub fn is_backoffice(&self) -> bool {
        self.grants.iter().any(|g| g.role == "backoffice")
    }

    /// May follow a job and download what it made (its file, its error report), judged on the
    /// caller's rights now — never on having started it alone, so a withdrawn role closes the
    /// job's files at the next request. `unit` is the job's unit (`None` for a year-wide or
    /// cross-unit job); `started_by` its creator.
    pub fn may_follow_job(&self, unit: Option<&Unit>, started_by: Option<Uuid>) -> bool {
        if self.is_admin() {
            return true;
        }
        let started_here = started_by == Some(self.user.app_user_id);
        match unit {
            Some(u) => self.unit_role(u) == Some(UnitRole::Principal) || (started_here && self.backoffice_covers(u)),
            None => started_here && self.is_backoffice(),
        }
    }

    /// May see the unit's report and results (any unit role, or the admin).
    pub fn can_view_unit(&self, unit: &Unit) -> bool {
        self.unit_role(unit).is_some() || self.is_admin()
    }

    /// Refuses with 404 when the caller has no view of `unit` (its existence is not disclosed).
    pub fn require_unit_view(&self, unit: &Unit) -> ApiResult<()> {
        if self.can_view_unit(unit) { Ok(()) } else { Err(unit_not_found(&unit.institutional_id)) }
    }

    /// Requires the principal role in `unit`: 404 without any view of it, 403 with a lesser role.
    pub fn require_principal(&self, unit: &Unit) -> ApiResult<()> {
        match self.unit_role(unit) {
            Some(UnitRole::Principal) => Ok(()),
            _ if self.can_view_unit(unit) => {
                Err(ApiError::Forbidden("this action needs the unit's principal role".into()))
            }
            _ => Err(unit_not_found(&unit.institutional_id)),
        }
    }

    /// Role grants for the session view.
    pub fn role_grants(&self) -> Vec<RoleGrant> {
        self.grants
            .iter()
            .filter_map(|g| Some(RoleGrant { role: Persona::parse(&g.role)?, unit: g.unit_institutional_id.clone() }))
            .collect()
    }

    /// Derived capability strings (`unit:<id>:view|edit|manage`, `backoffice:reporting|admin`).
    pub fn permissions(&self) -> Vec<String> {
        let mut out = Vec::new();
        for g in &self.grants {
            let unit = g.unit_institutional_id.as_deref().unwrap_or("*");
            match g.role.as_str() {
                "standard" => out.push(format!("unit:{unit}:view")),
                "principal" => {
                    for cap in ["view", "edit", "manage"] {
                        out.push(format!("unit:{unit}:{cap}"));
                    }
                }
                "backoffice" => out.push("backoffice:reporting".into()),
                "admin" => {
                    out.push("backoffice:reporting".into());
                    out.push("backoffice:admin".into());
                }
                _ => {}
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// The wire form of a role assignment (`None` for a role name the API does not know).
pub fn assignment_view(a: co2_db::org::Assignment) -> Option<co2_api_types::RoleAssignmentView> {
    Some(co2_api_types::RoleAssignmentView {
        assignment_id: a.role_assignment_id,
        role: Persona::parse(&a.role)?,
        user: a.user_institutional_id,
        display_name: a.display_name,
        email: a.email,
        unit: a.unit_institutional_id,
        unit_name: a.unit_name,
        granted_at: a.created_at,
        from_identity_provider: a.from_idp,
    })
}

/// The 404 every unit-keyed route answers for a unit the caller may not see.
pub fn unit_not_found(id: &str) -> ApiError {
    ApiError::not_found("unit_not_found", format!("no unit '{id}' visible to you"))
}

/// Resolves a unit by institutional id and checks the caller may view it (404 otherwise). Read
/// on the primary, like the caller's grants: a rights check never sees an older organisation.
/// A unit-year's report modules in DOMAIN order, for a unit the caller may view: 404 when the
/// unit is not visible or has no report for the year.
pub async fn visible_report(
    ctx: &Ctx,
    caller: &Caller,
    institutional_id: &str,
    year: i32,
) -> ApiResult<(Unit, Vec<(co2_domain::Module, co2_db::report::ReportModule)>)> {
    let unit = visible_unit(ctx, caller, institutional_id).await?;
    let modules = co2_db::report::modules_in_order(&ctx.pools.read, unit.unit_id, year).await?;
    if modules.is_empty() {
        return Err(ApiError::not_found(
            "report_not_found",
            format!("unit {} has no report for {year}", unit.institutional_id),
        ));
    }
    Ok((unit, modules))
}

pub async fn visible_unit(ctx: &Ctx, caller: &Caller, institutional_id: &str) -> ApiResult<Unit> {
    let unit = co2_db::org::unit_by_institutional_id(&ctx.pools.write, institutional_id)
        .await?
        .ok_or_else(|| unit_not_found(institutional_id))?;
    caller.require_unit_view(&unit)?;
    Ok(unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(issuer: &str, audience: &str) -> (AuthKeys, String) {
        let (private, public) = generate_ed25519_pem().unwrap();
        (AuthKeys::new(public.as_bytes(), Some(private.as_bytes()), issuer, audience).unwrap(), private)
    }

    fn sign(private: &str, claims: &serde_json::Value) -> String {
        jsonwebtoken::encode(
            &Header::new(Algorithm::EdDSA),
            claims,
            &EncodingKey::from_ed_pem(private.as_bytes()).unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn an_issued_token_verifies_and_carries_its_user() {
        let (k, _) = keys("iss", "aud");
        let user = Uuid::new_v4();
        let sid = Uuid::new_v4();
        let (token, _) = k.issue(user, sid, std::time::Duration::from_secs(60), true).unwrap();
        let claims = k.verify(&token).unwrap();
        assert_eq!(claims.sub, user);
        assert_eq!(claims.sid, sid);
        assert!(claims.dev);
    }

    #[test]
    fn wrong_audience_issuer_expiry_or_missing_claims_are_refused() {
        let (k, private) = keys("iss", "aud");
        let now = chrono::Utc::now().timestamp();
        let sub = Uuid::new_v4();
        let sid = Uuid::new_v4();
        let bad = [
            serde_json::json!({"iss": "iss", "aud": "other", "sub": sub, "sid": sid, "iat": now, "exp": now + 60}),
            serde_json::json!({"iss": "evil", "aud": "aud", "sub": sub, "sid": sid, "iat": now, "exp": now + 60}),
            serde_json::json!({"iss": "iss", "aud": "aud", "sub": sub, "sid": sid, "iat": now - 120, "exp": now - 60}),
            serde_json::json!({"iss": "iss", "aud": "aud", "sub": sub, "sid": sid, "iat": now}),
            serde_json::json!({"aud": "aud", "sub": sub, "sid": sid, "iat": now, "exp": now + 60}),
            serde_json::json!({"iss": "iss", "aud": "aud", "sub": sub, "iat": now, "exp": now + 60}),
        ];
        for claims in bad {
            assert!(k.verify(&sign(&private, &claims)).is_err(), "{claims} must be refused");
        }
        let good = serde_json::json!({"iss": "iss", "aud": "aud", "sub": sub, "sid": sid, "iat": now, "exp": now + 60});
        assert!(k.verify(&sign(&private, &good)).is_ok());
    }

    #[test]
    fn a_token_with_another_algorithm_is_refused() {
        let (k, _) = keys("iss", "aud");
        let now = chrono::Utc::now().timestamp();
        let claims = serde_json::json!({"iss": "iss", "aud": "aud", "sub": Uuid::new_v4(), "sid": Uuid::new_v4(), "iat": now, "exp": now + 60});
        // Algorithm confusion: an HMAC token keyed with public material must not pass.
        let hs = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(b"public"))
            .unwrap();
        assert!(k.verify(&hs).is_err());
        assert!(k.verify("not.a.token").is_err());
    }

    #[test]
    fn a_cookie_borne_state_change_must_come_from_our_own_pages() {
        let parts = |method: &str, headers: &[(&str, &str)]| {
            let mut req = axum::http::Request::builder().method(method).uri("/api/v1/x");
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            req.body(()).unwrap().into_parts().0
        };
        let base = "https://co2.example.org/";
        for ok in [
            parts("GET", &[("origin", "http://evil.example")]),
            parts("POST", &[("sec-fetch-site", "same-origin"), ("origin", "http://evil.example")]),
            parts("POST", &[("origin", "https://CO2.example.org")]),
            parts("DELETE", &[("origin", "https://co2.example.org")]),
        ] {
            assert!(same_site_or_refuse(&ok, base).is_ok(), "{ok:?}");
        }
        for refused in [
            parts("POST", &[("origin", "http://evil.example")]),
            parts("POST", &[("sec-fetch-site", "cross-site"), ("origin", "https://co2.example.org")]),
            parts("POST", &[("sec-fetch-site", "same-site")]),
            parts("PATCH", &[("origin", "https://co2.example.org.evil.example")]),
            parts("POST", &[("origin", "null")]),
            parts("POST", &[]),
        ] {
            assert!(matches!(same_site_or_refuse(&refused, base), Err(ApiError::CrossSite)), "{refused:?}");
        }
    }

    #[test]
    fn a_transient_statement_serves_its_purpose_only() {
        let (k, _) = keys("iss", "aud");
        let ttl = std::time::Duration::from_secs(60);
        let token = k.sign_transient("oidc", serde_json::json!({"state": "s1"}), ttl).unwrap();
        assert_eq!(k.verify_transient("oidc", &token).unwrap()["state"], "s1");
        assert!(k.verify_transient("other", &token).is_err(), "another purpose");
        assert!(k.verify(&token).is_err(), "never a session");
        let (session, _) = k.issue(Uuid::new_v4(), Uuid::new_v4(), ttl, false).unwrap();
        assert!(k.verify_transient("oidc", &session).is_err(), "a session is not a statement");
    }
}
