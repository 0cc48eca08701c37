//! Units (with their hierarchy path), users and role assignments.

use crate::DbResult;
use sqlx::{PgExecutor, Row};
use uuid::Uuid;

/// A unit row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Unit {
    pub unit_id: Uuid,
    pub institutional_id: String,
    pub name: String,
    pub parent_id: Option<Uuid>,
    pub path: String,
}

/// A role grant of a user, with the scope unit's institutional id and path.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Grant {
    pub role: String,
    pub unit_id: Option<Uuid>,
    pub unit_institutional_id: Option<String>,
    pub unit_path: Option<String>,
}

/// A user row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub app_user_id: Uuid,
    pub institutional_id: String,
    pub display_name: String,
    pub email: Option<String>,
    /// Where the person's reads must start (their last change; [`note_read_position`]), when
    /// loaded by [`user_by_id`].
    #[sqlx(default)]
    pub read_after: Option<String>,
}

/// Finds a unit by institutional id.
pub async fn unit_by_institutional_id(db: impl PgExecutor<'_>, id: &str) -> DbResult<Option<Unit>> {
    Ok(crate::sql::query_as::<Unit>(
        "-- language=PostgreSQL
         select unit_id, institutional_id, name, parent_id, path from unit where institutional_id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?)
}

/// Finds a unit by id.
pub async fn unit_by_id(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<Unit> {
    Ok(crate::sql::query_as::<Unit>(
        "select unit_id, institutional_id, name, parent_id, path from unit where unit_id = $1",
    )
    .bind(id)
    .fetch_one(db)
    .await?)
}

/// Creates a unit under `parent` (or at the root) and returns it.
pub async fn create_unit(
    db: &mut sqlx::PgConnection,
    institutional_id: &str,
    name: &str,
    parent: Option<&Unit>,
    principal_user_institutional_id: Option<&str>,
) -> DbResult<Unit> {
    let path = format!("{}{}/", parent.map_or("/", |p| p.path.as_str()), institutional_id);
    let level = path.matches('/').count() as i16 - 2;
    Ok(crate::sql::query_as::<Unit>(
        "insert into unit (institutional_id, name, parent_id, level, path, principal_user_institutional_id)
         values ($1, $2, $3, $4, $5, $6)
         returning unit_id, institutional_id, name, parent_id, path",
    )
    .bind(institutional_id)
    .bind(name)
    .bind(parent.map(|p| p.unit_id))
    .bind(level)
    .bind(path)
    .bind(principal_user_institutional_id)
    .fetch_one(&mut *db)
    .await?)
}

/// All units, ordered by path (for admins and subtree filtering by the caller).
pub async fn all_units(db: impl PgExecutor<'_>) -> DbResult<Vec<Unit>> {
    Ok(crate::sql::query_as::<Unit>("select unit_id, institutional_id, name, parent_id, path from unit order by path")
        .fetch_all(db)
        .await?)
}

/// Institutional id of a unit's parent.
pub async fn parent_institutional_id(db: impl PgExecutor<'_>, unit_id: Uuid) -> DbResult<Option<String>> {
    let row = crate::sql::query(
        "select p.institutional_id from unit u join unit p on p.unit_id = u.parent_id where u.unit_id = $1",
    )
    .bind(unit_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| r.get(0)))
}

/// Creates or updates a user by institutional id.
pub async fn upsert_user(
    db: impl PgExecutor<'_>,
    institutional_id: &str,
    display_name: &str,
    email: Option<&str>,
) -> DbResult<User> {
    Ok(crate::sql::query_as::<User>(
        "insert into app_user (institutional_id, display_name, email) values ($1, $2, $3)
         on conflict (institutional_id) do update set display_name = excluded.display_name, email = excluded.email
         returning app_user_id, institutional_id, display_name, email",
    )
    .bind(institutional_id)
    .bind(display_name)
    .bind(email)
    .fetch_one(db)
    .await?)
}

/// Finds a user by id.
pub async fn user_by_id(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<Option<User>> {
    Ok(crate::sql::query_as::<User>(
        "select u.app_user_id, u.institutional_id, u.display_name, u.email, p.lsn::text as read_after
         from app_user u left join user_read_position p using (app_user_id) where u.app_user_id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?)
}

/// Records that `user`'s next reads must see everything committed so far: called after their
/// change commits (or a job of theirs ends), on the primary. Never moves a position back.
pub async fn note_read_position(db: impl PgExecutor<'_>, user: Uuid) -> DbResult<()> {
    crate::sql::query(
        "insert into user_read_position (app_user_id, lsn) values ($1, pg_current_wal_insert_lsn())
         on conflict (app_user_id) do update set lsn = greatest(user_read_position.lsn, excluded.lsn)",
    )
    .bind(user)
    .execute(db)
    .await?;
    Ok(())
}

/// Grants a role (idempotent).
pub async fn grant_role(db: impl PgExecutor<'_>, user: Uuid, role: &str, unit: Option<Uuid>) -> DbResult<()> {
    crate::sql::query(
        "insert into role_assignment (app_user_id, role, unit_id) values ($1, $2, $3)
         on conflict on constraint role_assignment_unique do nothing",
    )
    .bind(user)
    .bind(role)
    .bind(unit)
    .execute(db)
    .await?;
    Ok(())
}

/// The grants of a user, read fresh on every request so a revoked role takes effect at once.
pub async fn grants_of(db: impl PgExecutor<'_>, user: Uuid) -> DbResult<Vec<Grant>> {
    Ok(crate::sql::query_as::<Grant>(
        "select r.role, r.unit_id, u.institutional_id as unit_institutional_id, u.path as unit_path
         from role_assignment r left join unit u on u.unit_id = r.unit_id
         where r.app_user_id = $1 order by r.role, u.path",
    )
    .bind(user)
    .fetch_all(db)
    .await?)
}

/// Who is asking: a session (its id) or an API token (whose liveness the caller checked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    Session(Uuid),
    ApiToken,
}

/// A person and their grants in one round trip: what every authenticated request loads. `None`
/// when the person is gone or the session ended or expired. A grant of the identity provider
/// counts while the provider named it within `idp_grant_max_age` (at a sign-in).
pub async fn person_with_grants(
    db: impl PgExecutor<'_>,
    user: Uuid,
    credential: Credential,
    idp_grant_max_age: std::time::Duration,
) -> DbResult<Option<(User, Vec<Grant>)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: User,
        grants: sqlx::types::Json<Vec<GrantJson>>,
    }
    #[derive(serde::Deserialize)]
    struct GrantJson {
        role: String,
        unit_id: Option<Uuid>,
        unit_institutional_id: Option<String>,
        unit_path: Option<String>,
    }
    let row = crate::sql::query_as::<Row>(
        "select a.app_user_id, a.institutional_id, a.display_name, a.email, p.lsn::text as read_after,
                coalesce((select json_agg(json_build_object('role', r.role, 'unit_id', r.unit_id,
                                  'unit_institutional_id', u.institutional_id, 'unit_path', u.path)
                                  order by r.role, u.path)
                          from role_assignment r left join unit u on u.unit_id = r.unit_id
                          where r.app_user_id = a.app_user_id
                            and (not r.from_idp or r.confirmed_at > now() - make_interval(secs => $3))),
                         '[]') as grants
         from app_user a left join user_read_position p using (app_user_id)
         where a.app_user_id = $1
           and ($2::uuid is null or exists (select 1 from app_session s
                where s.session_id = $2 and s.app_user_id = a.app_user_id
                  and s.ended_at is null and s.expires_at > now()))",
    )
    .bind(user)
    .bind(match credential {
        Credential::Session(id) => Some(id),
        Credential::ApiToken => None,
    })
    .bind(idp_grant_max_age.as_secs_f64())
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        let grants = r
            .grants
            .0
            .into_iter()
            .map(|g| Grant {
                role: g.role,
                unit_id: g.unit_id,
                unit_institutional_id: g.unit_institutional_id,
                unit_path: g.unit_path,
            })
            .collect();
        (r.user, grants)
    }))
}

