//! The caller's notifications in the app (the campaign's messages: a year opened, a reminder,
//! the office's digest): the latest with the unread count, and marking them read. Each person
//! reads and marks their own only.

use axum::extract::State;
use co2_api_types::{MarkReadRequest, NotificationView, NotificationsView};
use co2_platform::auth::Caller;
use co2_platform::{ApiJson, ApiResult, Ctx};

/// Notifications listed, at most.
const SHOWN: i64 = 50;

/// The caller's latest notifications, newest first, and how many are unread.
#[utoipa::path(get, path = "/api/v1/session/notifications", tag = "session",
    responses((status = 200, body = NotificationsView), (status = 401)))]
pub(crate) async fn list(State(ctx): State<Ctx>, caller: Caller) -> ApiResult<ApiJson<NotificationsView>> {
    let (items, unread) = co2_db::campaign::of_user(&ctx.pools.write, caller.user.app_user_id, SHOWN).await?;
    Ok(ApiJson(NotificationsView {
        unread,
        items: items
            .into_iter()
            .map(|n| NotificationView {
                notification_id: n.notification_id,
                kind: n.kind,
                year: n.report_year_id,
                title: n.title,
                body: n.body,
                link: n.link,
                created_at: n.created_at,
                read: n.read_at.is_some(),
            })
            .collect(),
    }))
}

/// Marks the caller's notifications read: those named, or all.
#[utoipa::path(post, path = "/api/v1/session/notifications/read", tag = "session", request_body = MarkReadRequest,
    responses((status = 200, body = NotificationsView), (status = 401)))]
pub(crate) async fn mark_read(
    State(ctx): State<Ctx>,
    caller: Caller,
    ApiJson(req): ApiJson<MarkReadRequest>,
) -> ApiResult<ApiJson<NotificationsView>> {
    co2_db::campaign::mark_read(&ctx.pools.write, caller.user.app_user_id, req.ids.as_deref()).await?;
    list(State(ctx), caller).await
}
