//! The yearly campaign: opening a year tells every principal; a deadline; reminders to the
//! principals of the units not done, with the modules left; who is late; the office's digest,
//! weekly by itself; notifications in the app, read and marked by their own person only; and
//! the e-mails delivered over SMTP to a real server on loopback (`CO2_TEST_SMTP_URL`, writing
//! each message to `CO2_TEST_MAILDIR`), retried after a relay failure, never sent twice.

use crate::support::Stack;
use co2_testkit::call;
use http::Method;
use serde_json::{Value, json};
use sqlx::PgPool;

/// The messages the SMTP server received for `address`, as text.
fn mails_to(address: &str) -> Vec<String> {
    let dir = std::env::var("CO2_TEST_MAILDIR").expect("CO2_TEST_MAILDIR (make test starts the SMTP server)");
    let mut found: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read_to_string(e.path()).unwrap()))
        .filter(|(_, text)| text.lines().any(|l| l == format!("X-Envelope-To: {address}")))
        .collect();
    found.sort();
    found.into_iter().map(|(_, text)| text).collect()
}

async fn set_email(s: &Stack, person: &str, email: &str) {
    sqlx::query("update app_user set email = $2 where institutional_id = $1")
        .bind(person)
        .bind(email)
        .execute(&s.pool)
        .await
        .unwrap();
}

