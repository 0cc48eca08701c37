//! Every module through the real pipeline: each demo file of `data/demo/` uploaded for unit
//! 9001/2025 (POST /api/v1/uploads + PUT + drain) gives exactly the 583 rows of
//! `expected_emissions_2025.csv` and the module totals of `expected_summary_2025.csv`; the
//! headcount duplicate rule (DOMAIN §9 D7) and the own-rows rule of members (§7, D10).

use crate::support::Stack;
use co2_testkit::call;
use http::Method;
use serde_json::{Value, json};
use sqlx::PgPool;
use std::collections::BTreeMap;

/// Each demo file and the module page it is uploaded to.
pub(crate) const DEMO_FILES: [(&str, &str); 14] = [
    ("headcount_members.csv", "headcount"),
    ("headcount_students.csv", "headcount"),
    ("travel_planes.csv", "professional_travel"),
    ("travel_trains.csv", "professional_travel"),
    ("building_rooms.csv", "buildings"),
    ("building_energycombustions.csv", "buildings"),
    ("equipments.csv", "equipment"),
    ("purchases_common.csv", "purchase"),
    ("purchases_additional.csv", "purchase"),
    ("researchfacilities_common.csv", "research_facilities"),
    ("researchfacilities_animals.csv", "research_facilities"),
    ("external_clouds.csv", "external_cloud_and_ai"),
    ("external_ai.csv", "external_cloud_and_ai"),
    ("processemissions.csv", "process_emissions"),
];

/// A computed or expected row: (DET, leaf, scope, kg, quantity).
type Row = (i16, String, i16, f64, Option<f64>);

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 5e-5 || (a - b).abs() <= 1e-6 * a.abs().max(b.abs())
}

fn same(got: &Row, want: &Row) -> bool {
    got.0 == want.0
        && got.1 == want.1
        && got.2 == want.2
        && close(got.3, want.3)
        && match (got.4, want.4) {
            (Some(a), Some(b)) => close(a, b),
            (None, None) => true,
            _ => false,
        }
}

pub(crate) fn demo(file: &str) -> Vec<u8> {
    std::fs::read(co2_e2e::data_dir().join("demo").join(file)).unwrap()
}

/// Uploads `bytes` to a module page of unit 9001/2025 (append) and returns the job id.
pub(crate) async fn upload(s: &Stack, token: &str, module: &str, filename: &str, bytes: Vec<u8>) -> String {
    let res = call(
        &s.app,
        Method::POST,
        "/api/v1/uploads",
        Some(token),
        Some(json!({"unit": "9001", "year": 2025, "module": module, "filename": filename, "mode": "append"})),
    )
    .await;
    assert_eq!(res.status, 201, "upload of {filename}: {}", String::from_utf8_lossy(&res.body));
    let body = res.json();
    let put = co2_testkit::put_link(&s.app, body["put_url"].as_str().unwrap(), bytes).await;
    assert_eq!(put.status, 200, "PUT {filename}");
    body["job_id"].as_str().unwrap().to_owned()
}

/// The oracle rows keyed by (file, physical line).
fn oracle() -> BTreeMap<(String, u64), Vec<Row>> {
    let mut rdr = csv::Reader::from_path(co2_e2e::data_dir().join("demo/expected_emissions_2025.csv")).unwrap();
    let mut out: BTreeMap<(String, u64), Vec<Row>> = BTreeMap::new();
    for rec in rdr.deserialize::<BTreeMap<String, String>>() {
        let r = rec.unwrap();
        out.entry((r["file"].clone(), r["csv_line"].parse().unwrap())).or_default().push((
            r["data_entry_type_id"].parse().unwrap(),
            r["emission_type"].clone(),
            r["scope"].parse().unwrap(),
            r["kg_co2eq"].parse().unwrap(),
            r["quantity"].parse().ok(),
        ));
    }
    out
}

/// A stored row with its origin: (file, source line, DET, leaf, scope, kg, quantity).
type StoredRow = (String, i64, i16, String, i16, f64, Option<f64>);

