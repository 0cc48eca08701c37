//! `/it-manager/roles`, `/api-tokens`, `/audit`: who may do what (role assignments), personal
//! API tokens, and the audit log with its chain check. Admins only; the server checks again.

use co2_api_types::{CreateApiTokenRequest, GrantRoleRequest, Persona, SessionState, TokenScope, TokenState};
use dioxus::prelude::*;

use super::it_manager::AdminOnly;
use crate::api::{self, AuditFilter};
use crate::components::{ErrorPanel, LoadingPage};
use crate::i18n::use_i18n;
use crate::model::persona_label;
use crate::text as t;

type Action = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), api::ApiError>>>>;

fn day_time(at: &chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// `/it-manager/roles`.
#[component]
pub fn ItRoles() -> Element {
    let i18n = use_i18n();
    let mut role = use_signal(String::new);
    let mut unit = use_signal(String::new);
    let mut user = use_signal(String::new);
    let mut generation = use_signal(|| 0u32);
    let mut sessions_of = use_signal(|| None::<(String, String)>);
    rsx! {
        AdminOnly { title: i18n.t(t::IT_ROLES),
            section { class: "page",
                h1 { class: "page-title", "{i18n.t(t::IT_ROLES)}" }
                p { class: "lead", "{i18n.t(t::IT_ROLES_LEAD)}" }
                GrantForm { on_granted: move |_| generation += 1 }
                div { class: "filters", role: "search",
                    label { class: "field inline",
                        span { class: "field-label", "{i18n.t(t::ROLE)}" }
                        select { "data-testid": "roles-role", onchange: move |e| role.set(e.value()),
                            option { value: "", "{i18n.t(t::ANY)}" }
                            for p in Persona::ALL {
                                option { key: "{p.as_str()}", value: p.as_str(), "{persona_label(p).get(i18n.lang())}" }
                            }
                        }
                    }
                    label { class: "field inline",
                        span { class: "field-label", "{i18n.t(t::PICKER_UNIT)}" }
                        input { r#type: "search", "data-testid": "roles-unit", value: "{unit}",
                            onchange: move |e| unit.set(e.value()) }
                    }
                    label { class: "field inline",
                        span { class: "field-label", "{i18n.t(t::SEARCH_PERSON)}" }
                        input { r#type: "search", "data-testid": "roles-user", value: "{user}",
                            onchange: move |e| user.set(e.value()) }
                    }
                }
                LoadingPage {
                        RolesTable { role: role(), unit: unit(), user: user(), generation: generation(),
                            on_sessions: move |person| sessions_of.set(Some(person)) }
                }
                if let Some((person, name)) = sessions_of() {
                    LoadingPage {
                        PersonSessions { key: "{person}", user: person, name, on_close: move |_| sessions_of.set(None) }
                    }
                }
            }
        }
    }
}

#[component]
fn GrantForm(on_granted: EventHandler<()>) -> Element {
    let i18n = use_i18n();
    let mut user = use_signal(String::new);
    let mut name = use_signal(String::new);
    let mut role = use_signal(|| Persona::Standard);
    let mut unit = use_signal(String::new);
    let mut failure = use_signal(|| None::<api::ApiError>);
    let submit = move |evt: FormEvent| {
        evt.prevent_default();
        let req = GrantRoleRequest {
            user: user().trim().to_owned(),
            display_name: Some(name().trim().to_owned()).filter(|n| !n.is_empty()),
            role: role(),
            unit: Some(unit().trim().to_owned()).filter(|u| !u.is_empty() && role() != Persona::Admin),
        };
        failure.set(None);
        spawn(async move {
            match api::grant_role(&req).await {
                Ok(_) => {
                    user.set(String::new());
                    name.set(String::new());
                    on_granted.call(());
                }
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    let errors = failure().map(|e| e.field_errors_in(i18n.lang())).unwrap_or_default();
    let field_error = |field: &str| errors.get(field).map(|m| m.join(", "));
    rsx! {
        form { class: "inline-form panel", "data-testid": "grant-form", onsubmit: submit,
            label { class: "field",
                span { class: "field-label", "{i18n.t(t::PERSON_ID)}" }
                input { required: true, "data-testid": "grant-user", value: "{user}", autocomplete: "off",
                    oninput: move |e| user.set(e.value()) }
                if let Some(m) = field_error("user") { span { class: "field-error", "{m}" } }
            }
            label { class: "field",
                span { class: "field-label", "{i18n.t(t::DISPLAY_NAME)}" }
                input { "data-testid": "grant-name", value: "{name}", oninput: move |e| name.set(e.value()) }
            }
            label { class: "field",
                span { class: "field-label", "{i18n.t(t::ROLE)}" }
                select { "data-testid": "grant-role",
                    onchange: move |e| if let Some(p) = Persona::parse(&e.value()) { role.set(p) },
                    for p in Persona::ALL {
                        option { key: "{p.as_str()}", value: p.as_str(), selected: role() == p,
                            "{persona_label(p).get(i18n.lang())}" }
                    }
                }
            }
            if role() != Persona::Admin {
                label { class: "field",
                    span { class: "field-label", "{i18n.t(t::PICKER_UNIT)}" }
                    input { required: true, "data-testid": "grant-unit", value: "{unit}",
                        oninput: move |e| unit.set(e.value()) }
                    if let Some(m) = field_error("unit") { span { class: "field-error", "{m}" } }
                }
            }
            button { class: "btn btn-primary", r#type: "submit", "data-testid": "grant-submit", "{i18n.t(t::GRANT_ROLE)}" }
            if let Some(e) = failure().filter(|e| e.field_errors_in(i18n.lang()).is_empty()) {
                p { class: "field-error", role: "alert", "{i18n.t(t::ROLE_NOT_CHANGED)}: {e.message}" }
            }
        }
    }
}

#[component]
fn RolesTable(
    role: String,
    unit: String,
    user: String,
    generation: u32,
    on_sessions: EventHandler<(String, String)>,
) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let mut rows = use_resource(use_reactive!(|role, unit, user, generation| async move {
        let _ = generation;
        api::list_roles(&role, &unit, &user).await
    }));
    let mut failure = use_signal(|| None::<String>);
    let list = rows.suspend()?.cloned()?;
    let mut act = move |call: Action| {
        failure.set(None);
        spawn(async move {
            if let Err(err) = call.await {
                failure.set(Some(err.message));
            }
            rows.restart();
        });
    };
    rsx! {
        if let Some(message) = failure() {
            ErrorPanel { title: i18n.t(t::ROLE_NOT_CHANGED), message }
        }
        div { class: "table-wrap",
            table { class: "data-table compact", "data-testid": "roles-table",
                thead {
                    tr {
                        th { scope: "col", "{i18n.t(t::PERSON)}" }
                        th { scope: "col", "{i18n.t(t::ROLE)}" }
                        th { scope: "col", "{i18n.t(t::SCOPE)}" }
                        th { scope: "col", "{i18n.t(t::GRANTED)}" }
                        th { scope: "col", class: "actions", span { class: "visually-hidden", "{i18n.t(t::ACTIONS)}" } }
                    }
                }
                tbody {
                    if list.is_empty() {
                        tr { td { class: "empty", colspan: "5", "{i18n.t(t::NO_ASSIGNMENT)}" } }
                    }
                    for a in list {
                        tr { key: "{a.assignment_id}", "data-user": "{a.user}", "data-role": "{a.role.as_str()}",
                            th { scope: "row", "{a.display_name} " span { class: "muted small", "({a.user})" } }
                            td {
                                "{persona_label(a.role).get(lang)}"
                                if a.from_identity_provider {
                                    " "
                                    span { class: "tag", title: "{i18n.t(t::FROM_IDP_HINT)}", "{i18n.t(t::FROM_IDP)}" }
                                }
                            }
                            td {
                                match (&a.unit, &a.unit_name) {
                                    (Some(id), Some(name)) => rsx! { "{id} " span { class: "muted small", "{name}" } },
                                    (Some(id), None) => rsx! { "{id}" },
                                    _ => rsx! { "{i18n.t(t::GLOBAL)}" },
                                }
                            }
                            td { class: "small", {day_time(&a.granted_at)} }
                            td { class: "actions",
                                button { class: "btn btn-ghost btn-small", r#type: "button",
                                    "data-testid": "show-sessions",
                                    onclick: {
                                        let person = (a.user.clone(), a.display_name.clone());
                                        move |_| on_sessions.call(person.clone())
                                    },
                                    "{i18n.t(t::SESSIONS)}"
                                }
                                button { class: "btn btn-ghost btn-small btn-danger-text", r#type: "button",
                                    "data-testid": "revoke-role",
                                    onclick: move |_| act(Box::pin(api::revoke_role(a.assignment_id))),
                                    "{i18n.t(t::REVOKE)}"
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A person's sessions, live and recently ended, with "end" for each live one and for all.
#[component]
fn PersonSessions(user: String, name: String, on_close: EventHandler<()>) -> Element {
    let i18n = use_i18n();
    let who = user.clone();
    let mut sessions = use_resource(move || {
        let who = who.clone();
        async move { api::person_sessions(&who).await }
    });
    let mut failure = use_signal(|| None::<String>);
    let list = sessions.suspend()?.cloned()?;
    let mut act = move |call: Action| {
        failure.set(None);
        spawn(async move {
            if let Err(err) = call.await {
                failure.set(Some(err.message));
            }
            sessions.restart();
        });
    };
    let any_active = list.iter().any(|s| s.state == SessionState::Active);
    let all_of = user.clone();
    rsx! {
        section { class: "panel", "data-testid": "person-sessions", aria_label: "{i18n.t(t::SESSIONS_OF)} {name}",
            div { class: "panel-head",
                h2 { "{i18n.t(t::SESSIONS_OF)} {name} " span { class: "muted small", "({user})" } }
                button { class: "btn btn-ghost btn-small", r#type: "button", onclick: move |_| on_close.call(()),
                    "{i18n.t(t::CLOSE)}" }
            }
            p { class: "muted small", "{i18n.t(t::SESSIONS_HINT)}" }
            if let Some(message) = failure() {
                ErrorPanel { title: i18n.t(t::SESSION_NOT_CHANGED), message }
            }
            div { class: "table-wrap",
                table { class: "data-table compact", "data-testid": "sessions-table",
                    thead {
                        tr {
                            th { scope: "col", "{i18n.t(t::SESSION_OPENED)}" }
                            th { scope: "col", "{i18n.t(t::SESSION_VIA)}" }
                            th { scope: "col", "{i18n.t(t::STATUS)}" }
                            th { scope: "col", "{i18n.t(t::EXPIRES)}" }
                            th { scope: "col", class: "actions", span { class: "visually-hidden", "{i18n.t(t::ACTIONS)}" } }
                        }
                    }
                    tbody {
                        if list.is_empty() {
                            tr { td { class: "empty", colspan: "5", "{i18n.t(t::NO_SESSION)}" } }
                        }
                        for session in list {
                            tr { key: "{session.session_id}",
                                th { scope: "row", class: "small", {day_time(&session.started_at)} }
                                td { if session.via == "dev" { "{i18n.t(t::SESSION_VIA_DEV)}" } else { "{i18n.t(t::SESSION_VIA_OIDC)}" } }
                                td { "data-testid": "session-state",
                                    match session.state {
                                        SessionState::Active => i18n.t(t::SESSION_ACTIVE).to_owned(),
                                        SessionState::Expired => i18n.t(t::SESSION_EXPIRED).to_owned(),
                                        SessionState::Ended => format!(
                                            "{} ({})",
                                            i18n.t(t::SESSION_STATE_ENDED),
                                            session.ended_by.clone().unwrap_or_default()
                                        ),
                                    }
                                }
                                td { class: "small", {day_time(&session.expires_at)} }
                                td { class: "actions",
                                    if session.state == SessionState::Active {
                                        button { class: "btn btn-ghost btn-small btn-danger-text", r#type: "button",
                                            "data-testid": "end-session",
                                            onclick: {
                                                let user = user.clone();
                                                move |_| act(Box::pin(api::end_session(user.clone(), session.session_id)))
                                            },
                                            "{i18n.t(t::END_SESSION)}"
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if any_active {
                button { class: "btn btn-danger", r#type: "button", "data-testid": "end-all-sessions",
                    onclick: move |_| act(Box::pin(api::end_all_sessions(all_of.clone()))),
                    "{i18n.t(t::END_ALL_SESSIONS)}"
                }
            }
        }
    }
}

/// `/it-manager/api-tokens`.
#[component]
pub fn ItApiTokens() -> Element {
    let i18n = use_i18n();
    let mut generation = use_signal(|| 0u32);
    rsx! {
        AdminOnly { title: i18n.t(t::IT_TOKENS),
            section { class: "page",
                h1 { class: "page-title", "{i18n.t(t::IT_TOKENS)}" }
                p { class: "lead", "{i18n.t(t::IT_TOKENS_LEAD)}" }
                TokenForm { on_created: move |_| generation += 1 }
                LoadingPage { TokensTable { generation: generation() } }
            }
        }
    }
}

#[component]
fn TokenForm(on_created: EventHandler<()>) -> Element {
    let i18n = use_i18n();
    let mut name = use_signal(String::new);
    let mut scope = use_signal(|| TokenScope::Read);
    let mut days = use_signal(|| "90".to_owned());
    let mut failure = use_signal(|| None::<api::ApiError>);
    let mut secret = use_signal(|| None::<String>);
    let submit = move |evt: FormEvent| {
        evt.prevent_default();
        let req = CreateApiTokenRequest {
            name: name().trim().to_owned(),
            scope: scope(),
            expires_in_days: days().trim().parse().unwrap_or(0),
        };
        failure.set(None);
        secret.set(None);
        spawn(async move {
            match api::create_token(&req).await {
                Ok(created) => {
                    secret.set(Some(created.secret));
                    name.set(String::new());
                    on_created.call(());
                }
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    let errors = failure().map(|e| e.field_errors_in(i18n.lang())).unwrap_or_default();
    let field_error = |field: &str| errors.get(field).map(|m| m.join(", "));
    rsx! {
        form { class: "inline-form panel", "data-testid": "token-form", onsubmit: submit,
            label { class: "field",
                span { class: "field-label", "{i18n.t(t::TOKEN_NAME)}" }
                input { required: true, maxlength: "100", "data-testid": "token-name", value: "{name}",
                    oninput: move |e| name.set(e.value()) }
                if let Some(m) = field_error("name") { span { class: "field-error", "{m}" } }
            }
            label { class: "field",
                span { class: "field-label", "{i18n.t(t::SCOPE)}" }
                select { "data-testid": "token-scope",
                    onchange: move |e| scope.set(if e.value() == "write" { TokenScope::Write } else { TokenScope::Read }),
                    option { value: "read", selected: scope() == TokenScope::Read, "{i18n.t(t::TOKEN_SCOPE_READ)}" }
                    option { value: "write", selected: scope() == TokenScope::Write, "{i18n.t(t::TOKEN_SCOPE_WRITE)}" }
                }
            }
            label { class: "field",
                span { class: "field-label", "{i18n.t(t::EXPIRES_IN_DAYS)}" }
                input { r#type: "number", min: "1", max: "365", inputmode: "numeric", "data-testid": "token-days",
                    value: "{days}", oninput: move |e| days.set(e.value()) }
                if let Some(m) = field_error("expires_in_days") { span { class: "field-error", "{m}" } }
            }
            button { class: "btn btn-primary", r#type: "submit", "data-testid": "token-create", "{i18n.t(t::CREATE_TOKEN)}" }
            if let Some(e) = failure().filter(|e| e.field_errors_in(i18n.lang()).is_empty()) {
                p { class: "field-error", role: "alert", "{i18n.t(t::TOKEN_NOT_CHANGED)}: {e.message}" }
            }
        }
        if let Some(value) = secret() {
            div { class: "panel panel-notice", role: "status", "data-testid": "token-secret",
                p { "{i18n.t(t::TOKEN_SHOWN_ONCE)}" }
                input { class: "secret", readonly: true, value: "{value}", aria_label: "{i18n.t(t::IT_TOKENS)}",
                    onfocus: move |_| select_focused_input() }
            }
        }
    }
}

#[component]
fn TokensTable(generation: u32) -> Element {
    let i18n = use_i18n();
    let mut tokens = use_resource(use_reactive!(|generation| async move {
        let _ = generation;
        api::list_tokens().await
    }));
    let mut failure = use_signal(|| None::<String>);
    let list = tokens.suspend()?.cloned()?;
    let mut act = move |call: Action| {
        failure.set(None);
        spawn(async move {
            if let Err(err) = call.await {
                failure.set(Some(err.message));
            }
            tokens.restart();
        });
    };
    rsx! {
        if let Some(message) = failure() {
            ErrorPanel { title: i18n.t(t::TOKEN_NOT_CHANGED), message }
        }
        div { class: "table-wrap",
            table { class: "data-table compact", "data-testid": "tokens-table",
                thead {
                    tr {
                        th { scope: "col", "{i18n.t(t::TOKEN_NAME)}" }
                        th { scope: "col", "{i18n.t(t::OWNER)}" }
                        th { scope: "col", "{i18n.t(t::SCOPE)}" }
                        th { scope: "col", "{i18n.t(t::STATUS)}" }
                        th { scope: "col", "{i18n.t(t::EXPIRES)}" }
                        th { scope: "col", "{i18n.t(t::LAST_USED)}" }
                        th { scope: "col", class: "actions", span { class: "visually-hidden", "{i18n.t(t::ACTIONS)}" } }
                    }
                }
                tbody {
                    if list.is_empty() {
                        tr { td { class: "empty", colspan: "7", "{i18n.t(t::NO_TOKEN)}" } }
                    }
                    for tok in list {
                        tr { key: "{tok.token_id}", "data-token": "{tok.name}",
                            th { scope: "row", "{tok.name} " code { class: "muted small", "{tok.prefix}…" } }
                            td { "{tok.owner_name} " span { class: "muted small", "({tok.owner})" } }
                            td {
                                match tok.scope {
                                    TokenScope::Read => i18n.t(t::TOKEN_SCOPE_READ),
                                    TokenScope::Write => i18n.t(t::TOKEN_SCOPE_WRITE),
                                }
                            }
                            td { "data-testid": "token-state",
                                match tok.state {
                                    TokenState::Active => i18n.t(t::TOKEN_ACTIVE),
                                    TokenState::Expired => i18n.t(t::TOKEN_EXPIRED),
                                    TokenState::Revoked => i18n.t(t::TOKEN_REVOKED),
                                }
                            }
                            td { class: "small", {day_time(&tok.expires_at)} }
                            td { class: "small",
                                {tok.last_used_at.as_ref().map_or_else(|| i18n.t(t::NEVER).to_owned(), day_time)}
                            }
                            td { class: "actions",
                                if tok.state == TokenState::Active {
                                    button { class: "btn btn-ghost btn-small btn-danger-text", r#type: "button",
                                        "data-testid": "revoke-token",
                                        onclick: move |_| act(Box::pin(api::revoke_token(tok.token_id))),
                                        "{i18n.t(t::REVOKE)}"
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `/it-manager/audit`.
#[component]
pub fn ItAudit() -> Element {
    let i18n = use_i18n();
    let mut draft = use_signal(AuditFilter::default);
    let mut applied = use_signal(AuditFilter::default);
    let mut chain = use_signal(|| None::<Result<co2_api_types::AuditChainView, String>>);
    let field = move |label: t::Text,
                      id: &'static str,
                      kind: &'static str,
                      get: fn(&AuditFilter) -> String,
                      set: fn(&mut AuditFilter, String)| {
        rsx! {
            label { class: "field inline",
                span { class: "field-label", "{i18n.t(label)}" }
                input { r#type: kind, "data-testid": id, value: get(&draft.read()),
                    oninput: move |e| set(&mut draft.write(), e.value()) }
            }
        }
    };
    rsx! {
        AdminOnly { title: i18n.t(t::IT_AUDIT),
            section { class: "page",
                h1 { class: "page-title", "{i18n.t(t::IT_AUDIT)}" }
                p { class: "lead", "{i18n.t(t::IT_AUDIT_LEAD)}" }
                div { class: "panel",
                    button { class: "btn btn-secondary", r#type: "button", "data-testid": "audit-verify",
                        onclick: move |_| {
                            chain.set(None);
                            spawn(async move { chain.set(Some(api::verify_audit().await.map_err(|e| e.message))); });
                        },
                        "{i18n.t(t::VERIFY_CHAIN)}"
                    }
                    match chain() {
                        Some(Ok(c)) => rsx! {
                            p { class: if c.intact { "ok" } else { "field-error" }, role: "status",
                                "data-testid": "audit-chain", "data-intact": "{c.intact}",
                                "{t::chain_checked(i18n.lang(), c.entries_checked, c.first_broken)}"
                            }
                        },
                        Some(Err(message)) => rsx! { p { class: "field-error", role: "alert", "{message}" } },
                        None => rsx! {},
                    }
                }
                form { class: "filters", role: "search",
                    onsubmit: move |evt: FormEvent| {
                        evt.prevent_default();
                        applied.set(draft());
                    },
                    {field(t::ACTOR, "audit-actor", "search", |f| f.actor.clone(), |f, v| f.actor = v)}
                    {field(t::ACTION, "audit-action", "search", |f| f.action.clone(), |f, v| f.action = v)}
                    {field(t::TARGET, "audit-target", "search", |f| f.target.clone(), |f, v| f.target = v)}
                    {field(t::FROM_DAY, "audit-from", "date", |f| f.from.clone(), |f, v| f.from = v)}
                    {field(t::TO_DAY, "audit-to", "date", |f| f.to.clone(), |f, v| f.to = v)}
                    button { class: "btn btn-secondary", r#type: "submit", "data-testid": "audit-apply", "{i18n.t(t::APPLY_FILTERS)}" }
                    a { class: "btn btn-ghost", href: "{applied.read().export_url()}", download: "audit-log.csv",
                        "data-testid": "audit-export", "{i18n.t(t::EXPORT_CSV_FILE)}" }
                }
                p { class: "muted small", "{i18n.t(t::ACTION_HINT)}" }
                LoadingPage { AuditTable { filter: applied() } }
            }
        }
    }
}

#[component]
fn AuditTable(filter: AuditFilter) -> Element {
    let i18n = use_i18n();
    // The pages walked so far: `None` is the newest; each next page starts before the last id.
    let mut before = use_signal(|| None::<i64>);
    let mut open = use_signal(|| None::<i64>);
    use_effect(use_reactive!(|filter| {
        let _ = filter;
        before.set(None);
    }));
    let page = use_resource(use_reactive!(|filter| async move { api::audit_page(&filter, before()).await }));
    let page = page.suspend()?.cloned()?;
    rsx! {
        div { class: "table-wrap",
            table { class: "data-table compact", "data-testid": "audit-table",
                thead {
                    tr {
                        th { scope: "col", "#" }
                        th { scope: "col", "{i18n.t(t::WHEN)}" }
                        th { scope: "col", "{i18n.t(t::ACTOR)}" }
                        th { scope: "col", "{i18n.t(t::ACTION)}" }
                        th { scope: "col", "{i18n.t(t::TARGET)}" }
                        th { scope: "col", "{i18n.t(t::DETAILS)}" }
                    }
                }
                tbody {
                    if page.items.is_empty() {
                        tr { td { class: "empty", colspan: "6", "{i18n.t(t::NO_AUDIT_ENTRY)}" } }
                    }
                    for e in page.items {
                        tr { key: "{e.id}", "data-action": "{e.action}",
                            td { class: "num small", "{e.id}" }
                            td { class: "small", {e.at.format("%Y-%m-%d %H:%M:%S").to_string()} }
                            td { "{e.actor}" }
                            td { code { "{e.action}" } }
                            td { {e.target.clone().unwrap_or_else(|| "—".to_owned())} }
                            td {
                                button { class: "btn btn-ghost btn-small", r#type: "button",
                                    aria_expanded: "{open() == Some(e.id)}",
                                    onclick: move |_| open.set(if open() == Some(e.id) { None } else { Some(e.id) }),
                                    "{i18n.t(t::DETAILS)}"
                                }
                                if open() == Some(e.id) {
                                    pre { class: "audit-details small", "data-testid": "audit-details",
                                        {serde_json::to_string_pretty(&e.details).unwrap_or_default()}
                                        "\nprev {e.prev_hash}\nhash {e.hash}"
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        div { class: "pager",
            if before().is_some() {
                button { class: "btn btn-ghost btn-small", r#type: "button", onclick: move |_| before.set(None),
                    "{i18n.t(t::NEWEST)}" }
            }
            if let Some(next) = page.next_before {
                button { class: "btn btn-ghost btn-small", r#type: "button", "data-testid": "audit-older",
                    onclick: move |_| before.set(Some(next)), "{i18n.t(t::OLDER)}" }
            }
        }
    }
}

/// Selects the text of the focused input (the secret shown once), so it can be copied at once.
/// Through the DOM API, not an evaluated script: the page's Content-Security-Policy allows none.
fn select_focused_input() {
    use wasm_bindgen::JsCast;
    if let Some(input) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        input.select();
    }
}
