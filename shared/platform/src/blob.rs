//! `BlobStore`: object storage behind a narrow trait, with an S3 implementation (aws-sdk-s3, any
//! S3-compatible endpoint) and a local-disk one for the embedded default.
//!
//! Key layout (DESIGN §5): `uploads/{upload_id}/{file}`, `dropbox/{unit}/{year}/{module}[/{type}].csv`,
//! `reports/{job_id}/errors.csv`, `exports/{export_id}/{file}`. The local store's presigned URLs
//! are HMAC-signed links served by the embedded server, and its writes under `uploads/` and
//! `dropbox/` emit the same ObjectCreated notification S3 would.

use crate::queue::Queue;
use async_trait::async_trait;
use bytes::Bytes;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OnceCell;

/// Failures of a storage operation.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("object {0} not found")]
    NotFound(String),
    #[error("invalid object key: {0}")]
    InvalidKey(String),
    /// A create-only write found the object there already.
    #[error("object {0} exists already")]
    AlreadyExists(String),
    /// Transient: the store could not be reached or answered an error.
    #[error("storage unavailable: {0}")]
    Unavailable(#[source] anyhow::Error),
}

/// A presigned upload: PUT the bytes to `url` with `headers`.
#[derive(Debug, Clone)]
pub struct Presigned {
    pub url: String,
    pub headers: BTreeMap<String, String>,
}

/// Object storage.
#[async_trait]
pub trait BlobStore: Send + Sync {
    /// The bucket name (as it appears in notifications).
    fn bucket(&self) -> &str;
    /// Writes an object.
    async fn put(&self, key: &str, body: Bytes, content_type: &str) -> Result<(), BlobError>;
    /// Reads an object.
    async fn get(&self, key: &str) -> Result<Bytes, BlobError>;
    /// Size of an object in bytes (checked before reading it).
    async fn size(&self, key: &str) -> Result<u64, BlobError>;
    /// A URL a client can PUT the object to without credentials, once: the link only creates
    /// the object, so a second PUT (a replay within its lifetime) is refused and what was
    /// received and processed stays as it was.
    async fn presign_put(&self, key: &str, ttl: Duration) -> Result<Presigned, BlobError>;
    /// A URL a client can GET the object from without credentials.
    async fn presign_get(&self, key: &str, ttl: Duration) -> Result<String, BlobError>;
    /// Deletes an object (absent is fine).
    async fn delete(&self, key: &str) -> Result<(), BlobError>;
    /// Keys under a prefix.
    async fn list(&self, prefix: &str) -> Result<Vec<String>, BlobError>;
}

/// The top-level prefixes of the key layout: no other key is ever read, written or signed.
pub const KEY_PREFIXES: [&str; 4] = ["uploads/", "dropbox/", "reports/", "exports/"];

/// Checks a key is one of the layout's ([`KEY_PREFIXES`]), relative, has no `..` or empty
/// segments, and is printable.
pub fn validate_key(key: &str) -> Result<(), BlobError> {
    let bad = !KEY_PREFIXES.iter().any(|p| key.starts_with(p))
        || key.len() > 1024
        || key.starts_with('/')
        || key.contains('\\')
        || key.chars().any(char::is_control)
        || key.split('/').any(|s| s.is_empty() || s == "." || s == "..");
    if bad { Err(BlobError::InvalidKey(key.chars().take(80).collect())) } else { Ok(()) }
}

/// Reduces a client-supplied file name to a safe single path segment.
pub fn safe_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .take(100)
        .collect();
    let cleaned = cleaned.trim_start_matches('.');
    if cleaned.is_empty() { "upload.csv".to_owned() } else { cleaned.to_owned() }
}

// ---------------------------------------------------------------------------------------------
// S3

/// S3 (or S3-compatible) storage; the client is built on first use from the standard AWS env.
pub struct S3Blob {
    bucket: String,
    force_path_style: bool,
    endpoint: Option<String>,
    client: OnceCell<aws_sdk_s3::Client>,
}

impl S3Blob {
    /// A store for `bucket`. `force_path_style` for S3-compatible servers.
    pub fn new(bucket: String, force_path_style: bool) -> Self {
        S3Blob { bucket, force_path_style, endpoint: None, client: OnceCell::new() }
    }