/// The stored rows of unit 9001's published entries keyed by (uploaded file, source line).
async fn stored(pool: &PgPool) -> BTreeMap<(String, u64), Vec<Row>> {
    let rows: Vec<StoredRow> = sqlx::query_as(
        "select u.filename, d.source_row, d.data_entry_type, e.emission_type, e.scope, e.kg_co2eq, e.quantity
         from emission e join published_entry d on d.data_entry_id = e.data_entry_id
         join upload u on u.upload_id = d.upload_id
         order by e.emission_id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut out: BTreeMap<(String, u64), Vec<Row>> = BTreeMap::new();
    for (file, line, det, leaf, scope, kg, q) in rows {
        out.entry((file, line as u64)).or_default().push((det, leaf, scope, kg, q));
    }
    out
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn every_demo_file_through_the_pipeline_gives_the_583_oracle_rows_and_the_summary(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    for (file, module) in &DEMO_FILES {
        let job = upload(&s, &token, module, file, demo(file)).await;
        s.drain().await;
        let job = s.job(&token, &job).await;
        assert_eq!(job["state"], "succeeded", "{file}: {job}");
        assert_eq!(job["rows_failed"], 0, "{file}: {job}");
    }

    let want = oracle();
    let mut got = stored(&s.pool).await;
    let mut compared = 0;
    for (key, rows) in &want {
        let mut left = got.remove(key).unwrap_or_default();
        for w in rows {
            let i = left.iter().position(|g| same(g, w)).unwrap_or_else(|| panic!("{key:?}: {w:?} not in {left:?}"));
            left.remove(i);
            compared += 1;
        }
        assert!(left.is_empty(), "{key:?}: extra rows {left:?}");
    }
    assert!(got.is_empty(), "rows of lines the oracle has none for: {got:?}");
    assert_eq!(compared, 583, "every oracle row compared");

    // IT focus by class (DOMAIN §6.3): the oracle's IT purchase rows are lines 6–9 of
    // purchases_common.csv, UNSPSC 43211500, 43211600, 43211900 and 43230000.
    let res = call(&s.app, Method::GET, "/api/v1/results/units/9001/years/2025?basis=all", Some(&token), None).await;
    assert_eq!(res.status, 200);
    let purchases = &res.json()["it_focus"]["purchase_classes"];
    let top: Vec<(String, f64)> = purchases["top"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["class"].as_str().unwrap().to_owned(), c["kg"].as_f64().unwrap()))
        .collect();
    let kg_of = |line: u64| want[&("purchases_common.csv".to_owned(), line)][0].3;
    let expected = [("43211500", kg_of(6)), ("43211900", kg_of(8)), ("43230000", kg_of(9))];
    assert_eq!(top.len(), 3, "{purchases}");
    for ((class, kg), (want_class, want_kg)) in top.iter().zip(expected) {
        assert_eq!(class, want_class);
        assert!(close(*kg, want_kg), "{class}: {kg} vs {want_kg}");
    }
    assert!(close(purchases["rest_kg"].as_f64().unwrap(), kg_of(7)), "the cable (43211600) is the rest");
    assert_eq!(purchases["rest_classes"], 1);

    let mut rdr = csv::Reader::from_path(co2_e2e::data_dir().join("demo/expected_summary_2025.csv")).unwrap();
    for rec in rdr.deserialize::<BTreeMap<String, String>>() {
        let r = rec.unwrap();
        if r["module"] == "TOTAL" {
            continue;
        }
        let (s1, s2, s3, headline, additional): (f64, f64, f64, f64, f64) = sqlx::query_as(
            "select m.scope1_kg, m.scope2_kg, m.scope3_kg, m.headline_kg, m.additional_kg
             from report_module m join report r on r.report_id = m.report_id join unit u on u.unit_id = r.unit_id
             where u.institutional_id = '9001' and r.report_year_id = 2025 and m.module = $1",
        )
        .bind(&r["module"])
        .fetch_one(&s.pool)
        .await
        .unwrap();
        let num = |k: &str| r[k].parse::<f64>().unwrap();
        for (got, col) in [
            (s1, "scope1_kg"),
            (s2, "scope2_kg"),
            (s3, "scope3_kg"),
            (headline, "headline_kg"),
            (additional, "additional_categories_kg"),
        ] {
            assert!((got - num(col)).abs() <= 0.01, "{} {col}: {got} vs {}", r["module"], num(col));
        }
    }
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_repeated_sciper_is_a_row_error_on_the_later_row_and_the_valid_rows_are_stored(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    let file = "unit_institutional_id,name,sius_code,user_institutional_id,fte\n\
                9001,Ada,51,400001,1\n9001,Bruno,52,400002,0.5\n9001,Ada again,51,400001,0.2\n";
    let job = upload(&s, &token, "headcount", "members.csv", file.as_bytes().to_vec()).await;
    s.drain().await;
    let job = s.job(&token, &job).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!((job["rows_ok"].as_i64(), job["rows_failed"].as_i64()), (Some(2), Some(1)), "{job}");
    let errors = job["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{job}");
    assert_eq!((errors[0]["row"].as_u64(), errors[0]["code"].as_str()), (Some(4), Some("duplicate_institutional_id")));

    // Against stored rows too: a second file repeating 400002 is refused on that row.
    let again = "name,sius_code,user_institutional_id,fte\nBruno,52,400002,0.5\nChloé,53,400003,1\n";
    let job = upload(&s, &token, "headcount", "more.csv", again.as_bytes().to_vec()).await;
    s.drain().await;
    let job = s.job(&token, &job).await;
    assert_eq!((job["rows_ok"].as_i64(), job["rows_failed"].as_i64()), (Some(1), Some(1)), "{job}");
    assert_eq!(job["errors"][0]["row"], 2);

    let list = call(&s.app, Method::GET, "/api/v1/entries/units/9001/years/2025/modules/headcount", Some(&token), None)
        .await
        .json();
    assert_eq!(list["total"], 3, "{list}");

    // The API refuses a duplicate person with a field error.
    let res = call(
        &s.app,
        Method::POST,
        "/api/v1/entries/units/9001/years/2025/modules/headcount",
        Some(&token),
        Some(json!({"entry_type": "member", "data": {"name": "X", "sius_code": "51", "user_institutional_id": "400001", "fte": 1}})),
    )
    .await;
    assert_eq!(res.status, 422, "{}", String::from_utf8_lossy(&res.body));
}

/// A standard member of unit 9001 named `who`.
async fn member(s: &Stack, who: &str) -> String {
    let unit = co2_db::org::unit_by_institutional_id(&s.ctx.pools.write, "9001").await.unwrap().unwrap();
    let user = co2_db::org::upsert_user(&s.ctx.pools.write, who, who, None).await.unwrap();
    co2_db::org::grant_role(&s.ctx.pools.write, user.app_user_id, "standard", Some(unit.unit_id)).await.unwrap();
    co2_testkit::session_for(&s.ctx, user.app_user_id).await
}

async fn create(s: &Stack, token: &str, module: &str, body: Value) -> (u16, Value) {
    let uri = format!("/api/v1/entries/units/9001/years/2025/modules/{module}");
    let res = call(&s.app, Method::POST, &uri, Some(token), Some(body)).await;
    (res.status.as_u16(), res.json())
}

async fn list(s: &Stack, token: &str, module: &str) -> Vec<Value> {
    let uri = format!("/api/v1/entries/units/9001/years/2025/modules/{module}");
    let res = call(&s.app, Method::GET, &uri, Some(token), None).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    res.json()["items"].as_array().unwrap().clone()
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn d10_a_standard_member_sees_and_edits_only_their_own_travel_and_cloud_rows(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    let (alice, bob) = (member(&s, "alice").await, member(&s, "bob").await);
    let plane = |traveller: &str| {
        json!({"entry_type": "plane", "data": {"origin_iata": "GVA", "destination_iata": "JFK",
               "cabin_class": "economy", "user_institutional_id": traveller}})
    };
    let cloud = json!({"entry_type": "external_clouds",
                       "data": {"service_type": "compute", "provider": "AWS", "spent_amount": 100}});

    let (status, bobs_trip) = create(&s, &principal, "professional_travel", plane("bob")).await;
    assert_eq!(status, 201, "{bobs_trip}");
    let (status, alices_trip) = create(&s, &alice, "professional_travel", plane("bob")).await;
    assert_eq!(status, 201, "{alices_trip}");
    assert_eq!(alices_trip["data"]["user_institutional_id"], "alice", "the traveller is forced to self");
    assert!(alices_trip["kg_co2eq"].as_f64().unwrap() > 1600.0, "{alices_trip}");
    let (_, principals_cloud) = create(&s, &principal, "external_cloud_and_ai", cloud.clone()).await;
    let (status, alices_cloud) = create(&s, &alice, "external_cloud_and_ai", cloud.clone()).await;
    assert_eq!(status, 201, "{alices_cloud}");

    let ids = |items: Vec<Value>| items.iter().map(|i| i["entry_id"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(ids(list(&s, &alice, "professional_travel").await), [alices_trip["entry_id"].as_str().unwrap()]);
    assert_eq!(ids(list(&s, &bob, "professional_travel").await), [bobs_trip["entry_id"].as_str().unwrap()]);
    assert_eq!(list(&s, &principal, "professional_travel").await.len(), 2, "principals see all");
    assert_eq!(ids(list(&s, &alice, "external_cloud_and_ai").await), [alices_cloud["entry_id"].as_str().unwrap()]);
    assert!(list(&s, &bob, "external_cloud_and_ai").await.is_empty());

    let entry = |v: &Value| format!("/api/v1/entries/{}", v["entry_id"].as_str().unwrap());
    for other in [&bobs_trip, &principals_cloud] {
        let res = call(&s.app, Method::PATCH, &entry(other), Some(&alice), Some(cloud.clone())).await;
        assert_eq!(res.status, 404, "another member's row is not disclosed");
        let res = call(&s.app, Method::DELETE, &entry(other), Some(&alice), None).await;
        assert_eq!(res.status, 404);
    }
    let res = call(&s.app, Method::PATCH, &entry(&alices_trip), Some(&alice), Some(plane("bob"))).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["data"]["user_institutional_id"], "alice");
    let mut cheaper = cloud.clone();
    cheaper["data"]["spent_amount"] = json!(10);
    let res = call(&s.app, Method::PATCH, &entry(&alices_cloud), Some(&alice), Some(cheaper)).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let res = call(&s.app, Method::DELETE, &entry(&alices_cloud), Some(&alice), None).await;
    assert_eq!(res.status, 204);

    // Other modules stay principal-only.
    let res =
        call(&s.app, Method::GET, "/api/v1/entries/units/9001/years/2025/modules/equipment", Some(&alice), None).await;
    assert_eq!(res.status, 403);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_room_entry_brings_its_embodied_companion_and_takes_it_away(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    let room = json!({"entry_type": "building",
                      "data": {"building_name": "LAB", "room_name": "LAB 1 02", "room_allocation_ratio": 0.5}});
    let (status, created) = create(&s, &token, "buildings", room).await;
    assert_eq!(status, 201, "{created}");
    let items = list(&s, &token, "buildings").await;
    let types: Vec<_> = items.iter().map(|i| i["entry_type"].as_str().unwrap().to_owned()).collect();
    assert_eq!(types, ["building", "building_embodied_energy"]);
    let res = call(
        &s.app,
        Method::DELETE,
        &format!("/api/v1/entries/{}", items[1]["entry_id"].as_str().unwrap()),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(res.status, 409, "the companion follows its room");
    let res = call(
        &s.app,
        Method::DELETE,
        &format!("/api/v1/entries/{}", created["entry_id"].as_str().unwrap()),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(res.status, 204);
    assert!(list(&s, &token, "buildings").await.is_empty());
    let rows: i64 = sqlx::query_scalar("select count(*) from emission").fetch_one(&s.pool).await.unwrap();
    assert_eq!(rows, 0, "the room's and its companion's emission rows went with them");
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn d5_importing_the_same_travel_file_again_leaves_the_same_rows(pool: PgPool) {
    use co2_platform::blob::BlobStore;
    let s = crate::support::Stack::embedded(pool).await;
    let planes = std::fs::read(co2_e2e::data_dir().join("demo/travel_planes.csv")).unwrap();
    let key = "dropbox/9001/2025/professional_travel/plane.csv";
    s.local.put(key, planes.clone().into(), "text/csv").await.unwrap();
    s.drain().await;
    let first = s.snapshot().await;
    assert_eq!(first.0, 20, "one entry per plane row");
    // The same file again (a re-sync): no duplicates.
    s.local.put(key, planes.clone().into(), "text/csv").await.unwrap();
    s.drain().await;
    assert_eq!(s.snapshot().await, first);
    // A corrected file replaces that source's plane rows for the year.
    let text = String::from_utf8(planes).unwrap();
    let fewer: String = text.lines().take(6).map(|l| format!("{l}\n")).collect();
    s.local.put(key, fewer.into_bytes().into(), "text/csv").await.unwrap();
    s.drain().await;
    assert_eq!(s.snapshot().await.0, 5);
}
