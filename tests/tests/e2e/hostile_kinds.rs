//! Hostile files of every kind an upload takes — each entry type of every module, the drop
//! folder's rows for another unit, every factor file, every reference set and the org chart:
//! each is refused with a reason or its rows are reported (row, column, code), never a 5xx, and
//! nothing stored before is lost or half-replaced. (`hostile.rs` holds the equipment corpus:
//! encodings, binary content, zip bombs, formulas and numbers in every form.)

use crate::all_modules::{DEMO_FILES, demo, upload as upload_demo};
use crate::support::{Stack, put_csv};
use co2_db::engine::template_columns_of;
use co2_db::factor_file::FactorFile;
use co2_domain::EntryType;
use co2_testkit::call;
use http::Method;
use serde_json::{Value, json};
use sqlx::PgPool;

/// A fingerprint of everything an upload could change: every table's rows, as text.
async fn stored(pool: &PgPool) -> String {
    sqlx::query_scalar(
        "select md5(concat_ws('|',
            (select string_agg(d::text, ',' order by d.data_entry_id) from (select data_entry_id, data, data_entry_type,
                kg_override from data_entry) d),
            (select string_agg(e::text, ',' order by e.emission_id) from (select emission_id, kg_co2eq, quantity
                from emission) e),
            (select string_agg(f::text, ',' order by f.factor_id) from (select factor_id, data_entry_type,
                factor_values, classification, is_stale from factor) f),
            (select count(*) || ':' || sum(latitude + longitude) from airport),
            (select count(*) || ':' || sum(latitude + longitude) from train_station),
            (select count(*) || ':' || sum(room_surface_square_meter) from building_room),
            (select count(*) || ':' || sum(units_per_eur) from exchange_rate),
            (select count(*) from inflation_index),
            (select string_agg(u::text, ',' order by u.unit_id) from (select unit_id, institutional_id, name, path
                from unit) u)))",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Registers a typed upload of `bytes` for unit 9001's `entry_type` and returns its job once ended.
async fn upload_typed(s: &Stack, token: &str, entry_type: EntryType, name: &str, bytes: Vec<u8>) -> Value {
    let res = call(
        &s.app,
        Method::POST,
        "/api/v1/uploads",
        Some(token),
        Some(json!({"unit": "9001", "year": 2025, "module": entry_type.module().key(),
                    "entry_type": entry_type.name(), "filename": name, "mode": "append"})),
    )
    .await;
    assert_eq!(res.status, 201, "{name}: {}", String::from_utf8_lossy(&res.body));
    let put = co2_testkit::put_link(&s.app, res.json()["put_url"].as_str().unwrap(), bytes).await;
    assert_eq!(put.status, 200, "{name}");
    s.drain().await;
    s.job(token, res.json()["job_id"].as_str().unwrap()).await
}

/// The entry types a file can carry (the embodied energy of a room is its companion, never
/// uploaded on its own).
fn uploadable() -> Vec<EntryType> {
    EntryType::ALL.into_iter().filter(|t| *t != EntryType::BuildingEmbodiedEnergy).collect()
}

/// A value of each hostile kind, by column: not-a-number words, overflow, a formula, a negative,
/// infinity, an overlong text, a lookalike letter.
const HOSTILE_VALUES: [&str; 6] = ["NaN", "1e400", "=cmd|' /C calc'!A0", "-1", "inf", "\u{0435}"];

