//! Sign-in with the institution's OpenID Connect provider (Microsoft Entra ID, or any provider by
//! configuration): the authorization code flow with PKCE (S256), `state` and `nonce`.
//!
//! The sign-in in progress (state, nonce, PKCE verifier, where to return) travels in a short-lived
//! cookie signed with the session key for this purpose only, so no server-side store is needed
//! and any replica can finish the flow. The ID token is checked against the provider's JWKS
//! (algorithm from an allow-list, `iss`, `aud`, `exp`, `nonce`). Roles named in a claim are
//! granted on top of those assigned in the database. The provider's metadata and keys are
//! fetched on first use, never before the listener is up.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use co2_api_types::{AuthProviders, OidcProviderView, SESSION_COOKIE};
use co2_platform::config::{OidcSettings, Profile};
use co2_platform::{ApiError, ApiJson, ApiResult, Ctx};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OnceCell, RwLock};

/// The cookie holding the sign-in in progress.
pub const TRANSACTION_COOKIE: &str = "co2_oidc";
/// Where the transaction cookie is sent: the callback only.
const TRANSACTION_PATH: &str = "/api/v1/auth/oidc";
/// How long a person may take at the provider.
const TRANSACTION_TTL: Duration = Duration::from_secs(600);
/// Signature algorithms accepted on ID tokens (never `none`, never HMAC).
const ID_TOKEN_ALGORITHMS: [Algorithm; 7] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];
/// Clock skew tolerated on the provider's tokens.
const ID_TOKEN_LEEWAY_SECS: u64 = 60;

/// The provider's metadata (OpenID Connect Discovery).
#[derive(Debug, Clone, Deserialize)]
struct Metadata {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
}

/// The configured provider, its metadata and keys once fetched.
pub struct Oidc {
    settings: OidcSettings,
    http: OnceCell<reqwest::Client>,
    metadata: OnceCell<Metadata>,
    keys: RwLock<Option<JwkSet>>,
}

/// Why a sign-in did not complete; the code goes to the sign-in page (`/login/failed/{code}`).
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("the sign-in took too long or was started elsewhere")]
    Expired,
    #[error("the provider refused the sign-in: {0}")]
    Denied(String),
    #[error("the answer does not belong to this sign-in")]
    StateMismatch,
    #[error("the provider cannot be reached: {0}")]
    Provider(String),
    #[error("the identity token is not valid: {0}")]
    InvalidToken(String),
    #[error("the identity token names nobody: claim '{0}' is missing")]
    NoUser(String),
    #[error("{0}")]
    Internal(String),
}

impl SignInError {
    fn code(&self) -> &'static str {
        match self {
            SignInError::Expired => "oidc_expired",
            SignInError::Denied(_) => "oidc_denied",
            SignInError::StateMismatch => "oidc_state",
            SignInError::Provider(_) => "oidc_unavailable",
            SignInError::InvalidToken(_) | SignInError::NoUser(_) => "oidc_invalid",
            SignInError::Internal(_) => "oidc_failed",
        }
    }
}

impl Oidc {
    pub fn new(settings: OidcSettings) -> Self {
        Oidc { settings, http: OnceCell::new(), metadata: OnceCell::new(), keys: RwLock::new(None) }
    }

