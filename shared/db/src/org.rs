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
}

/// Finds a unit by institutional id.
pub async fn unit_by_institutional_id(db: impl PgExecutor<'_>, id: &str) -> DbResult<Option<Unit>> {
    Ok(sqlx::query_as::<_, Unit>(
        "-- language=PostgreSQL
         select unit_id, institutional_id, name, parent_id, path from unit where institutional_id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?)
}

/// Finds a unit by id.
pub async fn unit_by_id(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<Unit> {
    Ok(sqlx::query_as::<_, Unit>(
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
    Ok(sqlx::query_as::<_, Unit>(
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
    Ok(sqlx::query_as::<_, Unit>("select unit_id, institutional_id, name, parent_id, path from unit order by path")
        .fetch_all(db)
        .await?)
}

/// Institutional id of a unit's parent.
pub async fn parent_institutional_id(db: impl PgExecutor<'_>, unit_id: Uuid) -> DbResult<Option<String>> {
    let row = sqlx::query(
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
    Ok(sqlx::query_as::<_, User>(
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
    Ok(sqlx::query_as::<_, User>(
        "select app_user_id, institutional_id, display_name, email from app_user where app_user_id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?)
}

/// Grants a role (idempotent).
pub async fn grant_role(db: impl PgExecutor<'_>, user: Uuid, role: &str, unit: Option<Uuid>) -> DbResult<()> {
    sqlx::query(
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
    Ok(sqlx::query_as::<_, Grant>(
        "select r.role, r.unit_id, u.institutional_id as unit_institutional_id, u.path as unit_path
         from role_assignment r left join unit u on u.unit_id = r.unit_id
         where r.app_user_id = $1 order by r.role, u.path",
    )
    .bind(user)
    .fetch_all(db)
    .await?)
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
    sqlx::query(
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
        sqlx::query(
            "update unit set path = $2 || substr(path, length($1) + 1),
                             level = (length($2 || substr(path, length($1) + 1)) - length(replace($2 || substr(path, length($1) + 1), '/', ''))) - 2
             where path like $1 || '%'",
        )
        .bind(&unit.path)
        .bind(&new_path)
        .execute(&mut *db)
        .await?;
    }
    Ok(())
}
