//! The person's notifications in the header: a button with the unread count that opens the
//! latest (a year opened, a reminder, the office's digest), each leading where it says, and
//! marks them read.

use co2_api_types::NotificationsView;
use dioxus::prelude::*;

use crate::api;
use crate::i18n::use_i18n;
use crate::text as t;

#[component]
pub fn Notifications() -> Element {
    let i18n = use_i18n();
    let mut open = use_signal(|| false);
    let mut view = use_signal(|| None::<NotificationsView>);
    use_hook(move || {
        spawn(async move {
            if let Ok(v) = api::notifications().await {
                view.set(Some(v));
            }
        });
    });
    let unread = view.read().as_ref().map_or(0, |v| v.unread);
    let toggle = move |_| {
        let opening = !open();
        open.set(opening);
        if opening && unread > 0 {
            spawn(async move {
                if let Ok(v) = api::mark_notifications_read().await {
                    // Keep showing which were new while the panel is open.
                    let mut shown = v;
                    if let Some(before) = view.peek().as_ref() {
                        shown.items = before.items.clone();
                    }
                    view.set(Some(shown));
                }
            });
        }
    };
    let label = if unread > 0 {
        format!("{} ({unread})", i18n.t(t::NOTIFICATIONS))
    } else {
        i18n.t(t::NOTIFICATIONS).to_owned()
    };
    rsx! {
        div { class: "notifications",
            button { class: if unread > 0 { "btn btn-small btn-secondary" } else { "btn btn-small btn-ghost" },
                r#type: "button", "data-testid": "notifications", "data-unread": "{unread}",
                aria_expanded: "{open}", onclick: toggle, "{label}" }
            if open() {
                div { class: "notifications-panel panel", role: "region", aria_label: i18n.t(t::NOTIFICATIONS),
                    "data-testid": "notifications-panel",
                    match view.read().as_ref() {
                        Some(v) if !v.items.is_empty() => rsx! {
                            ul { class: "notification-list",
                                for n in v.items.iter() {
                                    li { key: "{n.notification_id}", class: if n.read { "notification" } else { "notification unread" },
                                        "data-kind": "{n.kind}",
                                        strong { "{n.title}" }
                                        p { class: "small", "{n.body}" }
                                        span { class: "muted small", {n.created_at.format("%Y-%m-%d %H:%M").to_string()} }
                                        if let Some(link) = &n.link {
                                            " · "
                                            a { class: "link small", href: "{link}", "{i18n.t(t::OPEN_LINK)}" }
                                        }
                                    }
                                }
                            }
                        },
                        _ => rsx! { p { class: "muted", "{i18n.t(t::NO_NOTIFICATIONS)}" } },
                    }
                }
            }
        }
    }
}