    async fn http(&self) -> Result<&reqwest::Client, SignInError> {
        self.http
            .get_or_try_init(|| async {
                reqwest::Client::builder()
                    .timeout(Duration::from_secs(10))
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|e| SignInError::Internal(e.to_string()))
            })
            .await
    }

    async fn metadata(&self) -> Result<&Metadata, SignInError> {
        self.metadata
            .get_or_try_init(|| async {
                let url = format!("{}/.well-known/openid-configuration", self.settings.issuer);
                let metadata: Metadata = self.get_json(&url).await?;
                // The issuer must be the one configured (OpenID Connect Discovery §4.3).
                if metadata.issuer.trim_end_matches('/') != self.settings.issuer {
                    return Err(SignInError::Provider(format!(
                        "the provider says its issuer is '{}', not '{}'",
                        metadata.issuer, self.settings.issuer
                    )));
                }
                Ok(metadata)
            })
            .await
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, SignInError> {
        let res = self.http().await?.get(url).send().await.map_err(|e| SignInError::Provider(e.to_string()))?;
        if !res.status().is_success() {
            return Err(SignInError::Provider(format!("{url} answered {}", res.status())));
        }
        res.json().await.map_err(|e| SignInError::Provider(format!("{url}: {e}")))
    }

    /// The key that signed a token: from the cached set, fetched again once for an unknown key
    /// (the provider rotates its keys).
    async fn decoding_key(&self, kid: Option<&str>) -> Result<DecodingKey, SignInError> {
        for refresh in [false, true] {
            if refresh || self.keys.read().await.is_none() {
                let set: JwkSet = self.get_json(&self.metadata().await?.jwks_uri).await?;
                *self.keys.write().await = Some(set);
            }
            let keys = self.keys.read().await;
            let found = keys.as_ref().and_then(|set| match kid {
                Some(kid) => set.find(kid),
                None if set.keys.len() == 1 => set.keys.first(),
                None => None,
            });
            if let Some(jwk) = found {
                return DecodingKey::from_jwk(jwk).map_err(|e| SignInError::InvalidToken(e.to_string()));
            }
        }
        Err(SignInError::InvalidToken(format!("no key '{}' in the provider's key set", kid.unwrap_or("?"))))
    }
}