    /// The same with an explicit endpoint instead of the environment's `AWS_ENDPOINT_URL`.
    pub fn with_endpoint(bucket: String, force_path_style: bool, endpoint: String) -> Self {
        S3Blob { bucket, force_path_style, endpoint: Some(endpoint), client: OnceCell::new() }
    }

    async fn client(&self) -> &aws_sdk_s3::Client {
        self.client
            .get_or_init(|| async {
                let shared = aws_sdk_config(self.endpoint.as_deref()).await;
                let conf = aws_sdk_s3::config::Builder::from(&shared).force_path_style(self.force_path_style).build();
                aws_sdk_s3::Client::from_conf(conf)
            })
            .await
    }
}

/// The AWS SDK configuration from the environment, with `endpoint` when given.
pub(crate) async fn aws_sdk_config(endpoint: Option<&str>) -> aws_config::SdkConfig {
    let loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    match endpoint {
        Some(e) => loader.endpoint_url(e).load().await,
        None => loader.load().await,
    }
}

fn unavailable(e: impl std::error::Error + Send + Sync + 'static) -> BlobError {
    BlobError::Unavailable(anyhow::Error::new(e))
}

#[async_trait]
impl BlobStore for S3Blob {
    fn bucket(&self) -> &str {
        &self.bucket
    }

    async fn put(&self, key: &str, body: Bytes, content_type: &str) -> Result<(), BlobError> {
        validate_key(key)?;
        self.client()
            .await
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(body.into())
            .send()
            .await
            .map_err(|e| unavailable(e.into_service_error()))?;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Bytes, BlobError> {
        validate_key(key)?;
        let out = self.client().await.get_object().bucket(&self.bucket).key(key).send().await.map_err(|e| {
            let e = e.into_service_error();
            if e.is_no_such_key() { BlobError::NotFound(key.into()) } else { unavailable(e) }
        })?;
        let data = out.body.collect().await.map_err(unavailable)?;
        Ok(data.into_bytes())
    }

    async fn size(&self, key: &str) -> Result<u64, BlobError> {
        validate_key(key)?;
        let out = self.client().await.head_object().bucket(&self.bucket).key(key).send().await.map_err(|e| {
            let e = e.into_service_error();
            if e.is_not_found() { BlobError::NotFound(key.into()) } else { unavailable(e) }
        })?;
        Ok(out.content_length().unwrap_or(0).max(0) as u64)
    }

    async fn presign_put(&self, key: &str, ttl: Duration) -> Result<Presigned, BlobError> {
        validate_key(key)?;
        let cfg = aws_sdk_s3::presigning::PresigningConfig::expires_in(ttl).map_err(unavailable)?;
        let req = self
            .client()
            .await
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            // S3 conditional write: 412 when the object exists.
            .if_none_match("*")
            .presigned(cfg)
            .await
            .map_err(|e| unavailable(e.into_service_error()))?;
        let headers = req.headers().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        Ok(Presigned { url: req.uri().to_owned(), headers })
    }

    async fn presign_get(&self, key: &str, ttl: Duration) -> Result<String, BlobError> {
        validate_key(key)?;
        let cfg = aws_sdk_s3::presigning::PresigningConfig::expires_in(ttl).map_err(unavailable)?;
        let req = self
            .client()
            .await
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .presigned(cfg)
            .await
            .map_err(|e| unavailable(e.into_service_error()))?;
        Ok(req.uri().to_owned())
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        validate_key(key)?;
        self.client()
            .await
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| unavailable(e.into_service_error()))?;
        Ok(())
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, BlobError> {
        let mut keys = Vec::new();
        let mut pages =
            self.client().await.list_objects_v2().bucket(&self.bucket).prefix(prefix).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| unavailable(e.into_service_error()))?;
            keys.extend(page.contents().iter().filter_map(|o| o.key().map(str::to_owned)));
        }
        Ok(keys)
    }
}

// ---------------------------------------------------------------------------------------------
// Local disk

/// Where a local store sends its ObjectCreated notifications.
#[derive(Clone)]
pub struct Notifier {
    pub queue: Arc<dyn Queue>,
    pub queue_name: String,
}

/// Local-disk storage rooted at a directory, for the embedded default.
pub struct LocalBlob {
    root: PathBuf,
    secret: Vec<u8>,
    base_url: String,
    notifier: std::sync::OnceLock<Notifier>,
}

