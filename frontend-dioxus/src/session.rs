//! Session state shared by the whole app, provided once at the root and read through
//! [`use_session`]. It holds who is signed in and which unit × year is being worked on; it never
//! decides access (the server does), it only hides what the person cannot use.

use co2_api_types::SessionInfo;
use dioxus::prelude::*;

use crate::api;
use crate::model::Permissions;

/// What is known about the sign-in.
#[derive(Debug, Clone)]
pub enum SessionState {
    /// `GET /api/v1/session` has not answered yet.
    Checking,
    /// Nobody is signed in (401), or the person signed out.
    SignedOut,
    /// The server's view of the signed-in person.
    SignedIn(SessionInfo),
}

/// The unit × year being worked on, remembered across the areas of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    /// Unit institutional id.
    pub unit: String,
    /// Report year; `None` when the unit has no report year yet.
    pub year: Option<i32>,
}

/// Handle on the session context: cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct Session {
    /// Sign-in state.
    pub state: Signal<SessionState>,
    /// Current unit × year, once chosen.
    pub workspace: Signal<Option<Workspace>>,
}

impl Session {
    /// Whether the server has not answered yet.
    pub fn is_checking(&self) -> bool {
        matches!(*self.state.peek(), SessionState::Checking)
    }

    /// The signed-in person's session, if any.
    pub fn info(&self) -> Option<SessionInfo> {
        match &*self.state.read() {
            SessionState::SignedIn(info) => Some(info.clone()),
            _ => None,
        }
    }

    /// Runs `f` on the person's permissions (none when signed out).
    pub fn with_permissions<R>(&self, f: impl FnOnce(Permissions<'_>) -> R) -> R {
        match &*self.state.read() {
            SessionState::SignedIn(info) => f(Permissions(&info.permissions)),
            _ => f(Permissions(&[])),
        }
    }

    /// Asks the server who is signed in and stores the answer. A 401 (or any failure to get a
    /// session) counts as signed out: the sign-in page then explains what happened.
    pub async fn refresh(mut self) -> Result<(), api::ApiError> {
        match api::current_session().await {
            Ok(info) => {
                self.state.set(SessionState::SignedIn(info));
                Ok(())
            }
            Err(err) => {
                self.state.set(SessionState::SignedOut);
                if err.is_unauthorized() { Ok(()) } else { Err(err) }
            }
        }
    }

    /// Forgets the sign-in locally (after logout, or when the server says the session ended).
    pub fn clear(mut self) {
        self.state.set(SessionState::SignedOut);
        self.workspace.set(None);
    }
}

/// Creates the session context; call once, in the root component.
pub fn use_session_provider() -> Session {
    use_context_provider(|| Session { state: Signal::new(SessionState::Checking), workspace: Signal::new(None) })
}

/// The session context.
///
/// # Panics
/// When no ancestor called [`use_session_provider`] (it is provided by `App` in `main.rs`).
pub fn use_session() -> Session {
    try_use_context::<Session>()
        .expect("use_session(): no Session in context — App (main.rs) must call use_session_provider()")
}
