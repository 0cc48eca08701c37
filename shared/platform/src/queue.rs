//! `Queue`: message queues behind a narrow trait, with an SQS implementation (aws-sdk-sqs) and
//! the embedded PostgreSQL one. Both are at-least-once: a message is redelivered until acked, and
//! moved to a dead letter after too many receives (SQS: the queue's redrive policy; PostgreSQL:
//! [`MAX_RECEIVES`]).

use async_trait::async_trait;
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::{Mutex, OnceCell};

/// Receives after which the embedded queue dead-letters a message (SQS: the redrive policy).
pub const MAX_RECEIVES: i32 = 5;

/// A queue operation failed (transient by nature).
#[derive(Debug, thiserror::Error)]
#[error("queue {queue}: {source}")]
pub struct QueueError {
    pub queue: String,
    #[source]
    pub source: anyhow::Error,
}

/// A received message and what is needed to ack or release it.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub message_id: String,
    pub receipt: String,
    pub body: String,
    pub receive_count: u32,
}

/// A message queue.
#[async_trait]
pub trait Queue: Send + Sync {
    /// Sends a message.
    async fn send(&self, queue: &str, body: &str) -> Result<(), QueueError>;
    /// Receives up to `max` messages, hiding them for `visibility`; waits up to `wait` for one.
    async fn receive(
        &self,
        queue: &str,
        max: u32,
        visibility: Duration,
        wait: Duration,
    ) -> Result<Vec<Delivery>, QueueError>;
    /// Deletes a processed message.
    async fn ack(&self, queue: &str, delivery: &Delivery) -> Result<(), QueueError>;
    /// Gives a message back for redelivery after `retry_after`.
    async fn release(
        &self,
        queue: &str,
        delivery: &Delivery,
        error: &str,
        retry_after: Duration,
    ) -> Result<(), QueueError>;
}

fn qerr(queue: &str, e: impl Into<anyhow::Error>) -> QueueError {
    QueueError { queue: queue.to_owned(), source: e.into() }
}

// ---------------------------------------------------------------------------------------------

/// The embedded queue on PostgreSQL (`queue_message` table).
pub struct PgQueue {
    pool: co2_db::Db,
    max_receives: i32,
}

impl PgQueue {
    /// A queue on `pool` that dead-letters after [`MAX_RECEIVES`].
    pub fn new(pool: co2_db::Db) -> Self {
        PgQueue { pool, max_receives: MAX_RECEIVES }
    }

    /// A queue on `pool` that dead-letters after `max_receives` receives.
    pub fn with_max_receives(pool: co2_db::Db, max_receives: i32) -> Self {
        PgQueue { pool, max_receives }
    }
}

#[async_trait]
impl Queue for PgQueue {
    async fn send(&self, queue: &str, body: &str) -> Result<(), QueueError> {
        co2_db::queue::send(&self.pool, queue, body).await.map_err(|e| qerr(queue, e))?;
        Ok(())
    }

    async fn receive(
        &self,
        queue: &str,
        max: u32,
        visibility: Duration,
        wait: Duration,
    ) -> Result<Vec<Delivery>, QueueError> {
        let deadline = tokio::time::Instant::now() + wait;
        // Polls soon after an empty answer, then less and less often (an idle queue costs the
        // database a few statements a second, not twenty).
        let mut pause = Duration::from_millis(10);
        loop {
            let got =
                co2_db::queue::receive(&self.pool, queue, max as i64, visibility.as_secs_f64(), self.max_receives)
                    .await
                    .map_err(|e| qerr(queue, e))?;
            if !got.is_empty() || tokio::time::Instant::now() >= deadline {
                return Ok(got
                    .into_iter()
                    .map(|m| Delivery {
                        message_id: m.message_id.to_string(),
                        receipt: m.queue_message_id.to_string(),
                        body: m.body,
                        receive_count: m.receive_count.max(0) as u32,
                    })
                    .collect());
            }
            tokio::time::sleep(pause.min(wait)).await;
            pause = (pause * 2).min(Duration::from_millis(250));
        }
    }

    async fn ack(&self, queue: &str, delivery: &Delivery) -> Result<(), QueueError> {
        let id: i64 = delivery.receipt.parse().map_err(|e| qerr(queue, anyhow::anyhow!("bad receipt: {e}")))?;
        co2_db::queue::ack(&self.pool, id).await.map_err(|e| qerr(queue, e))
    }

