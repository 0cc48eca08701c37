//! Read-your-writes across the primary and its replica (ADR 0012). After a person's change
//! commits, the primary's position is recorded for them (`user_read_position`); every request
//! of theirs starts from it: the [`crate::auth::Caller`] extractor, which loads the person from the
//! primary anyway, raises the request's requirement, and reads on the replica happen only once
//! it has replayed that far ([`co2_db::db::consistency`]) — else on the primary. It holds for
//! the browser, for scripts with API tokens and across pods, with nothing for the client to
//! carry. A job's end is recorded for the person who started it (the step that ends it).

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use co2_db::Db;
use co2_db::db::consistency;
use std::cell::Cell;
use uuid::Uuid;

tokio::task_local! {
    /// The authenticated person of the current request (set by the `Caller` extractor).
    static PERSON: Cell<Option<Uuid>>;
}

/// Called by the `Caller` extractor: the request is this person's, whose reads start at `at`.
pub(crate) fn person_is(user: Uuid, at: Option<&str>) {
    let _ = PERSON.try_with(|p| p.set(Some(user)));
    consistency::raise(at.and_then(co2_db::db::Lsn::parse));
}

/// Middleware: serves the request in a consistency scope; after a successful change by a known
/// person, records their read position on `db` (the function's primary).
pub async fn middleware(db: Option<Db>, req: Request, next: Next) -> Response {
    let changed = !req.method().is_safe();
    PERSON
        .scope(Cell::new(None), async move {
            let res = consistency::scope(None, changed, next.run(req)).await;
            let person = PERSON.with(Cell::get);
            if let (true, Some(db), Some(user)) = (changed && res.status().is_success(), db, person)
                && let Err(e) = co2_db::org::note_read_position(&db, user).await
            {
                // The change stands; the person's next reads are bounded by the replica's
                // staleness limit instead.
                tracing::warn!(error.message = %e, "consistency.position_not_recorded");
            }
            res
        })
        .await
}