async fn notifications(s: &Stack, token: &str) -> Value {
    let res = call(&s.app, Method::GET, "/api/v1/session/notifications", Some(token), None).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    res.json()
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_campaign_tells_the_principals_reminds_the_late_and_mails_over_smtp(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let lab = s.token("principal", Some("9001")).await;
    let other = s.token("principal", Some("9002")).await;
    // Addresses of this run only: the SMTP server is shared by every test.
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let (lab_mail, other_mail, office_mail) =
        (format!("lab-{tag}@example.org"), format!("other-{tag}@example.org"), format!("office-{tag}@example.org"));
    set_email(&s, "test-principal-9001", &lab_mail).await;
    set_email(&s, "test-principal-9002", &other_mail).await;
    set_email(&s, "test-admin-global", &office_mail).await;
    let relay = std::env::var("CO2_TEST_SMTP_URL").expect("CO2_TEST_SMTP_URL (make test starts the SMTP server)");
    let mailer = co2_mail::Mailer::new(&relay, "CO2 Calculator <co2@example.org>").unwrap();

    // A deadline, then a new year opened: every principal hears of it, in the app.
    let res = call(
        &s.app,
        Method::PUT,
        "/api/v1/backoffice/years/2025/deadline",
        Some(&admin),
        Some(json!({"deadline": "2025-03-31"})),
    )
    .await;
    assert_eq!((res.status.as_u16(), res.json()["deadline"].as_str()), (200, Some("2025-03-31")));
    let res = call(&s.app, Method::POST, "/api/v1/backoffice/years", Some(&admin), Some(json!({"year": 2026}))).await;
    assert_eq!(res.status, 201);
    let mine = notifications(&s, &lab).await;
    assert_eq!(mine["unread"], 1, "{mine}");
    assert_eq!(
        (mine["items"][0]["kind"].as_str(), mine["items"][0]["year"].as_i64()),
        (Some("year_opened"), Some(2026))
    );
    assert_eq!(mine["items"][0]["link"], "/units/9001/years/2026");

    // 9002 validates every 2025 module; 9001 is late, with every module left.
    for module in co2_domain::Module::ALL {
        let uri = format!("/api/v1/units/9002/years/2025/modules/{}", module.key());
        let res = call(&s.app, Method::PATCH, &uri, Some(&other), Some(json!({"status": "validated"}))).await;
        assert_eq!(res.status, 200);
    }
    s.replica_caught_up().await;
    let late = call(&s.app, Method::GET, "/api/v1/backoffice/years/2025/late", Some(&admin), None).await.json();
    let ids: Vec<&str> =
        late["units"].as_array().unwrap().iter().map(|u| u["institutional_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["9001"], "{late}");
    assert_eq!(late["units"][0]["modules_left"].as_array().unwrap().len(), 8);
    assert!(late["days_late"].as_i64().is_some_and(|d| d > 0), "2025-03-31 has passed: {late}");

    // Reminders go to the late units' principals only.
    let sent = call(&s.app, Method::POST, "/api/v1/backoffice/years/2025/reminders", Some(&admin), None).await;
    assert_eq!(sent.status, 200, "{}", String::from_utf8_lossy(&sent.body));
    assert_eq!((sent.json()["units"].as_u64(), sent.json()["mails"].as_u64()), (Some(1), Some(1)), "{}", sent.json());
    assert_eq!(notifications(&s, &other).await["items"].as_array().unwrap().len(), 1, "9002 only heard of 2026");

    // The outbox goes to the SMTP server: the two year openings and the reminder, once.
    let delivered = mailer.deliver_due(&s.ctx.pools.write).await.unwrap();
    assert_eq!((delivered.sent, delivered.failed), (3, 0));
    assert_eq!(mailer.deliver_due(&s.ctx.pools.write).await.unwrap().sent, 0, "never sent twice");
    let received = mails_to(&lab_mail);
    assert_eq!(received.len(), 2, "{received:?}");
    let reminder = received.iter().find(|m| m.contains("Subject: Reminder: unit 9001's 2025")).expect("the reminder");
    assert!(reminder.contains("Headcount") && reminder.contains("2025-03-31"), "{reminder}");
    assert!(
        reminder.contains("From: \"CO2 Calculator\" <co2@example.org>")
            || reminder.contains("From: CO2 Calculator <co2@example.org>")
    );
    assert_eq!(mails_to(&other_mail).len(), 1);

    // The relay down: the digest's e-mail fails, waits, and goes once the relay answers.
    let res = call(&s.app, Method::POST, "/api/v1/backoffice/years/2025/digest", Some(&admin), None).await;
    assert_eq!(res.status, 200);
    let down = co2_mail::Mailer::new("smtp://127.0.0.1:9", "co2@example.org").unwrap();
    assert_eq!(down.deliver_due(&s.ctx.pools.write).await.unwrap().failed, 1);
    assert_eq!(mailer.deliver_due(&s.ctx.pools.write).await.unwrap().sent, 0, "it waits before the next attempt");
    sqlx::query("update mail_outbox set next_attempt_at = now() where sent_at is null").execute(&s.pool).await.unwrap();
    assert_eq!(mailer.deliver_due(&s.ctx.pools.write).await.unwrap().sent, 1);
    let digest = mails_to(&office_mail);
    assert_eq!(digest.len(), 1);
    assert!(digest[0].contains("Subject: Weekly digest of the 2025 campaign") && digest[0].contains("Not done: 9001"));

    // The weekly digest is due again only a week later.
    let now = chrono::Utc::now();
    assert_eq!(co2_results::campaign::weekly_digests(&s.ctx.pools.write, now).await.unwrap(), 0);
    assert!(
        co2_results::campaign::weekly_digests(&s.ctx.pools.write, now + chrono::Duration::days(8)).await.unwrap() > 0
    );

    // Reading: one's own notifications only.
    let first = notifications(&s, &lab).await["items"][0]["notification_id"].as_str().unwrap().to_owned();
    let res =
        call(&s.app, Method::POST, "/api/v1/session/notifications/read", Some(&other), Some(json!({"ids": [first]})))
            .await;
    assert_eq!(res.status, 200);
    assert_eq!(notifications(&s, &lab).await["unread"], 2, "another person cannot mark them");
    let res = call(&s.app, Method::POST, "/api/v1/session/notifications/read", Some(&lab), Some(json!({}))).await;
    assert_eq!(res.json()["unread"], 0);

    // Rights: the campaign is the office's.
    for (method, uri, body) in [
        (Method::PUT, "/api/v1/backoffice/years/2025/deadline", Some(json!({"deadline": null}))),
        (Method::POST, "/api/v1/backoffice/years/2025/reminders", None),
        (Method::POST, "/api/v1/backoffice/years/2025/digest", None),
        (Method::GET, "/api/v1/backoffice/years/2025/late", None),
    ] {
        assert_eq!(call(&s.app, method, uri, Some(&lab), body).await.status, 403, "{uri}");
    }
    let school = s.token("backoffice", Some("ENAC")).await;
    assert_eq!(call(&s.app, Method::GET, "/api/v1/backoffice/years/2025/late", Some(&school), None).await.status, 200);
    assert_eq!(call(&s.app, Method::GET, "/api/v1/session/notifications", None, None).await.status, 401);
}
