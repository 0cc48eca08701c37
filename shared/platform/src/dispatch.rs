//! The in-process stand-in for Knative's `IntegrationSource`: polls a queue and POSTs each message
//! as a binary CloudEvent to a step's router, with the same ack/retry rules (2xx acks; anything
//! else leaves the message for redelivery). Used by the embedded default and the tests only.

use crate::queue::{Delivery, Queue};
use axum::Router;
use axum::body::Body;
use axum::http::Request;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

/// Delivers one queue's messages to one step.
#[derive(Clone)]
pub struct Pump {
    pub queue: Arc<dyn Queue>,
    pub queue_name: String,
    pub target: Router,
    /// Hidden time of a received message (above the step's own timeout).
    pub visibility: Duration,
    /// Delay before a failed message is offered again.
    pub retry_after: Duration,
    /// Messages of a batch delivered at once (Knative's container concurrency).
    pub concurrency: usize,
}

impl Pump {
    /// Delivers one message; returns whether it was acknowledged.
    pub async fn deliver(&self, d: &Delivery) -> anyhow::Result<bool> {
        let req = Request::post("/")
            .header("ce-specversion", "1.0")
            .header("ce-id", &d.message_id)
            .header("ce-type", "dev.knative.connector.event.aws-sqs")
            .header("ce-source", format!("queue:{}", self.queue_name))
            .header("content-type", "application/json")
            .body(Body::from(d.body.clone()))?;
        let status = self.target.clone().oneshot(req).await?.status();
        if status.is_success() {
            self.queue.ack(&self.queue_name, d).await?;
            Ok(true)
        } else {
            self.queue.release(&self.queue_name, d, &format!("step answered {status}"), self.retry_after).await?;
            Ok(false)
        }
    }

    /// Receives one batch (waiting up to `wait`) and delivers it; returns how many were received.
    pub async fn once(&self, wait: Duration) -> anyhow::Result<usize> {
        use futures::StreamExt;
        let batch = self.queue.receive(&self.queue_name, 10, self.visibility, wait).await?;
        futures::stream::iter(&batch)
            .for_each_concurrent(self.concurrency.max(1), |d| async move {
                if let Err(e) = self.deliver(d).await {
                    tracing::error!(queue = %self.queue_name, error.message = %e, "dispatch.delivery_failed");
                }
            })
            .await;
        Ok(batch.len())
    }

    /// Runs forever (until the task is aborted), backing off while the queue is unreachable.
    pub async fn run(self) {
        loop {
            match self.once(Duration::from_secs(1)).await {
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(queue = %self.queue_name, error.message = %e, "dispatch.receive_failed");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }
}

/// Delivers until every pump finds its queue empty twice in a row (tests use this to run the
/// pipeline to completion synchronously).
pub async fn drain(pumps: &[Pump], max_rounds: usize) -> anyhow::Result<usize> {
    let mut delivered = 0;
    let mut quiet_rounds = 0;
    for _ in 0..max_rounds {
        let mut round = 0;
        for p in pumps {
            round += p.once(Duration::from_millis(20)).await?;
        }
        delivered += round;
        quiet_rounds = if round == 0 { quiet_rounds + 1 } else { 0 };
        if quiet_rounds >= 2 {
            return Ok(delivered);
        }
    }
    anyhow::bail!("queues not drained after {max_rounds} rounds ({delivered} messages delivered)")
}
