//! The campaign's scheduled work, run with the jobs sweeper: the office's weekly digest of every
//! open year with a deadline, and the delivery of the e-mail outbox when a relay is configured
//! (`SMTP_URL`; without one the e-mails wait and the notifications are in the app).

use co2_platform::{Ctx, StepError};

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CampaignRound {
    /// Digest notifications written.
    pub digests: u64,
    pub mail: co2_mail::Delivery,
}

/// Sends the digests that are due, then hands the due e-mails to the relay.
pub async fn round(ctx: &Ctx) -> Result<CampaignRound, StepError> {
    let digests = co2_results::campaign::weekly_digests(&ctx.pools.write, chrono::Utc::now()).await?;
    let mail = match co2_mail::Mailer::from_env() {
        Ok(Some(mailer)) => mailer.deliver_due(&ctx.pools.write).await?,
        Ok(None) => co2_mail::Delivery::default(),
        Err(e) => {
            tracing::warn!(error.message = %e, "mail.not_configured");
            co2_mail::Delivery::default()
        }
    };
    Ok(CampaignRound { digests, mail })
}
