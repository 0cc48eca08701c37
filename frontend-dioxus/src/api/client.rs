//! The one place requests are built and answers decoded: credentials, bearer token, the error
//! envelope. Endpoint modules only name paths and types.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;

use co2_api_types::ErrorEnvelope;
use gloo_net::http::{RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use web_sys::RequestCredentials;

thread_local! {
    /// The session token of the last login, for `Authorization: Bearer`. Memory only: after a
    /// reload the HttpOnly cookie carries the session on its own.
    static TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Remembers (or forgets) the session token sent as `Authorization: Bearer`.
pub(crate) fn set_token(token: Option<String>) {
    TOKEN.with(|t| *t.borrow_mut() = token);
}

fn token() -> Option<String> {
    TOKEN.with(|t| t.borrow().clone())
}

/// Field → messages of a 422 answer (`details.fields`).
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// A failed call: the server's error envelope, or what went wrong before one could be read.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status; 0 when no answer arrived (network, CORS, aborted).
    pub status: u16,
    /// The envelope's stable `code`, or `network_error` / `unexpected_response`.
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// The envelope's `details` (`null` when absent).
    pub details: serde_json::Value,
}

impl ApiError {
    fn network(err: &gloo_net::Error) -> Self {
        Self {
            status: 0,
            code: "network_error".to_owned(),
            message: format!("The server could not be reached ({err})."),
            details: serde_json::Value::Null,
        }
    }

    fn unexpected(status: u16, what: impl fmt::Display) -> Self {
        Self {
            status,
            code: "unexpected_response".to_owned(),
            message: format!("The server sent an answer this page does not understand ({what})."),
            details: serde_json::Value::Null,
        }
    }

    /// Decodes a non-2xx answer; bodies that are not an envelope (a proxy's HTML page, say)
    /// still give a readable message.
    async fn from_response(resp: Response) -> Self {
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        match serde_json::from_str::<ErrorEnvelope>(&text) {
            Ok(env) => Self { status, code: env.error.code, message: env.error.message, details: env.error.details },
            Err(_) => Self {
                status,
                code: format!("http_{status}"),
                message: match status {
                    401 => "Your session has ended. Please sign in again.".to_owned(),
                    403 => "You are not allowed to do this.".to_owned(),
                    404 => "Not found.".to_owned(),
                    502..=504 => "The service is starting or unavailable. Try again in a moment.".to_owned(),
                    _ => format!("The server answered {status} {}.", resp.status_text()),
                },
                details: serde_json::Value::Null,
            },
        }
    }

    /// The session is missing or expired: the app goes to the sign-in page.
    pub fn is_unauthorized(&self) -> bool {
        self.status == 401
    }

    /// The target is validated or closed (or otherwise in a conflicting state).
    pub fn is_conflict(&self) -> bool {
        self.status == 409
    }

    /// Per-field messages of a validation failure, as the server wrote them:
    /// `details = {"fields": {"<field>": [{"code": "…", "message": "…"}]}}`.
    pub fn field_errors(&self) -> FieldErrors {
        self.field_errors_with(|_, message| message.to_owned())
    }

    /// Per-field messages in `lang`: a known problem code in the person's language, else the
    /// server's message.
    pub fn field_errors_in(&self, lang: crate::i18n::Lang) -> FieldErrors {
        self.field_errors_with(|code, message| crate::model::field_message(lang, code, message))
    }

    fn field_errors_with(&self, text: impl Fn(&str, &str) -> String) -> FieldErrors {
        let mut out = FieldErrors::new();
        let Some(fields) = self.details.get("fields").and_then(|f| f.as_object()) else {
            return out;
        };
        for (field, problems) in fields {
            let messages: Vec<String> = match problems {
                serde_json::Value::Array(items) => items
                    .iter()
                    .filter_map(|p| match p {
                        serde_json::Value::String(s) => Some(s.clone()),
                        other => {
                            let message = other.get("message").and_then(|m| m.as_str())?;
                            let code = other.get("code").and_then(|c| c.as_str()).unwrap_or("");
                            Some(text(code, message))
                        }
                    })
                    .collect(),
                serde_json::Value::String(s) => vec![s.clone()],
                _ => Vec::new(),
            };
            if !messages.is_empty() {
                out.insert(field.clone(), messages);
            }
        }
        out
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

/// Same-origin cookie, JSON accept header and the bearer token, if any.
fn prepare(builder: RequestBuilder) -> RequestBuilder {
    let builder = builder.credentials(RequestCredentials::Include).header("Accept", "application/json");
    match token() {
        Some(t) => builder.header("Authorization", &format!("Bearer {t}")),
        None => builder,
    }
}

/// Sends the request (with a JSON body when given) and turns non-2xx answers into `ApiError`.
async fn send<B: Serialize + ?Sized>(builder: RequestBuilder, body: Option<&B>) -> Result<Response, ApiError> {
    let builder = prepare(builder);
    let request = match body {
        Some(b) => builder.json(b),
        None => builder.build(),
    }
    .map_err(|e| ApiError::unexpected(0, e))?;
    let resp = request.send().await.map_err(|e| ApiError::network(&e))?;
    if resp.ok() { Ok(resp) } else { Err(ApiError::from_response(resp).await) }
}

async fn decode<T: DeserializeOwned>(resp: Response) -> Result<T, ApiError> {
    let status = resp.status();
    resp.json::<T>().await.map_err(|e| ApiError::unexpected(status, e))
}

/// `GET path` → `T`.
pub(crate) async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    decode(send::<()>(RequestBuilder::new(path), None).await?).await
}

/// `method path` with a JSON body → `T`.
pub(crate) async fn send_json<B: Serialize + ?Sized, T: DeserializeOwned>(
    builder: RequestBuilder,
    body: &B,
) -> Result<T, ApiError> {
    decode(send(builder, Some(body)).await?).await
}

/// A call whose answer has no body worth reading (204, or an acknowledgement).
pub(crate) async fn send_empty(builder: RequestBuilder) -> Result<(), ApiError> {
    send::<()>(builder, None).await.map(drop)
}

/// PUTs a browser `File` (streamed by the browser, never copied into wasm memory) to a presigned
/// URL. The URL carries its own signature: no cookie or bearer token goes with it, so it works
/// for object storage on another origin as well as for the embedded store.
pub(crate) async fn put_blob(
    url: &str,
    headers: &BTreeMap<String, String>,
    file: &web_sys::File,
) -> Result<(), ApiError> {
    let mut builder = gloo_net::http::Request::put(url).credentials(RequestCredentials::SameOrigin);
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    let request = builder.body(wasm_bindgen::JsValue::from(file.clone())).map_err(|e| ApiError::unexpected(0, e))?;
    let resp = request.send().await.map_err(|e| ApiError::network(&e))?;
    if resp.ok() { Ok(()) } else { Err(ApiError::from_response(resp).await) }
}

/// PUTs a browser `File` to one of our routes (signed in: cookie and bearer token) with
/// `content_type`, and decodes the JSON answer.
pub(crate) async fn put_file_json<T: DeserializeOwned>(
    path: &str,
    content_type: &str,
    file: &web_sys::File,
) -> Result<T, ApiError> {
    let builder = prepare(gloo_net::http::Request::put(path)).header("Content-Type", content_type);
    let request = builder.body(wasm_bindgen::JsValue::from(file.clone())).map_err(|e| ApiError::unexpected(0, e))?;
    let resp = request.send().await.map_err(|e| ApiError::network(&e))?;
    if resp.ok() { decode(resp).await } else { Err(ApiError::from_response(resp).await) }
}

/// Percent-encodes one path segment (unit ids are institutional codes, but never trust that).
pub(crate) fn seg(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}
