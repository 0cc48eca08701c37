//! The embedded default's storage: its own directory with nothing else in it, links that reach
//! only the key layout, and upload links that create their file once.

use crate::support::{Stack, demo_equipment};
use co2_platform::blob::{BlobStore, LocalBlob};
use co2_testkit::call;
use http::{Method, StatusCode};
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_signed_link_reaches_only_the_key_layout(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    // Whatever else sits under the store's directory, a valid signature does not open it.
    std::fs::create_dir_all(s.local.root().join("secrets")).unwrap();
    std::fs::write(s.local.root().join("secrets/session.key"), "PRIVATE").unwrap();
    let expires = chrono::Utc::now().timestamp() + 60;
    for key in ["secrets/session.key", "uploads/../secrets/session.key", "pg/PG_VERSION"] {
        let signature = s.local.sign("GET", key, expires);
        let uri = format!("/blob/{key}?expires={expires}&signature={signature}");
        let res = co2_testkit::get_link(&s.app, &uri).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{key}: {}", String::from_utf8_lossy(&res.body));
        assert_eq!(res.json()["error"]["code"], "invalid_key", "{key}");
    }
    assert!(matches!(s.local.get("secrets/session.key").await, Err(co2_platform::blob::BlobError::InvalidKey(_))));
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn an_upload_link_creates_its_file_once(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    let res = call(
        &s.app,
        Method::POST,
        "/api/v1/uploads",
        Some(&principal),
        Some(json!({"unit": "9001", "year": 2025, "module": "equipment", "filename": "e.csv", "mode": "append"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let upload = res.json();
    let url = upload["put_url"].as_str().unwrap();
    assert_eq!(co2_testkit::put_link(&s.app, url, demo_equipment()).await.status, StatusCode::OK);
    s.drain().await;
    let before = s.snapshot().await;

    let replay = co2_testkit::put_link(&s.app, url, b"unit_institutional_id\n9001\n".to_vec()).await;
    assert_eq!(replay.status, StatusCode::CONFLICT, "{}", String::from_utf8_lossy(&replay.body));
    assert_eq!(replay.json()["error"]["code"], "object_exists");
    s.drain().await;
    let key: String = sqlx::query_scalar("select object_key from upload").fetch_one(&s.pool).await.unwrap();
    assert_eq!(s.local.get(&key).await.unwrap().to_vec(), demo_equipment(), "the processed file stays");
    assert_eq!(s.snapshot().await, before, "nothing changed");
}

#[tokio::test]
async fn a_listing_stays_within_its_prefix() {
    let dir = co2_testkit::TempDir::new();
    let store = LocalBlob::new(dir.0.clone(), b"secret", "http://test.invalid");
    std::fs::create_dir_all(dir.0.join("dropbox/9001/2025")).unwrap();
    std::fs::write(dir.0.join("dropbox/9001/2025/equipment.csv"), "x").unwrap();
    std::fs::create_dir_all(dir.0.join("reports/j1")).unwrap();
    std::fs::write(dir.0.join("reports/j1/errors.csv"), "x").unwrap();
    let listed = store.list("dropbox/").await.unwrap();
    assert_eq!(listed, ["dropbox/9001/2025/equipment.csv"]);
    assert_eq!(store.list("reports/j1/").await.unwrap(), ["reports/j1/errors.csv"]);
    assert!(store.list("../").await.is_err());
}

#[test]
fn the_embedded_defaults_storage_holds_neither_secrets_nor_the_database() {
    let state = co2_testkit::TempDir::new();
    let script = co2_e2e::data_dir().join("../scripts/dev-env.sh");
    let out = std::process::Command::new("bash")
        .arg(&script)
        .arg(&state.0)
        .arg("unused")
        .env("DATABASE_URL", "postgres://unused")
        .output()
        .expect("dev-env.sh runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let env = String::from_utf8(out.stdout).unwrap();
    let storage = env
        .lines()
        .find_map(|l| l.split("LOCAL_BLOB_DIR='").nth(1))
        .and_then(|rest| rest.split('\'').next())
        .expect("LOCAL_BLOB_DIR is set");
    let storage = std::path::Path::new(storage);
    let secrets = state.0.join("secrets");
    assert!(secrets.join("session.key").exists(), "the secrets are generated");
    assert!(!secrets.starts_with(storage), "secrets under the storage root {storage:?}");
    assert!(!state.0.join("pg").starts_with(storage), "the database under the storage root");
    assert!(storage.starts_with(&state.0) && storage != state.0, "storage is a directory of its own: {storage:?}");
}