/// Prefixes whose writes emit ObjectCreated notifications (as the bucket is configured in S3).
pub const NOTIFIED_PREFIXES: [&str; 2] = ["uploads/", "dropbox/"];

/// The bucket name the local store reports in notifications.
pub const LOCAL_BUCKET: &str = "local";

impl LocalBlob {
    /// A store under `root`; links are signed with `secret` and point at `base_url`.
    pub fn new(root: PathBuf, secret: &[u8], base_url: &str) -> Self {
        LocalBlob {
            root,
            secret: secret.to_vec(),
            base_url: base_url.trim_end_matches('/').into(),
            notifier: Default::default(),
        }
    }

    /// Routes ObjectCreated notifications of notified prefixes to a queue (set once).
    pub fn set_notifier(&self, notifier: Notifier) {
        let _ = self.notifier.set(notifier);
    }

    /// The directory behind the store.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, key: &str) -> Result<PathBuf, BlobError> {
        validate_key(key)?;
        let rel = Path::new(key);
        if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err(BlobError::InvalidKey(key.into()));
        }
        Ok(self.root.join(rel))
    }

    /// The signature of `method key expires`.
    pub fn sign(&self, method: &str, key: &str, expires: i64) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes keys of any length");
        mac.update(format!("{method}\n{key}\n{expires}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Checks a signed link: right signature (constant-time) and not expired.
    pub fn verify(&self, method: &str, key: &str, expires: i64, signature: &str) -> bool {
        if expires < chrono::Utc::now().timestamp() {
            return false;
        }
        let Ok(given) = hex::decode(signature) else {
            return false;
        };
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes keys of any length");
        mac.update(format!("{method}\n{key}\n{expires}").as_bytes());
        mac.verify_slice(&given).is_ok()
    }

    fn link(&self, method: &str, key: &str, ttl: Duration) -> String {
        let expires = chrono::Utc::now().timestamp() + ttl.as_secs() as i64;
        let path: String = key
            .split('/')
            .map(|s| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string())
            .collect::<Vec<_>>()
            .join("/");
        format!("{}/blob/{path}?expires={expires}&signature={}", self.base_url, self.sign(method, key, expires))
    }

    /// Writes an object that must not exist yet (a presigned PUT): `AlreadyExists` otherwise.
    /// The bytes go to a temporary file that is then hard-linked into place, which fails when
    /// the name is taken, so two racing writers cannot both succeed.
    pub async fn put_new(&self, key: &str, body: Bytes) -> Result<(), BlobError> {
        let path = self.path(key)?;
        let dir = path.parent().ok_or_else(|| BlobError::InvalidKey(key.into()))?;
        tokio::fs::create_dir_all(dir).await.map_err(unavailable)?;
        let tmp = dir.join(format!(".{}.partial", uuid::Uuid::new_v4()));
        tokio::fs::write(&tmp, &body).await.map_err(unavailable)?;
        let linked = tokio::fs::hard_link(&tmp, &path).await;
        let _ = tokio::fs::remove_file(&tmp).await;
        match linked {
            Ok(()) => self.notify_created(key, body.len() as u64, &etag_of(&body)).await,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(BlobError::AlreadyExists(key.into())),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Emits the ObjectCreated notification of `key` (when its prefix is notified).
    pub async fn notify_created(&self, key: &str, size: u64, etag: &str) -> Result<(), BlobError> {
        let Some(n) = self.notifier.get() else {
            return Ok(());
        };
        if !NOTIFIED_PREFIXES.iter().any(|p| key.starts_with(p)) {
            return Ok(());
        }
        let event = crate::events::s3_object_created(LOCAL_BUCKET, key, size, etag);
        n.queue.send(&n.queue_name, &event).await.map_err(|e| BlobError::Unavailable(e.into()))
    }
}

/// Content hash used as the local ETag.
pub fn etag_of(bytes: &[u8]) -> String {
    hex::encode(&Sha256::digest(bytes)[..16])
}

#[async_trait]
impl BlobStore for LocalBlob {
    fn bucket(&self) -> &str {
        LOCAL_BUCKET
    }

    async fn put(&self, key: &str, body: Bytes, _content_type: &str) -> Result<(), BlobError> {
        let path = self.path(key)?;
        let dir = path.parent().ok_or_else(|| BlobError::InvalidKey(key.into()))?;
        tokio::fs::create_dir_all(dir).await.map_err(unavailable)?;
        // Write then rename, so a reader (or the drop-folder watcher) never sees half a file.
        let tmp = dir.join(format!(".{}.partial", uuid::Uuid::new_v4()));
        tokio::fs::write(&tmp, &body).await.map_err(unavailable)?;
        tokio::fs::rename(&tmp, &path).await.map_err(unavailable)?;
        self.notify_created(key, body.len() as u64, &etag_of(&body)).await
    }

    async fn get(&self, key: &str) -> Result<Bytes, BlobError> {
        let path = self.path(key)?;
        match tokio::fs::read(&path).await {
            Ok(b) => Ok(Bytes::from(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(BlobError::NotFound(key.into())),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn size(&self, key: &str) -> Result<u64, BlobError> {
        let path = self.path(key)?;
        match tokio::fs::metadata(&path).await {
            Ok(m) => Ok(m.len()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(BlobError::NotFound(key.into())),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn presign_put(&self, key: &str, ttl: Duration) -> Result<Presigned, BlobError> {
        validate_key(key)?;
        Ok(Presigned { url: self.link("PUT", key, ttl), headers: BTreeMap::new() })
    }

    async fn presign_get(&self, key: &str, ttl: Duration) -> Result<String, BlobError> {
        validate_key(key)?;
        Ok(self.link("GET", key, ttl))
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        let path = self.path(key)?;
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, BlobError> {
        let mut out = Vec::new();
        // Walk from the prefix's own directory: never the rest of the root.
        let dir = prefix.rsplit_once('/').map_or("", |(d, _)| d);
        if !dir.is_empty() {
            validate_key(&format!("{dir}/x"))?;
        }
        let mut stack = vec![self.root.join(dir)];
        while let Some(dir) = stack.pop() {
            let Ok(mut rd) = tokio::fs::read_dir(&dir).await else {
                continue;
            };
            while let Some(entry) = rd.next_entry().await.map_err(unavailable)? {
                let path = entry.path();
                let Ok(rel) = path.strip_prefix(&self.root) else {
                    continue;
                };
                let key = rel.to_string_lossy().replace('\\', "/");
                if entry.file_type().await.map_err(unavailable)?.is_dir() {
                    stack.push(path);
                } else if key.starts_with(prefix) && !key.rsplit('/').next().unwrap_or("").starts_with('.') {
                    out.push(key);
                }
            }
        }
        out.sort();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_that_escape_their_prefix_are_refused() {
        for bad in [
            "",
            "/etc/passwd",
            "uploads/../x",
            "uploads//x",
            "uploads/a\\b",
            "uploads/./x",
            "uploads/a\nb",
            "secrets/session.key",
            "pg/postgresql.conf",
            "uploadsx/a",
        ] {
            assert!(validate_key(bad).is_err(), "{bad:?} must be refused");
        }
        assert!(validate_key("uploads/0190/equipments.csv").is_ok());
    }

    #[test]
    fn client_file_names_become_one_safe_segment() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("C:\\Users\\me\\équipements 2025.csv"), "_quipements_2025.csv");
        assert_eq!(safe_file_name("..."), "upload.csv");
        assert_eq!(safe_file_name("a\r\nSet-Cookie: x.csv"), "a__Set-Cookie__x.csv");
    }

    #[test]
    fn local_links_verify_only_with_the_right_method_key_and_time() {
        let store = LocalBlob::new("/tmp/none".into(), b"secret", "http://127.0.0.1:8080");
        let future = chrono::Utc::now().timestamp() + 60;
        let sig = store.sign("PUT", "uploads/a/b.csv", future);
        assert!(store.verify("PUT", "uploads/a/b.csv", future, &sig));
        assert!(!store.verify("GET", "uploads/a/b.csv", future, &sig));
        assert!(!store.verify("PUT", "uploads/a/c.csv", future, &sig));
        let past = chrono::Utc::now().timestamp() - 1;
        assert!(!store.verify("PUT", "uploads/a/b.csv", past, &store.sign("PUT", "uploads/a/b.csv", past)));
    }
}
