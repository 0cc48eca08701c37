//! co2-mail: delivers the campaign's e-mail outbox (`co2_db::campaign`) over SMTP with `lettre`.
//!
//! The relay is `SMTP_URL` (`smtp://relay:25`, `smtp://relay:587?tls=required` for STARTTLS, or
//! `smtps://relay:465`; credentials in the URL's user part) and the sender `MAIL_FROM`. Without
//! `SMTP_URL` nothing is sent: the notifications stay in the app and their e-mails wait in the
//! outbox. A failed delivery is retried later, with a growing delay; an address that cannot be
//! parsed is set aside for good.

use co2_db::{Db, DbResult};
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// E-mails handed over per delivery round.
pub const BATCH: i64 = 50;
/// The longest wait between two attempts at one e-mail.
const MAX_RETRY: Duration = Duration::from_secs(6 * 3600);
/// How long an address that does not parse waits: it will not parse later either.
const NEVER: Duration = Duration::from_secs(3650 * 24 * 3600);
/// How long one SMTP exchange may take.
const SEND_TIMEOUT: Duration = Duration::from_secs(20);

/// Why the mailer cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("SMTP_URL is not a usable SMTP address: {0}")]
    Url(String),
    #[error("MAIL_FROM is not an e-mail address: {0}")]
    From(String),
}

/// An SMTP relay and the sender the campaign's e-mails come from.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// What one delivery round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    pub sent: u64,
    pub failed: u64,
}

impl Mailer {
    /// The relay at `url` sending as `from`.
    pub fn new(url: &str, from: &str) -> Result<Mailer, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Url(e.to_string()))?
            .timeout(Some(SEND_TIMEOUT))
            .build();
        let from = from.parse::<Mailbox>().map_err(|e| MailError::From(e.to_string()))?;
        Ok(Mailer { transport, from })
    }

    /// The mailer `SMTP_URL` and `MAIL_FROM` describe; `None` without `SMTP_URL`.
    pub fn from_env() -> Result<Option<Mailer>, MailError> {
        let Some(url) = std::env::var("SMTP_URL").ok().filter(|u| !u.trim().is_empty()) else {
            return Ok(None);
        };
        let from = std::env::var("MAIL_FROM").unwrap_or_else(|_| "CO2 Calculator <co2-calculator@localhost>".into());
        Mailer::new(url.trim(), &from).map(Some)
    }

    /// Hands the e-mails due in the outbox to the relay, one round of at most [`BATCH`]. The
    /// claimed rows stay locked until their outcome is written, so two senders never send one
    /// e-mail twice.
    pub async fn deliver_due(&self, db: &Db) -> DbResult<Delivery> {
        let mut tx = db.begin().await?;
        let due = co2_db::campaign::claim_due(&mut tx, BATCH).await?;
        let mut done = Delivery::default();
        for mail in due {
            let Ok(to) = mail.to_address.parse::<Mailbox>() else {
                co2_db::campaign::mark_failed(&mut tx, mail.mail_id, "the address is not an e-mail address", NEVER)
                    .await?;
                done.failed += 1;
                continue;
            };
            let message = Message::builder()
                .from(self.from.clone())
                .to(to)
                .subject(mail.subject.as_str())
                .header(ContentType::TEXT_PLAIN)
                .body(mail.body.clone());
            let outcome = match message {
                Ok(message) => self.transport.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            match outcome {
                Ok(()) => {
                    co2_db::campaign::mark_sent(&mut tx, mail.mail_id).await?;
                    done.sent += 1;
                }
                Err(why) => {
                    tracing::warn!(mail_id = mail.mail_id, attempts = mail.attempts + 1, error.message = %why, "mail.failed");
                    co2_db::campaign::mark_failed(&mut tx, mail.mail_id, &why, retry_in(mail.attempts)).await?;
                    done.failed += 1;
                }
            }
        }
        tx.commit().await?;
        Ok(done)
    }
}

/// The wait before the next attempt after `attempts` failed ones: a minute, doubling, at most
/// six hours.
pub fn retry_in(attempts: i32) -> Duration {
    let doubled = Duration::from_secs(60).saturating_mul(1u32 << attempts.clamp(0, 16) as u32);
    doubled.min(MAX_RETRY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_six_hours() {
        assert_eq!(retry_in(0), Duration::from_secs(60));
        assert_eq!(retry_in(3), Duration::from_secs(480));
        assert_eq!(retry_in(30), MAX_RETRY);
    }

    #[test]
    fn a_bad_relay_or_sender_is_refused_at_start() {
        assert!(matches!(Mailer::new("ftp://nowhere", "a@b.ch"), Err(MailError::Url(_))));
        assert!(matches!(Mailer::new("smtp://127.0.0.1:2525", "not an address"), Err(MailError::From(_))));
        assert!(Mailer::new("smtp://127.0.0.1:2525", "CO2 <co2@example.org>").is_ok());
    }
}