/// Checks an ID token's signature and claims; returns its claims.
pub fn validate_id_token(
    token: &str,
    key: &DecodingKey,
    issuer: &str,
    client_id: &str,
    nonce: &str,
) -> Result<serde_json::Map<String, Value>, SignInError> {
    let header = jsonwebtoken::decode_header(token).map_err(|e| SignInError::InvalidToken(e.to_string()))?;
    if !ID_TOKEN_ALGORITHMS.contains(&header.alg) {
        return Err(SignInError::InvalidToken(format!("algorithm {:?} is not accepted", header.alg)));
    }
    let mut validation = Validation::new(header.alg);
    validation.algorithms = vec![header.alg];
    validation.set_issuer(&[issuer, &format!("{issuer}/")]);
    validation.set_audience(&[client_id]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = ID_TOKEN_LEEWAY_SECS;
    let claims = jsonwebtoken::decode::<serde_json::Map<String, Value>>(token, key, &validation)
        .map_err(|e| SignInError::InvalidToken(e.to_string()))?
        .claims;
    // A token for several audiences must have been issued to us (OpenID Connect Core §3.1.3.7).
    if claims.get("aud").and_then(Value::as_array).is_some_and(|a| a.len() > 1)
        && claims.get("azp").and_then(Value::as_str) != Some(client_id)
    {
        return Err(SignInError::InvalidToken("the token was issued to another party (azp)".into()));
    }
    if claims.get("nonce").and_then(Value::as_str) != Some(nonce) {
        return Err(SignInError::InvalidToken("the nonce does not match this sign-in".into()));
    }
    Ok(claims)
}

/// The role grants a token's claims name: `(role, unit institutional id)`. Role names follow
/// DOMAIN §7 (`calco2.user.standard`, `calco2.user.principal`, `calco2.backoffice.metier`,
/// `calco2.backoffice.admin`), scoped by a `:unit` suffix or else by `unit_claim`.
pub fn roles_from_claims(
    claims: &serde_json::Map<String, Value>,
    roles_claim: &str,
    unit_claim: Option<&str>,
) -> Vec<(&'static str, Option<String>)> {
    let default_unit = unit_claim.and_then(|c| claims.get(c)).and_then(Value::as_str).map(str::to_owned);
    let names: Vec<&str> = match claims.get(roles_claim) {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        Some(Value::String(s)) => s.split([' ', ',']).filter(|s| !s.is_empty()).collect(),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for name in names {
        let (anchor, unit) = match name.split_once(':') {
            Some((a, u)) => (a, Some(u.to_owned())),
            None => (name, default_unit.clone()),
        };
        let grant = match anchor {
            "calco2.backoffice.admin" => Some(("admin", None)),
            "calco2.user.standard" => unit.map(|u| ("standard", Some(u))),
            "calco2.user.principal" => unit.map(|u| ("principal", Some(u))),
            "calco2.backoffice.metier" => unit.map(|u| ("backoffice", Some(u))),
            _ => None,
        };
        if let Some(g) = grant.filter(|g| !out.contains(g)) {
            out.push(g);
        }
    }
    out
}

fn random_token() -> Result<String, ApiError> {
    use aws_lc_rs::rand::SecureRandom;
    use base64::Engine;
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| ApiError::Unavailable(anyhow::anyhow!("no randomness available")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

fn pkce_challenge(verifier: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A path of this site to return to; anything else (another origin, `//host`) becomes `/`.
pub fn safe_return_path(requested: Option<&str>) -> String {
    match requested {
        // Printable ASCII only: browsers drop tabs and newlines while parsing a URL, so
        // `/\t/evil.example` would become `//evil.example`, another origin.
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && !p.starts_with("/login")
                && p.len() <= 2048
                && p.chars().all(|c| c.is_ascii_graphic()) =>
        {
            p.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// `GET /api/v1/auth/providers`: how one signs in here.
#[utoipa::path(get, path = "/api/v1/auth/providers", tag = "session", responses((status = 200, body = AuthProviders)))]
pub(crate) async fn providers(
    State(ctx): State<Ctx>,
    axum::Extension(oidc): axum::Extension<Option<Arc<Oidc>>>,
) -> ApiJson<AuthProviders> {
    ApiJson(AuthProviders {
        dev_login: ctx.settings.profile == Profile::Dev,
        oidc: oidc.as_ref().map(|o| OidcProviderView {
            name: o.settings.provider_name.clone(),
            login_url: "/api/v1/auth/oidc/login".into(),
        }),
    })
}

/// Where to go after signing in.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct LoginQuery {
    /// A path of this site (default `/`).
    return_to: Option<String>,
}

/// Starts a sign-in: redirects to the provider with a fresh state, nonce and PKCE challenge.
#[utoipa::path(get, path = "/api/v1/auth/oidc/login", tag = "session", params(LoginQuery),
    responses((status = 303, description = "to the provider"), (status = 404, description = "no provider configured"),
        (status = 503, description = "the provider cannot be reached")))]
pub(crate) async fn login(
    State(ctx): State<Ctx>,
    axum::Extension(oidc): axum::Extension<Option<Arc<Oidc>>>,
    co2_platform::ApiQuery(q): co2_platform::ApiQuery<LoginQuery>,
) -> ApiResult<Response> {
    let oidc = oidc.ok_or_else(|| ApiError::not_found("oidc_not_configured", "no identity provider is configured"))?;
    let metadata = oidc.metadata().await.map_err(|e| ApiError::Unavailable(anyhow::anyhow!(e.to_string())))?;
    let (state, nonce, verifier) = (random_token()?, random_token()?, random_token()?);
    let transaction = json!({
        "state": state, "nonce": nonce, "verifier": verifier,
        "return_to": safe_return_path(q.return_to.as_deref()),
    });
    let cookie_value = ctx.auth.sign_transient("oidc", transaction, TRANSACTION_TTL).map_err(ApiError::internal)?;
    let mut url = reqwest::Url::parse(&metadata.authorization_endpoint)
        .map_err(|e| ApiError::Unavailable(anyhow::anyhow!("authorization endpoint: {e}")))?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &oidc.settings.client_id)
        .append_pair("redirect_uri", &oidc.settings.redirect_url)
        .append_pair("scope", &oidc.settings.scopes)
        .append_pair("state", &state)
        .append_pair("nonce", &nonce)
        .append_pair("code_challenge", &pkce_challenge(&verifier))
        .append_pair("code_challenge_method", "S256");
    let cookie = format!(
        "{TRANSACTION_COOKIE}={cookie_value}; HttpOnly; SameSite=Lax; Path={TRANSACTION_PATH}; Max-Age={}{}",
        TRANSACTION_TTL.as_secs(),
        ctx.settings.cookie_secure_flag()
    );
    let mut response = Redirect::to(url.as_str()).into_response();
    response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(ApiError::internal)?);
    Ok(response)
}

/// The provider's answer.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// Text from outside made safe to log and store: printable characters only, at most 300.
fn printable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(300).collect()
}

/// Records a failed sign-in; a failure to record is logged, never turned into an error page.
async fn audit_failure(ctx: &Ctx, e: &SignInError) {
    let details = json!({"code": e.code(), "reason": printable(&e.to_string())});
    let outcome = async {
        let mut tx = ctx.pools.write.begin().await?;
        co2_db::audit::append(&mut tx, "anonymous", "auth.oidc_failed", None, details).await?;
        tx.commit().await?;
        Ok::<_, co2_db::DbError>(())
    }
    .await;
    if let Err(err) = outcome {
        tracing::error!(error.message = %err, "auth.oidc_failed not recorded");
    }
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Finishes a sign-in: checks the answer against the transaction, redeems the code with the
/// PKCE verifier, validates the ID token, records the person and their claimed roles, and
/// opens a session. Failures go back to the sign-in page, `/login/failed/{code}`.
#[utoipa::path(get, path = "/api/v1/auth/oidc/callback", tag = "session", params(CallbackQuery),
    responses((status = 303, description = "into the app, or back to sign-in at /login/failed/{code}")))]
pub(crate) async fn callback(
    State(ctx): State<Ctx>,
    axum::Extension(oidc): axum::Extension<Option<Arc<Oidc>>>,
    headers: HeaderMap,
    co2_platform::ApiQuery(q): co2_platform::ApiQuery<CallbackQuery>,
) -> ApiResult<Response> {
    let oidc = oidc.ok_or_else(|| ApiError::not_found("oidc_not_configured", "no identity provider is configured"))?;
    let clear = format!("{TRANSACTION_COOKIE}=; HttpOnly; SameSite=Lax; Path={TRANSACTION_PATH}; Max-Age=0");
    let outcome = finish(&ctx, &oidc, &headers, &q).await;
    let mut response = match outcome {
        Ok((session_cookie, return_to)) => {
            let mut r = Redirect::to(&return_to).into_response();
            r.headers_mut()
                .append(header::SET_COOKIE, HeaderValue::from_str(&session_cookie).map_err(ApiError::internal)?);
            r
        }
        Err(e) => {
            tracing::warn!(error.message = %printable(&e.to_string()), code = e.code(), "auth.oidc_failed");
            // Only a sign-in this service started is an auth event worth keeping: an answer
            // without its transaction is anyone's request, and must not fill the audit log.
            if !matches!(e, SignInError::Expired) {
                audit_failure(&ctx, &e).await;
            }
            Redirect::to(&format!("/login/failed/{}", e.code())).into_response()
        }
    };
    response.headers_mut().append(header::SET_COOKIE, HeaderValue::from_str(&clear).map_err(ApiError::internal)?);
    Ok(response)
}

async fn finish(
    ctx: &Ctx,
    oidc: &Oidc,
    headers: &HeaderMap,
    q: &CallbackQuery,
) -> Result<(String, String), SignInError> {
    let transaction = cookie_value(headers, TRANSACTION_COOKIE)
        .and_then(|v| ctx.auth.verify_transient("oidc", v).ok())
        .ok_or(SignInError::Expired)?;
    let field = |k: &str| transaction.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    // The answer must belong to this sign-in before anything in it is believed, errors included.
    if q.state.as_deref() != Some(field("state").as_str()) || field("state").is_empty() {
        return Err(SignInError::StateMismatch);
    }
    if let Some(error) = &q.error {
        let description = q.error_description.as_deref().unwrap_or("");
        return Err(SignInError::Denied(printable(&format!("{error}: {description}"))));
    }
    let code = q.code.as_deref().ok_or_else(|| SignInError::Denied("no authorization code".into()))?;
    let metadata = oidc.metadata().await?;
    let mut form = vec![
        ("grant_type", "authorization_code".to_owned()),
        ("code", code.to_owned()),
        ("redirect_uri", oidc.settings.redirect_url.clone()),
        ("client_id", oidc.settings.client_id.clone()),
        ("code_verifier", field("verifier")),
    ];
    if let Some(secret) = &oidc.settings.client_secret {
        form.push(("client_secret", secret.expose_secret().to_owned()));
    }
    let res = oidc
        .http()
        .await?
        .post(&metadata.token_endpoint)
        .form(&form)
        .send()
        .await
        .map_err(|e| SignInError::Provider(e.to_string()))?;
    if !res.status().is_success() {
        let status = res.status();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        return Err(SignInError::Denied(format!("token endpoint answered {status}: {}", body["error"])));
    }
    let tokens: Value = res.json().await.map_err(|e| SignInError::Provider(e.to_string()))?;
    let id_token = tokens["id_token"].as_str().ok_or_else(|| SignInError::InvalidToken("no id_token".into()))?;
    let kid = jsonwebtoken::decode_header(id_token).map_err(|e| SignInError::InvalidToken(e.to_string()))?.kid;
    let key = oidc.decoding_key(kid.as_deref()).await?;
    let claims = validate_id_token(id_token, &key, &metadata.issuer, &oidc.settings.client_id, &field("nonce"))?;

    let s = &oidc.settings;
    let user_id = claims
        .get(&s.user_claim)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .ok_or_else(|| SignInError::NoUser(s.user_claim.clone()))?
        .to_owned();
    let name = claims.get("name").and_then(Value::as_str).unwrap_or(&user_id).to_owned();
    let email = claims.get("email").and_then(Value::as_str).map(str::to_owned);
    let roles = roles_from_claims(&claims, &s.roles_claim, s.unit_claim.as_deref());
    let db_error = |e: co2_db::DbError| SignInError::Internal(e.to_string());
    let mut tx = ctx.pools.write.begin().await.map_err(|e| SignInError::Internal(e.to_string()))?;
    let user = co2_db::org::upsert_user(&mut *tx, &user_id, &name, email.as_deref()).await.map_err(db_error)?;
    let mut granted = Vec::new();
    let mut grants: Vec<(&str, Option<uuid::Uuid>)> = Vec::new();
    for (role, unit) in &roles {
        let unit_id = match unit {
            Some(id) => match co2_db::org::unit_by_institutional_id(&mut *tx, id).await.map_err(db_error)? {
                Some(u) => Some(u.unit_id),
                None => continue,
            },
            None => None,
        };
        grants.push((role, unit_id));
        granted.push(json!({"role": role, "unit": unit}));
    }
    // The provider's grants follow its claims: one it no longer names is gone from now on.
    co2_db::org::sync_idp_grants(&mut tx, user.app_user_id, &grants).await.map_err(db_error)?;
    co2_db::audit::append(&mut tx, &user_id, "auth.oidc_login", None, json!({"roles_from_claims": granted}))
        .await
        .map_err(db_error)?;
    tx.commit().await.map_err(|e| SignInError::Internal(e.to_string()))?;
    let (token, _) = co2_platform::auth::start_session(
        &ctx.pools.write,
        &ctx.auth,
        user.app_user_id,
        ctx.settings.session_ttl,
        co2_platform::auth::SignIn::Oidc,
    )
    .await
    .map_err(|e| SignInError::Internal(e.to_string()))?;
    let cookie = format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={}{}",
        ctx.settings.session_ttl.as_secs(),
        ctx.settings.cookie_secure_flag()
    );
    Ok((cookie, safe_return_path(Some(&field("return_to")))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(v: Value) -> serde_json::Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn roles_come_from_anchor_names_scoped_by_suffix_or_unit_claim() {
        let c = claims(json!({
            "roles": ["calco2.user.principal:9001", "calco2.user.standard", "calco2.backoffice.admin", "other.role",
                      "calco2.backoffice.metier:ENAC", "calco2.user.principal:9001"],
            "unit": "9002"
        }));
        assert_eq!(
            roles_from_claims(&c, "roles", Some("unit")),
            vec![
                ("principal", Some("9001".to_owned())),
                ("standard", Some("9002".to_owned())),
                ("admin", None),
                ("backoffice", Some("ENAC".to_owned())),
            ]
        );
        // Without a unit claim, a unit role without a suffix grants nothing.
        assert_eq!(roles_from_claims(&c, "roles", None).len(), 3);
        assert!(roles_from_claims(&claims(json!({})), "roles", None).is_empty());
    }

    #[test]
    fn only_paths_of_this_site_are_returned_to() {
        assert_eq!(safe_return_path(Some("/units/9001/years/2025")), "/units/9001/years/2025");
        for bad in
            ["https://evil.example", "//evil.example/x", "/\\evil", "/login?x", "units", "/\t/evil.example", "/a\nb"]
        {
            assert_eq!(safe_return_path(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_return_path(None), "/");
    }

    #[test]
    fn the_pkce_challenge_is_the_rfc_7636_s256_of_the_verifier() {
        // RFC 7636 appendix B.
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    /// An Ed25519 key pair and its JWK, to sign test ID tokens.
    fn signer() -> (jsonwebtoken::EncodingKey, DecodingKey) {
        let (private, public) = co2_platform::auth::generate_ed25519_pem().unwrap();
        (
            jsonwebtoken::EncodingKey::from_ed_pem(private.as_bytes()).unwrap(),
            DecodingKey::from_ed_pem(public.as_bytes()).unwrap(),
        )
    }

    fn id_token(key: &jsonwebtoken::EncodingKey, alg: Algorithm, claims: Value) -> String {
        jsonwebtoken::encode(&jsonwebtoken::Header::new(alg), &claims, key).unwrap()
    }

    #[test]
    fn an_id_token_must_be_signed_for_this_client_by_this_issuer_for_this_sign_in() {
        let (enc, dec) = signer();
        let now = chrono::Utc::now().timestamp();
        let good = json!({"iss": "https://idp", "aud": "co2", "sub": "u1", "exp": now + 60, "iat": now, "nonce": "n1"});
        let token = id_token(&enc, Algorithm::EdDSA, good.clone());
        assert_eq!(validate_id_token(&token, &dec, "https://idp", "co2", "n1").unwrap()["sub"], "u1");
        let mut cases = Vec::new();
        for (key, value) in [
            ("aud", json!("another-client")),
            ("iss", json!("https://evil")),
            ("exp", json!(now - 3600)),
            ("nonce", json!("replayed")),
        ] {
            let mut c = good.clone();
            c[key] = value;
            cases.push((key, id_token(&enc, Algorithm::EdDSA, c)));
        }
        let mut shared = good.clone();
        shared["aud"] = json!(["co2", "another-client"]);
        shared["azp"] = json!("another-client");
        cases.push(("azp", id_token(&enc, Algorithm::EdDSA, shared.clone())));
        shared["azp"] = json!("co2");
        assert!(validate_id_token(&id_token(&enc, Algorithm::EdDSA, shared), &dec, "https://idp", "co2", "n1").is_ok());
        let (other, _) = signer();
        cases.push(("signature", id_token(&other, Algorithm::EdDSA, good.clone())));
        let hmac = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(Algorithm::HS256),
            &good,
            &jsonwebtoken::EncodingKey::from_secret(b"k"),
        )
        .unwrap();
        cases.push(("algorithm", hmac));
        for (what, token) in cases {
            assert!(
                validate_id_token(&token, &dec, "https://idp", "co2", "n1").is_err(),
                "a bad {what} must be refused"
            );
        }
    }
}
