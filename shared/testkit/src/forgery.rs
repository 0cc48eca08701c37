//! The session-token attacks every function must refuse: the one suite each API function's own
//! router is run through ([`crate::FunctionApp::refuses_forged_credentials`]).
//!
//! Each forgery targets the admin, so a token that slipped through would show as a success, not
//! as a 403: signatures by another key, `alg: none`, HMAC keyed with the public key, an attacker's
//! key embedded in the header, a payload changed after signing; tokens signed by the real key but
//! expired, for another audience or issuer, without `exp` or `sid`, naming a session that never
//! existed or has ended, or meant for another purpose; and API-token guesses and a revoked one.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use co2_platform::Ctx;
use co2_platform::auth::{SignIn, generate_ed25519_pem, start_session};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use std::time::Duration;

/// A forged credential and what it tries.
pub struct Forgery {
    pub attack: &'static str,
    pub token: String,
}

fn sign(header: &Header, claims: &Value, key: &EncodingKey) -> String {
    jsonwebtoken::encode(header, claims, key).expect("sign")
}

fn segments(token: &str) -> (String, String, String) {
    let mut parts = token.split('.');
    let mut next = || parts.next().unwrap_or_default().to_owned();
    (next(), next(), next())
}

fn encoded(value: &Value) -> String {
    B64.encode(value.to_string())
}

/// Forged credentials for the admin `admin` of `ctx`; `member` is a real member's id, whose
/// genuine token is altered to name the admin. Every one must be answered 401.
pub async fn forgeries(ctx: &Ctx, admin: uuid::Uuid, member: uuid::Uuid) -> Vec<Forgery> {
    let settings = &ctx.settings;
    let now = chrono::Utc::now().timestamp();
    let real_key = EncodingKey::from_ed_pem(crate::TEST_SIGNING_KEY.as_bytes()).expect("test key");
    let ed = Header::new(Algorithm::EdDSA);
    let ttl = Duration::from_secs(600);
    // A live session of the admin, whose id the forgeries reuse where a real one helps them.
    let (_, live) = start_session(&ctx.pools.write, &ctx.auth, admin, ttl, SignIn::Oidc).await.expect("session");
    let claims = |changes: Value| {
        let mut c = json!({"iss": settings.session_issuer, "aud": settings.session_audience, "sub": admin,
                           "sid": live.sid, "iat": now, "exp": now + 600});
        for (k, v) in changes.as_object().expect("an object") {
            if v.is_null() {
                c.as_object_mut().expect("an object").remove(k);
            } else {
                c[k] = v.clone();
            }
        }
        c
    };
    let (foreign_private, foreign_public) = generate_ed25519_pem().expect("a key");
    let foreign = EncodingKey::from_ed_pem(foreign_private.as_bytes()).expect("foreign key");

    // The member's genuine token, its payload then rewritten to name the admin and its session.
    let (member_token, _) =
        start_session(&ctx.pools.write, &ctx.auth, member, ttl, SignIn::Oidc).await.expect("session");
    let (h, p, sig) = segments(&member_token);
    let mut payload: Value = serde_json::from_slice(&B64.decode(&p).expect("payload")).expect("json");
    payload["sub"] = json!(admin);
    payload["sid"] = json!(live.sid);
    let tampered = format!("{h}.{}.{sig}", encoded(&payload));

    // A session that existed and was ended by signing out.
    let (_, ended) = start_session(&ctx.pools.write, &ctx.auth, admin, ttl, SignIn::Oidc).await.expect("session");
    co2_db::session::end(&ctx.pools.write, admin, ended.sid, "test", co2_db::session::EndReason::SignedOut)
        .await
        .expect("end");

    let mut embedded_jwk = Header::new(Algorithm::EdDSA);
    embedded_jwk.jwk = Some(jwk_of(&foreign_public));
    let mut external_keys = Header::new(Algorithm::EdDSA);
    external_keys.jku = Some("https://attacker.example/keys.json".into());
    external_keys.kid = Some("../../../../dev/null".into());

    let revoked = revoked_api_token(ctx, admin).await;
    vec![
        ("signed by another key", sign(&ed, &claims(json!({})), &foreign)),
        ("alg none", format!("{}.{}.", encoded(&json!({"alg": "none", "typ": "JWT"})), encoded(&claims(json!({}))))),
        ("alg None, signature kept", {
            let (_, _, s) = segments(&member_token);
            format!("{}.{}.{s}", encoded(&json!({"alg": "None"})), encoded(&claims(json!({}))))
        }),
        (
            "HS256 keyed with the public key",
            sign(
                &Header::new(Algorithm::HS256),
                &claims(json!({})),
                &EncodingKey::from_secret(crate::TEST_PUBLIC_KEY.as_bytes()),
            ),
        ),
        ("the attacker's key embedded as jwk", sign(&embedded_jwk, &claims(json!({})), &foreign)),
        ("keys fetched from jku / kid path", sign(&external_keys, &claims(json!({})), &foreign)),
        ("payload changed after signing", tampered),
        ("expired", sign(&ed, &claims(json!({"iat": now - 7200, "exp": now - 3600})), &real_key)),
        ("another audience", sign(&ed, &claims(json!({"aud": "another-service"})), &real_key)),
        ("another issuer", sign(&ed, &claims(json!({"iss": "https://attacker.example"})), &real_key)),
        ("no exp", sign(&ed, &claims(json!({"exp": null})), &real_key)),
        ("no sid", sign(&ed, &claims(json!({"sid": null})), &real_key)),
        ("a session that never existed", sign(&ed, &claims(json!({"sid": uuid::Uuid::new_v4()})), &real_key)),
        ("another person's session", sign(&ed, &claims(json!({"sub": member})), &real_key)),
        ("an ended session", sign(&ed, &claims(json!({"sid": ended.sid})), &real_key)),
        (
            "a statement for another purpose",
            ctx.auth.sign_transient("oidc", json!({"sub": admin}), ttl).expect("statement"),
        ),
        ("garbage", "not.a.token".to_owned()),
        ("empty segments", "..".to_owned()),
        ("one segment", "eyJhbGciOiJFZERTQSJ9".to_owned()),
        ("an API token guess", format!("{}{}", co2_platform::auth::API_TOKEN_PREFIX, "0".repeat(64))),
        ("a revoked API token", revoked),
    ]
    .into_iter()
    .map(|(attack, token)| Forgery { attack, token })
    .collect()
}

/// The JWK of an Ed25519 public key in PEM (SPKI): its last 32 bytes.
fn jwk_of(public_pem: &str) -> jsonwebtoken::jwk::Jwk {
    let body: String = public_pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD.decode(body).expect("pem");
    let x = B64.encode(&der[der.len() - 32..]);
    serde_json::from_value(json!({"kty": "OKP", "crv": "Ed25519", "x": x, "alg": "EdDSA"})).expect("jwk")
}

async fn revoked_api_token(ctx: &Ctx, owner: uuid::Uuid) -> String {
    let token = co2_platform::auth::new_api_token().expect("randomness");
    let expires = chrono::Utc::now() + chrono::Duration::days(1);
    let id = co2_db::token::create(&ctx.pools.write, owner, "revoked", "write", &token.hash, &token.prefix, expires)
        .await
        .expect("token");
    co2_db::token::revoke(&ctx.pools.write, id, "test").await.expect("revoke");
    token.secret
}