fn failure_of(job: &Value) -> String {
    job["failure"].as_str().unwrap_or_default().to_owned()
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn hostile_files_of_every_entry_type_are_refused_or_row_reported(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    for (file, module) in DEMO_FILES {
        upload_demo(&s, &token, module, file, demo(file)).await;
        s.drain().await;
    }
    let before = stored(&s.pool).await;
    let mut files = 0;
    for entry_type in uploadable() {
        let columns = template_columns_of(entry_type);
        let header = columns.join(",");
        let t = entry_type.name();

        // A column named twice: which of the two would be read is a guess, so none is.
        let twice = format!("{header},{}\n{}\n", columns[0], vec!["1"; columns.len() + 1].join(","));
        let job = upload_typed(&s, &token, entry_type, &format!("{t}-twice.csv"), twice.into_bytes()).await;
        assert_eq!(job["state"], "failed", "{t}: {job}");
        assert!(failure_of(&job).contains("duplicated"), "{t}: {}", failure_of(&job));

        // Not this type's columns at all.
        let job = upload_typed(&s, &token, entry_type, &format!("{t}-other.csv"), b"foo,bar\n1,2\n".to_vec()).await;
        assert_eq!(job["state"], "failed", "{t}: {job}");
        assert!(failure_of(&job).contains("missing required column"), "{t}: {}", failure_of(&job));

        // The right columns, every value hostile: the row is reported, naming a column.
        let row: Vec<String> = (0..columns.len())
            .map(|i| HOSTILE_VALUES[i % HOSTILE_VALUES.len()])
            .map(|v| format!("\"{}\"", v.replace('"', "\"\"")))
            .collect();
        let hostile = format!("{header}\n{}\n", row.join(","));
        let job = upload_typed(&s, &token, entry_type, &format!("{t}-hostile.csv"), hostile.into_bytes()).await;
        assert_eq!(job["rows_ok"], 0, "{t}: a hostile row was stored: {job}");
        if job["state"] == "succeeded" {
            let errors = job["errors"].as_array().unwrap();
            assert!(!errors.is_empty(), "{t}: {job}");
            assert!(
                errors.iter().all(|e| e["row"] == 2 && e["code"].is_string() && e["message"].is_string()),
                "{t}: {job}"
            );
            assert!(errors.iter().any(|e| e["column"].is_string()), "{t}: a column is named: {job}");
        } else {
            assert_eq!(job["state"], "failed", "{t}: {job}");
            assert!(!failure_of(&job).is_empty(), "{t}: {job}");
        }
        assert_eq!(stored(&s.pool).await, before, "{t}: what was stored is intact");
        files += 3;
    }

    // Each demo file with its rows moved to another unit: every row is reported, none stored.
    for (file, module) in DEMO_FILES {
        let text = String::from_utf8(demo(file)).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap();
        let unit_col = header.split(',').position(|h| h == "unit_institutional_id");
        let moved: Vec<String> = lines
            .map(|l| match unit_col {
                Some(i) => {
                    let mut cells: Vec<&str> = l.split(',').collect();
                    cells[i] = "9002";
                    cells.join(",")
                }
                None => format!("9002,{l}"),
            })
            .collect();
        let header = if unit_col.is_some() { header.to_owned() } else { format!("unit_institutional_id,{header}") };
        let bytes = format!("{header}\n{}\n", moved.join("\n")).into_bytes();
        let job_id = upload_demo(&s, &token, module, &format!("9002-{file}"), bytes).await;
        s.drain().await;
        let job = s.job(&token, &job_id).await;
        assert_eq!(job["rows_ok"], 0, "{file}: rows of another unit were stored: {job}");
        let errors = job["errors"].as_array().cloned().unwrap_or_default();
        assert!(
            failure_of(&job).contains("9002") || errors.iter().any(|e| e["code"] == "unit_mismatch"),
            "{file}: {job}"
        );
        assert_eq!(stored(&s.pool).await, before, "{file}: what was stored is intact");
        files += 1;
    }

    // UTF-8 with a damaged byte: refused with its line, not read as another encoding.
    let mut damaged = demo("equipments.csv");
    damaged.extend_from_slice("H-9,Zentrifuge Zürich,Centrifugation,,1,1,,scientific\n".as_bytes());
    damaged.extend_from_slice(b"H-10,Gen\xE8ve,Centrifugation,,1,1,,scientific\n");
    let job_id = upload_demo(&s, &token, "equipment", "damaged-utf8.csv", damaged).await;
    s.drain().await;
    let job = s.job(&token, &job_id).await;
    assert_eq!(job["state"], "failed", "{job}");
    assert!(failure_of(&job).contains("not valid UTF-8"), "{}", failure_of(&job));
    assert_eq!(stored(&s.pool).await, before);
    files += 1;
    assert!(files >= 60, "{files} files");
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn hostile_factor_reference_and_org_chart_files_are_refused_whole(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let before = stored(&s.pool).await;
    let mut files = 0;
    let mut refused = |what: String, (status, body): (http::StatusCode, Value), expect: &str| {
        assert!(status.is_client_error(), "{what}: {status} {body}");
        assert!(body["error"]["code"].is_string(), "{what}: the envelope: {body}");
        assert!(body.to_string().contains(expect), "{what}: '{expect}' not in {body}");
        files += 1;
    };

    for kind in FactorFile::ALL {
        let name = kind.file_name().trim_end_matches(".csv");
        let real =
            String::from_utf8(std::fs::read(co2_e2e::data_dir().join("factors/2025").join(kind.file_name())).unwrap())
                .unwrap();
        let (header, body) = real.split_once('\n').unwrap();
        let uri = format!("/api/v1/backoffice/factors/2025/{name}");
        refused(format!("{name} empty"), put_csv(&s, &admin, &uri, String::new()).await, "no data rows");
        refused(format!("{name} header only"), put_csv(&s, &admin, &uri, format!("{header}\n")).await, "no data rows");
        let first = header.split(',').next().unwrap();
        let twice = format!("{header},{first}\n{}", body.lines().map(|l| format!("{l},x\n")).collect::<String>());
        refused(format!("{name} twice"), put_csv(&s, &admin, &uri, twice).await, "named twice");
        // Every value of the first row not a number.
        let cells = body.lines().next().unwrap().split(',').count();
        let nan = format!("{header}\n{}\n{}", vec!["NaN"; cells].join(","), body);
        refused(format!("{name} NaN"), put_csv(&s, &admin, &uri, nan).await, "");
    }
    assert_eq!(stored(&s.pool).await, before, "the factors are as they were");

    let references = [
        ("airports", "iata_code,icao_code,name,municipality,country_code,continent,latitude,longitude,airport_size"),
        ("train_stations", "name,country_code,latitude,longitude,municipality,uic,trainline_id"),
        ("building_rooms", "building_location,building_name,room_name,room_type,room_surface_square_meter"),
        ("exchange_rates", "year,currency,units_per_eur,daily_observations"),
        ("inflation_index", "year,index_value"),
    ];
    for (kind, header) in references {
        let uri = format!("/api/v1/backoffice/reference/{kind}");
        let width = header.split(',').count();
        refused(format!("{kind} empty"), put_csv(&s, &admin, &uri, String::new()).await, "");
        refused(format!("{kind} header only"), put_csv(&s, &admin, &uri, format!("{header}\n")).await, "no rows");
        let first = header.split(',').next().unwrap();
        let twice = format!("{header},{first}\n{}\n", vec!["1"; width + 1].join(","));
        refused(format!("{kind} twice"), put_csv(&s, &admin, &uri, twice).await, "named twice");
        let last = header.rsplit(',').next().unwrap();
        let missing = header.split(',').filter(|h| *h != last && *h != "year" && *h != "latitude").collect::<Vec<_>>();
        let short = format!("{}\n{}\n", missing.join(","), vec!["1"; missing.len()].join(","));
        refused(format!("{kind} missing"), put_csv(&s, &admin, &uri, short).await, "missing");
        let hostile =
            format!("{header}\n{}\n", (0..width).map(|i| HOSTILE_VALUES[i % 6]).collect::<Vec<_>>().join(","));
        refused(format!("{kind} hostile"), put_csv(&s, &admin, &uri, hostile).await, "");
    }
    assert_eq!(stored(&s.pool).await, before, "the reference sets are as they were");

    let org = "/api/v1/backoffice/org-chart";
    refused("org empty".into(), put_csv(&s, &admin, org, String::new()).await, "");
    refused("org missing".into(), put_csv(&s, &admin, org, "institutional_id,name\nX,Y\n".into()).await, "parent");
    refused(
        "org twice".into(),
        put_csv(&s, &admin, org, "institutional_id,name,parent,name\nX1,A,ENAC,B\n".into()).await,
        "named twice",
    );
    refused(
        "org cycle".into(),
        put_csv(&s, &admin, org, "institutional_id,name,parent\nC1,A,C2\nC2,B,C1\n".into()).await,
        "",
    );
    refused(
        "org unknown parent".into(),
        put_csv(&s, &admin, org, "institutional_id,name,parent\nC3,A,NOWHERE\n".into()).await,
        "NOWHERE",
    );
    refused(
        "org injected id".into(),
        put_csv(&s, &admin, org, "institutional_id,name,parent\n\"x'; drop table unit; --\",A,ENAC\n".into()).await,
        "not a valid unit id",
    );
    assert_eq!(stored(&s.pool).await, before, "the organisation is as it was");
    assert!(files >= 60 + 30, "{files} files");
}
