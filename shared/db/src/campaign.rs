//! The yearly campaign's messages: notifications in the app and the e-mail outbox that carries
//! them. A notification and its e-mail are written in one transaction with whatever caused them;
//! a sender delivers the outbox later, with retries, so a mail server that is down delays a
//! message and never loses or doubles it.

use crate::DbResult;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// Someone a notification is for.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Recipient {
    pub app_user_id: Uuid,
    pub display_name: String,
    /// Without an address, the notification is in the app only.
    pub email: Option<String>,
}

/// The principals of `units`, each with the unit they lead.
pub async fn principals_of(db: impl PgExecutor<'_>, units: &[Uuid]) -> DbResult<Vec<(Uuid, Recipient)>> {
    let rows: Vec<(Uuid, Uuid, String, Option<String>)> = crate::sql::query_as(
        "select ra.unit_id, a.app_user_id, a.display_name, a.email
         from role_assignment ra join app_user a using (app_user_id)
         where ra.role = 'principal' and ra.unit_id = any($1)
         order by ra.unit_id, a.display_name",
    )
    .bind(units)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(unit, app_user_id, display_name, email)| (unit, Recipient { app_user_id, display_name, email }))
        .collect())
}

/// The sustainability office: every admin and back-office operator.
pub async fn office(db: impl PgExecutor<'_>) -> DbResult<Vec<Recipient>> {
    Ok(crate::sql::query_as::<Recipient>(
        "select distinct a.app_user_id, a.display_name, a.email
         from role_assignment ra join app_user a using (app_user_id)
         where ra.role in ('admin', 'backoffice')
         order by a.display_name",
    )
    .fetch_all(db)
    .await?)
}

/// What a new notification says.
#[derive(Debug, Clone, Copy)]
pub struct NewNotification<'a> {
    /// `year_opened`, `reminder`, `digest` or `change_request`.
    pub kind: &'a str,
    pub year: Option<i32>,
    pub title: &'a str,
    pub body: &'a str,
    /// Where it leads in the app (a path).
    pub link: Option<&'a str>,
}

/// Notifies `to`: a notification each in the app and, for those with an address, an e-mail in
/// the outbox. Returns (notifications, e-mails).
pub async fn notify(db: &mut PgConnection, to: &Recipient, n: &NewNotification<'_>) -> DbResult<(u64, u64)> {
    let id: Uuid = crate::sql::query_scalar(
        "insert into notification (app_user_id, kind, report_year_id, title, body, link)
         values ($1, $2, $3, $4, $5, $6) returning notification_id",
    )
    .bind(to.app_user_id)
    .bind(n.kind)
    .bind(n.year)
    .bind(n.title)
    .bind(n.body)
    .bind(n.link)
    .fetch_one(&mut *db)
    .await?;
    let Some(address) = to.email.as_deref().map(str::trim).filter(|a| !a.is_empty()) else {
        return Ok((1, 0));
    };
    crate::sql::query("insert into mail_outbox (notification_id, to_address, subject, body) values ($1, $2, $3, $4)")
        .bind(id)
        .bind(address)
        .bind(n.title)
        .bind(n.body)
        .execute(&mut *db)
        .await?;
    Ok((1, 1))
}

/// A notification as its recipient reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Notification {
    pub notification_id: Uuid,
    pub kind: String,
    pub report_year_id: Option<i32>,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A person's latest notifications, newest first, and how many are unread.
pub async fn of_user(db: &crate::Db, user: Uuid, limit: i64) -> DbResult<(Vec<Notification>, i64)> {
    let items = crate::sql::query_as::<Notification>(
        "select notification_id, kind, report_year_id, title, body, link, created_at, read_at
         from notification where app_user_id = $1 order by created_at desc, notification_id limit $2",
    )
    .bind(user)
    .bind(limit)
    .fetch_all(db)
    .await?;
    let unread: i64 =
        crate::sql::query_scalar("select count(*) from notification where app_user_id = $1 and read_at is null")
            .bind(user)
            .fetch_one(db)
            .await?;
    Ok((items, unread))
}

/// Marks a person's notifications read: those of `ids`, or all of them. Returns how many changed.
pub async fn mark_read(db: impl PgExecutor<'_>, user: Uuid, ids: Option<&[Uuid]>) -> DbResult<u64> {
    let done = crate::sql::query(
        "update notification set read_at = now()
         where app_user_id = $1 and read_at is null and ($2::uuid[] is null or notification_id = any($2))",
    )
    .bind(user)
    .bind(ids)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// When the office's digest of `year` was last sent, if ever.
pub async fn last_digest(db: impl PgExecutor<'_>, year: i32) -> DbResult<Option<DateTime<Utc>>> {
    Ok(crate::sql::query_scalar(
        "select max(created_at) from notification where kind = 'digest' and report_year_id = $1",
    )
    .bind(year)
    .fetch_one(db)
    .await?)
}

/// An e-mail waiting in the outbox.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxMail {
    pub mail_id: i64,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub attempts: i32,
}

/// Claims up to `limit` e-mails due for sending, locked until the caller's transaction ends (a
/// second sender skips them).
pub async fn claim_due(db: &mut PgConnection, limit: i64) -> DbResult<Vec<OutboxMail>> {
    Ok(crate::sql::query_as::<OutboxMail>(
        "select mail_id, to_address, subject, body, attempts from mail_outbox
         where sent_at is null and next_attempt_at <= now()
         order by next_attempt_at, mail_id limit $1 for update skip locked",
    )
    .bind(limit)
    .fetch_all(&mut *db)
    .await?)
}

/// Records that an e-mail was handed to the mail server.
pub async fn mark_sent(db: &mut PgConnection, mail_id: i64) -> DbResult<()> {
    crate::sql::query("update mail_outbox set sent_at = now(), attempts = attempts + 1 where mail_id = $1")
        .bind(mail_id)
        .execute(&mut *db)
        .await?;
    Ok(())
}

/// Records a failed attempt; the next one waits `retry_in`.
pub async fn mark_failed(
    db: &mut PgConnection,
    mail_id: i64,
    error: &str,
    retry_in: std::time::Duration,
) -> DbResult<()> {
    crate::sql::query(
        "update mail_outbox set attempts = attempts + 1, last_error = $2,
                next_attempt_at = now() + make_interval(secs => $3)
         where mail_id = $1",
    )
    .bind(mail_id)
    .bind(error)
    .bind(retry_in.as_secs_f64())
    .execute(&mut *db)
    .await?;
    Ok(())
}
