use co2_db::org;
use sqlx::PgPool;

async fn grants(pool: &PgPool, user: uuid::Uuid) -> Vec<(String, Option<String>, bool)> {
    sqlx::query_as(
        "select r.role, u.institutional_id, r.from_idp from role_assignment r left join unit u using (unit_id)
         where r.app_user_id = $1 order by r.role, u.institutional_id",
    )
    .bind(user)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_identity_providers_grants_follow_its_claims_and_leave_assigned_ones_alone(pool: PgPool) {
    let mut conn = pool.acquire().await.unwrap();
    let lab = org::create_unit(&mut conn, "9001", "Lab", None, None).await.unwrap();
    let user = org::upsert_user(&pool, "ada", "Ada", None).await.unwrap();
    // Assigned here: the lab's principal.
    org::grant_role(&pool, user.app_user_id, "principal", Some(lab.unit_id)).await.unwrap();

    org::sync_idp_grants(&mut conn, user.app_user_id, &[("principal", Some(lab.unit_id)), ("admin", None)])
        .await
        .unwrap();
    assert_eq!(
        grants(&pool, user.app_user_id).await,
        [("admin".to_owned(), None, true), ("principal".to_owned(), Some("9001".to_owned()), false)],
        "the provider's admin is added; the principal grant stays assigned here"
    );
    // The provider stops naming the admin role, then everything.
    org::sync_idp_grants(&mut conn, user.app_user_id, &[("standard", Some(lab.unit_id))]).await.unwrap();
    assert_eq!(
        grants(&pool, user.app_user_id).await,
        [
            ("principal".to_owned(), Some("9001".to_owned()), false),
            ("standard".to_owned(), Some("9001".to_owned()), true)
        ]
    );
    org::sync_idp_grants(&mut conn, user.app_user_id, &[]).await.unwrap();
    assert_eq!(grants(&pool, user.app_user_id).await, [("principal".to_owned(), Some("9001".to_owned()), false)]);
}
