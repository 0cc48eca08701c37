//! `Ctx`: the cheap-to-clone handles a function works with. Built from env without network I/O.

use crate::auth::AuthKeys;
use crate::blob::{self, BlobStore};
use crate::config::{BlobConfig, DbConfig, QueueBackend, Settings};
use crate::queue::{self, Queue};
use co2_db::Pools;
use secrecy::ExposeSecret;
use std::sync::Arc;

/// Handles shared by the handlers of a function (and by all of them in the embedded default).
#[derive(Clone)]
pub struct Ctx {
    pub pools: Pools,
    pub blob: Arc<dyn BlobStore>,
    pub queue: Arc<dyn Queue>,
    pub auth: Arc<AuthKeys>,
    pub settings: Arc<Settings>,
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx").field("settings", &self.settings).finish_non_exhaustive()
    }
}

impl Ctx {
    /// Builds every handle from env. Pools and cloud clients connect on first use.
    pub fn from_env() -> anyhow::Result<Ctx> {
        Ok(Self::from_env_with_local()?.0)
    }

    /// As [`Ctx::from_env`], also returning the local store when storage is local disk (the
    /// embedded server serves its signed links and watches its drop folder).
    pub fn from_env_with_local() -> anyhow::Result<(Ctx, Option<Arc<blob::LocalBlob>>)> {
        let settings = Settings::from_env()?;
        let db = DbConfig::from_env()?;
        let pools = Pools::connect_lazy(
            db.url.expose_secret(),
            db.read_url.as_ref().map(|u| u.expose_secret()),
            db.max_connections,
        )?;
        let auth = AuthKeys::from_env(&settings)?;
        let (blob, local): (Arc<dyn BlobStore>, _) = match BlobConfig::from_env()? {
            BlobConfig::S3 { bucket, force_path_style } => {
                (Arc::new(blob::S3Blob::new(bucket, force_path_style)), None)
            }
            BlobConfig::Local { root, secret } => {
                let local =
                    Arc::new(blob::LocalBlob::new(root, secret.expose_secret().as_bytes(), &settings.public_base_url));
                (local.clone(), Some(local))
            }
        };
        let queue: Arc<dyn Queue> = match QueueBackend::from_env()? {
            QueueBackend::Sqs => Arc::new(queue::SqsQueue::new()),
            QueueBackend::Postgres => Arc::new(queue::PgQueue::new(pools.write.clone())),
        };
        Ok((Ctx { pools, blob, queue, auth: Arc::new(auth), settings: Arc::new(settings) }, local))
    }
}