    async fn release(
        &self,
        queue: &str,
        delivery: &Delivery,
        error: &str,
        retry_after: Duration,
    ) -> Result<(), QueueError> {
        let id: i64 = delivery.receipt.parse().map_err(|e| qerr(queue, anyhow::anyhow!("bad receipt: {e}")))?;
        co2_db::queue::release(&self.pool, id, error, retry_after.as_secs_f64()).await.map_err(|e| qerr(queue, e))
    }
}

// ---------------------------------------------------------------------------------------------

/// Amazon SQS (or a compatible server); queues are addressed by name and their URLs cached.
pub struct SqsQueue {
    endpoint: Option<String>,
    client: OnceCell<aws_sdk_sqs::Client>,
    urls: Mutex<HashMap<String, String>>,
}

impl Default for SqsQueue {
    fn default() -> Self {
        Self::new()
    }
}

impl SqsQueue {
    /// A client built on first use from the standard AWS env (`AWS_ENDPOINT_URL[_SQS]`, region…).
    pub fn new() -> Self {
        SqsQueue { endpoint: None, client: OnceCell::new(), urls: Mutex::new(HashMap::new()) }
    }

    /// The same with an explicit endpoint instead of the environment's `AWS_ENDPOINT_URL`.
    pub fn with_endpoint(endpoint: String) -> Self {
        SqsQueue { endpoint: Some(endpoint), client: OnceCell::new(), urls: Mutex::new(HashMap::new()) }
    }

    async fn client(&self) -> &aws_sdk_sqs::Client {
        self.client
            .get_or_init(|| async {
                let shared = crate::blob::aws_sdk_config(self.endpoint.as_deref()).await;
                aws_sdk_sqs::Client::new(&shared)
            })
            .await
    }

    async fn url(&self, queue: &str) -> Result<String, QueueError> {
        if let Some(u) = self.urls.lock().await.get(queue) {
            return Ok(u.clone());
        }
        let out = self
            .client()
            .await
            .get_queue_url()
            .queue_name(queue)
            .send()
            .await
            .map_err(|e| qerr(queue, e.into_service_error()))?;
        let url = out.queue_url().ok_or_else(|| qerr(queue, anyhow::anyhow!("no queue URL returned")))?.to_owned();
        self.urls.lock().await.insert(queue.to_owned(), url.clone());
        Ok(url)
    }
}

#[async_trait]
impl Queue for SqsQueue {
    async fn send(&self, queue: &str, body: &str) -> Result<(), QueueError> {
        let url = self.url(queue).await?;
        self.client()
            .await
            .send_message()
            .queue_url(url)
            .message_body(body)
            .send()
            .await
            .map_err(|e| qerr(queue, e.into_service_error()))?;
        Ok(())
    }

    async fn receive(
        &self,
        queue: &str,
        max: u32,
        visibility: Duration,
        wait: Duration,
    ) -> Result<Vec<Delivery>, QueueError> {
        let url = self.url(queue).await?;
        let out = self
            .client()
            .await
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(max.clamp(1, 10) as i32)
            .visibility_timeout(visibility.as_secs().max(1) as i32)
            .wait_time_seconds(wait.as_secs().min(20) as i32)
            .message_system_attribute_names(aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount)
            .send()
            .await
            .map_err(|e| qerr(queue, e.into_service_error()))?;
        Ok(out
            .messages()
            .iter()
            .filter_map(|m| {
                let count = m
                    .attributes()
                    .and_then(|a| a.get(&aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount))
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(1);
                Some(Delivery {
                    message_id: m.message_id()?.to_owned(),
                    receipt: m.receipt_handle()?.to_owned(),
                    body: m.body().unwrap_or_default().to_owned(),
                    receive_count: count,
                })
            })
            .collect())
    }

    async fn ack(&self, queue: &str, delivery: &Delivery) -> Result<(), QueueError> {
        let url = self.url(queue).await?;
        self.client()
            .await
            .delete_message()
            .queue_url(url)
            .receipt_handle(&delivery.receipt)
            .send()
            .await
            .map_err(|e| qerr(queue, e.into_service_error()))?;
        Ok(())
    }

    async fn release(
        &self,
        queue: &str,
        delivery: &Delivery,
        _error: &str,
        retry_after: Duration,
    ) -> Result<(), QueueError> {
        let url = self.url(queue).await?;
        self.client()
            .await
            .change_message_visibility()
            .queue_url(url)
            .receipt_handle(&delivery.receipt)
            .visibility_timeout(retry_after.as_secs() as i32)
            .send()
            .await
            .map_err(|e| qerr(queue, e.into_service_error()))?;
        Ok(())
    }
}