/// Renames a unit and moves it (with its whole subtree) under `parent`; paths are rewritten in
/// one statement so subtree checks stay consistent.
pub async fn update_unit(
    db: &mut sqlx::PgConnection,
    unit: &Unit,
    name: &str,
    parent: Option<&Unit>,
    principal_user_institutional_id: Option<&str>,
) -> DbResult<()> {
    let new_path = format!("{}{}/", parent.map_or("/", |p| p.path.as_str()), unit.institutional_id);
    if parent.is_some_and(|p| p.path.starts_with(&unit.path)) {
        return Err(crate::DbError::Constraint { constraint: "unit_parent_cycle".into() });
    }
    crate::sql::query(
        "update unit set name = $2, parent_id = $3, principal_user_institutional_id = coalesce($4, principal_user_institutional_id)
         where unit_id = $1",
    )
    .bind(unit.unit_id)
    .bind(name)
    .bind(parent.map(|p| p.unit_id))
    .bind(principal_user_institutional_id)
    .execute(&mut *db)
    .await?;
    if new_path != unit.path {
        crate::sql::query(
            "update unit set path = $2 || substr(path, length($1) + 1),
                             level = (length($2 || substr(path, length($1) + 1)) - length(replace($2 || substr(path, length($1) + 1), '/', ''))) - 2
             where starts_with(path, $1)",
        )
        .bind(&unit.path)
        .bind(&new_path)
        .execute(&mut *db)
        .await?;
    }
    Ok(())
}

/// A role assignment with its user and scope unit, for the roles page and a unit's members.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Assignment {
    pub role_assignment_id: Uuid,
    pub user_institutional_id: String,
    pub display_name: String,
    pub email: Option<String>,
    pub role: String,
    pub unit_institutional_id: Option<String>,
    pub unit_name: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Named by the identity provider's claims (kept in step with them at each sign-in).
    pub from_idp: bool,
}

const ASSIGNMENT_SELECT: &str = "select r.role_assignment_id, a.institutional_id as user_institutional_id,
        a.display_name, a.email, r.role, u.institutional_id as unit_institutional_id, u.name as unit_name, r.created_at,
        r.from_idp
     from role_assignment r join app_user a on a.app_user_id = r.app_user_id
     left join unit u on u.unit_id = r.unit_id";

/// Filters of [`assignments`]; `None` matches all.
#[derive(Debug, Default)]
pub struct AssignmentFilter<'a> {
    pub role: Option<&'a str>,
    pub unit: Option<Uuid>,
    /// Case-insensitive substring of the user's id or name.
    pub user: Option<&'a str>,
    /// Only grants scoped to a unit (no global grant).
    pub units_only: bool,
    /// Only grants scoped to a unit within one of these subtrees (institutional ids of roots).
    pub within: Option<&'a [String]>,
}

/// Role assignments, by unit path then user.
pub async fn assignments(db: impl PgExecutor<'_>, f: &AssignmentFilter<'_>, limit: i64) -> DbResult<Vec<Assignment>> {
    Ok(crate::sql::query_as::<Assignment>(sqlx::AssertSqlSafe(format!(
        "{ASSIGNMENT_SELECT}
         where ($1::text is null or r.role = $1)
           and ($2::uuid is null or r.unit_id = $2)
           and ($3::text is null or a.institutional_id ilike '%' || $3 || '%' or a.display_name ilike '%' || $3 || '%')
           and (not $5 or r.unit_id is not null)
           and ($6::text[] is null or exists (select 1 from unnest($6::text[]) as root
                                              where strpos(u.path, '/' || root || '/') > 0))
         order by u.path nulls first, r.role, a.display_name, a.institutional_id
         limit $4"
    )))
    .bind(f.role)
    .bind(f.unit)
    .bind(f.user.map(crate::like_literal))
    .bind(limit)
    .bind(f.units_only)
    .bind(f.within)
    .fetch_all(db)
    .await?)
}

/// One assignment by id.
pub async fn assignment(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<Option<Assignment>> {
    Ok(crate::sql::query_as::<Assignment>(sqlx::AssertSqlSafe(format!(
        "{ASSIGNMENT_SELECT} where r.role_assignment_id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await?)
}

/// Finds the id of the assignment (user, role, scope) if it exists.
pub async fn assignment_id(
    db: impl PgExecutor<'_>,
    user: Uuid,
    role: &str,
    unit: Option<Uuid>,
) -> DbResult<Option<Uuid>> {
    Ok(crate::sql::query_scalar(
        "select role_assignment_id from role_assignment
         where app_user_id = $1 and role = $2 and unit_id is not distinct from $3",
    )
    .bind(user)
    .bind(role)
    .bind(unit)
    .fetch_optional(db)
    .await?)
}

/// Removes an assignment; `false` when there was none.
pub async fn revoke_assignment(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<bool> {
    Ok(crate::sql::query("delete from role_assignment where role_assignment_id = $1")
        .bind(id)
        .execute(db)
        .await?
        .rows_affected()
        == 1)
}

/// How many global admin grants exist (the last one may not be removed).
pub async fn admin_count(db: impl PgExecutor<'_>) -> DbResult<i64> {
    Ok(crate::sql::query_scalar("select count(*) from role_assignment where role = 'admin' and unit_id is null")
        .fetch_one(db)
        .await?)
}

/// Finds a user by institutional id.
pub async fn user_by_institutional_id(db: impl PgExecutor<'_>, id: &str) -> DbResult<Option<User>> {
    Ok(crate::sql::query_as::<User>(
        "select app_user_id, institutional_id, display_name, email from app_user where institutional_id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?)
}

/// Makes the grants the identity provider names for `user` exactly `grants` (role, scope unit):
/// adds the new ones, removes those it named before and names no more, and notes that it named
/// them now. A grant assigned here (not from the provider) is never removed, and one the provider
/// also names stays assigned here.
pub async fn sync_idp_grants(db: &mut sqlx::PgConnection, user: Uuid, grants: &[(&str, Option<Uuid>)]) -> DbResult<()> {
    let roles: Vec<&str> = grants.iter().map(|g| g.0).collect();
    let units: Vec<Option<Uuid>> = grants.iter().map(|g| g.1).collect();
    crate::sql::query(
        "delete from role_assignment r where r.app_user_id = $1 and r.from_idp
           and not exists (select 1 from unnest($2::text[], $3::uuid[]) as g(role, unit_id)
                           where g.role = r.role and g.unit_id is not distinct from r.unit_id)",
    )
    .bind(user)
    .bind(&roles)
    .bind(&units)
    .execute(&mut *db)
    .await?;
    crate::sql::query(
        "insert into role_assignment (app_user_id, role, unit_id, from_idp)
         select $1, g.role, g.unit_id, true from unnest($2::text[], $3::uuid[]) as g(role, unit_id)
         on conflict on constraint role_assignment_unique do update set confirmed_at = now()",
    )
    .bind(user)
    .bind(&roles)
    .bind(&units)
    .execute(&mut *db)
    .await?;
    Ok(())
}
