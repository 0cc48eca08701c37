//! The facts feed for BI tools: every published figure of a year, streamed as NDJSON or CSV,
//! adding up to what step-aggregate computed for each module; a back-office operator gets their
//! subtree only, an API token works as a session does, a unit's people are refused.

use crate::all_modules::{DEMO_FILES, demo, upload};
use crate::support::Stack;
use co2_api_types::FactView;
use co2_testkit::call;
use http::Method;
use sqlx::PgPool;
use std::collections::BTreeMap;

/// Every demo file of the demo lab (9001), through the pipeline.
async fn load_demo_lab(s: &Stack, principal: &str) {
    for (file, module) in DEMO_FILES {
        upload(s, principal, module, file, demo(file)).await;
        s.drain().await;
    }
}

fn parse_ndjson(body: &[u8]) -> Vec<FactView> {
    std::str::from_utf8(body)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_facts_feed_adds_up_to_each_modules_totals_within_the_callers_subtree(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    load_demo_lab(&s, &principal).await;
    let other = s.token("principal", Some("9002")).await;
    let theirs = String::from_utf8(demo("equipments.csv")).unwrap().replace("\n9001,", "\n9002,");
    let job = s.upload(&other, "9002", "equipments.csv", "append", theirs.into_bytes()).await;
    s.drain().await;
    let job = s.job(&other, &job).await;
    assert_eq!(job["state"], "succeeded", "{job}");

    let admin = s.token("admin", None).await;
    let res = call(&s.app, Method::GET, "/api/v1/backoffice/facts?year=2025", Some(&admin), None).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.headers["content-type"], "application/x-ndjson");
    let facts = parse_ndjson(&res.body);
    assert!(facts.iter().any(|f| f.unit == "9002"), "the admin sees every unit");

    // Per module of 9001: the feed's sums are the module's totals as step-aggregate keeps them.
    let mut by_module: BTreeMap<String, [f64; 4]> = BTreeMap::new();
    for f in facts.iter().filter(|f| f.unit == "9001") {
        assert!(f.kg_co2eq.is_finite() && f.entries > 0, "{f:?}");
        assert!(f.category.is_some(), "every leaf has its category: {f:?}");
        let slot = if f.additional { 3 } else { (f.scope - 1) as usize };
        by_module.entry(f.module.clone()).or_default()[slot] += f.kg_co2eq;
    }
    let totals: Vec<(String, f64, f64, f64, f64)> = sqlx::query_as(
        "select rm.module, rm.scope1_kg, rm.scope2_kg, rm.scope3_kg, rm.additional_kg
         from report_module rm join report r using (report_id) join unit u using (unit_id)
         where u.institutional_id = '9001' and r.report_year_id = 2025 and rm.entry_count > 0",
    )
    .fetch_all(&s.pool)
    .await
    .unwrap();
    assert_eq!(totals.len(), 8, "every module has entries");
    for (module, s1, s2, s3, additional) in totals {
        let got = by_module.get(&module).copied().unwrap_or_default();
        for (g, want) in got.iter().zip([s1, s2, s3, additional]) {
            assert!(co2_e2e::close(*g, want, 1e-9), "{module}: {got:?} vs {:?}", [s1, s2, s3, additional]);
        }
    }

    // The same facts as CSV, with the header the API documents.
    let csv = call(&s.app, Method::GET, "/api/v1/backoffice/facts?year=2025&format=csv", Some(&admin), None).await;
    assert_eq!(csv.status, 200);
    assert!(csv.headers["content-disposition"].to_str().unwrap().contains("facts-2025.csv"));
    let mut reader = csv::Reader::from_reader(csv.body.as_slice());
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), co2_api_types::FACT_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), facts.len());
    let csv_kg: f64 = rows.iter().map(|r| r[9].parse::<f64>().unwrap()).sum();
    assert!(co2_e2e::close(csv_kg, facts.iter().map(|f| f.kg_co2eq).sum(), 1e-9));

    // A subtree: only its units.
    let only = call(&s.app, Method::GET, "/api/v1/backoffice/facts?year=2025&subtree=9002", Some(&admin), None).await;
    assert!(parse_ndjson(&only.body).iter().all(|f| f.unit == "9002"));

    // An operator of 9002's subtree: 9002 only, whatever they ask; 9001 is not disclosed.
    let operator = s.token("backoffice", Some("9002")).await;
    let theirs = call(&s.app, Method::GET, "/api/v1/backoffice/facts?year=2025", Some(&operator), None).await;
    assert_eq!(theirs.status, 200);
    let theirs = parse_ndjson(&theirs.body);
    assert!(!theirs.is_empty() && theirs.iter().all(|f| f.unit == "9002"), "{theirs:?}");
    let asked =
        call(&s.app, Method::GET, "/api/v1/backoffice/facts?year=2025&subtree=9001", Some(&operator), None).await;
    assert_eq!(asked.status, 404);
    let wider =
        call(&s.app, Method::GET, "/api/v1/backoffice/facts?year=2025&subtree=ENAC", Some(&operator), None).await;
    assert!(parse_ndjson(&wider.body).iter().all(|f| f.unit == "9002"));

    // A unit's people are refused; an unknown year is a 404; a read-only API token of the admin works.
    for token in [&principal, &s.token("standard", Some("9001")).await] {
        let res = call(&s.app, Method::GET, "/api/v1/backoffice/facts?year=2025", Some(token), None).await;
        assert_eq!(res.status, 403);
    }
    let res = call(&s.app, Method::GET, "/api/v1/backoffice/facts?year=1999", Some(&admin), None).await;
    assert_eq!(res.status, 404);
    let created = call(
        &s.app,
        Method::POST,
        "/api/v1/backoffice/tokens",
        Some(&admin),
        Some(serde_json::json!({"name": "bi", "scope": "read", "expires_in_days": 30})),
    )
    .await;
    assert_eq!(created.status, 201);
    let secret = created.json()["secret"].as_str().unwrap().to_owned();
    let by_token = call(&s.app, Method::GET, "/api/v1/backoffice/facts?year=2025", Some(&secret), None).await;
    assert_eq!(by_token.status, 200);
    assert_eq!(parse_ndjson(&by_token.body).len(), facts.len());
}

/// The GHG Protocol inventory of the demo lab: every kg placed on a line of its scope, the
/// category sums equal to the module totals step-aggregate computed, the exclusions stated.
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_inventory_places_every_kg_and_its_lines_add_up_to_the_scope_totals(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    load_demo_lab(&s, &principal).await;
    let admin = s.token("admin", None).await;
    let res =
        call(&s.app, Method::GET, "/api/v1/backoffice/inventory?year=2025&subtree=9001", Some(&admin), None).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let inv: co2_api_types::GhgInventoryView = serde_json::from_slice(&res.body).unwrap();
    assert_eq!((inv.units, inv.lines.len()), (1, 19));
    let (s1, s2, s3, additional): (f64, f64, f64, f64) = sqlx::query_as(
        "select sum(rm.scope1_kg), sum(rm.scope2_kg), sum(rm.scope3_kg), sum(rm.additional_kg)
         from report_module rm join report r using (report_id) join unit u using (unit_id)
         where u.institutional_id = '9001' and r.report_year_id = 2025",
    )
    .fetch_one(&s.pool)
    .await
    .unwrap();
    assert!(s1 > 0.0 && s2 > 0.0 && s3 > 0.0 && additional > 0.0, "the demo lab has every scope");
    let line_sum = |scope: u8| inv.lines.iter().filter(|l| l.scope == scope).map(|l| l.kg_co2eq).sum::<f64>();
    assert!(co2_e2e::close(line_sum(1), s1, 1e-9), "{} vs {s1}", line_sum(1));
    assert!(co2_e2e::close(line_sum(2), s2, 1e-9), "{} vs {s2}", line_sum(2));
    // The additional categories are all Scope 3 (commuting, food, waste, embodied energy).
    assert!(co2_e2e::close(line_sum(3), s3 + additional, 1e-9), "{} vs {}", line_sum(3), s3 + additional);
    assert!(co2_e2e::close(inv.total_kg, s1 + s2 + s3 + additional, 1e-9));
    let additional_on_lines: f64 = inv.lines.iter().map(|l| l.additional_kg).sum();
    assert!(co2_e2e::close(additional_on_lines, additional, 1e-9));
    // Excluded categories carry their reason and nothing else; business travel has the flights.
    for l in &inv.lines {
        if l.excluded_because.is_some() {
            assert_eq!(l.kg_co2eq, 0.0, "{}", l.key);
        }
    }
    let line = |key: &str| inv.lines.iter().find(|l| l.key == key).unwrap();
    assert!(line("scope3.cat03").excluded_because.is_some());
    assert!(line("scope3.cat06").kg_co2eq > 0.0);
    assert!(line("scope1.process").by_gas.values().sum::<f64>() > 0.0, "process gases are named");
    assert_eq!(inv.placements.len(), co2_domain::emission::LEAVES.len());
    assert_eq!(inv.factor_sets.len(), 15);
    assert!(inv.factor_sets.iter().all(|f| f.factors > 0 && f.uploaded == 0), "the shipped defaults");

    // The CSV: the 19 lines, then the scope totals, which the lines add up to.
    let csv =
        call(&s.app, Method::GET, "/api/v1/backoffice/inventory?year=2025&subtree=9001&format=csv", Some(&admin), None)
            .await;
    assert_eq!(csv.status, 200);
    let rows: Vec<csv::StringRecord> =
        csv::Reader::from_reader(csv.body.as_slice()).records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 19 + 4);
    let scope3_lines: f64 = rows[..19].iter().filter(|r| &r[2] == "3").map(|r| r[3].parse::<f64>().unwrap()).sum();
    let scope3_total: f64 = rows.iter().find(|r| &r[0] == "scope3").unwrap()[3].parse().unwrap();
    assert!(co2_e2e::close(scope3_lines, scope3_total, 1e-9));

    // Coverage: no unit validated yet, so no estimate; then 9001 validates every module.
    let coverage = inv.coverage.clone().unwrap();
    assert_eq!((coverage.units, coverage.validated_units, coverage.extrapolated_total_kg), (1, 0, None));
    assert!(coverage.fte > 0.0, "the demo lab has its headcount");
    for module in co2_domain::Module::ALL {
        let uri = format!("/api/v1/units/9001/years/2025/modules/{}", module.key());
        let body = serde_json::json!({"status": "validated"});
        let res = call(&s.app, Method::PATCH, &uri, Some(&principal), Some(body)).await;
        assert_eq!(res.status, 200, "{uri}: {}", String::from_utf8_lossy(&res.body));
    }
    // Unit 9002 has people but has validated nothing: the estimate scales 9001's kg per FTE.
    let other = s.token("principal", Some("9002")).await;
    let staff = String::from_utf8(demo("headcount_members.csv")).unwrap().replace("\n9001,", "\n9002,");
    let res = call(
        &s.app,
        Method::POST,
        "/api/v1/uploads",
        Some(&other),
        Some(serde_json::json!({"unit": "9002", "year": 2025, "module": "headcount", "filename": "staff.csv"})),
    )
    .await;
    assert_eq!(res.status, 201);
    co2_testkit::put_link(&s.app, res.json()["put_url"].as_str().unwrap(), staff.into_bytes()).await;
    s.drain().await;
    let enac =
        call(&s.app, Method::GET, "/api/v1/backoffice/inventory?year=2025&subtree=ENAC", Some(&admin), None).await;
    let enac: co2_api_types::GhgInventoryView = serde_json::from_slice(&enac.body).unwrap();
    let c = enac.coverage.unwrap();
    assert_eq!(c.validated_units, 1);
    assert!(co2_e2e::close(c.validated_kg, inv.total_kg, 1e-9), "9001's kg: {} vs {}", c.validated_kg, inv.total_kg);
    assert!(c.fte > c.validated_fte && c.validated_fte > 0.0, "{c:?}");
    let expected = c.validated_kg / c.validated_fte * c.fte;
    assert!(co2_e2e::close(c.extrapolated_total_kg.unwrap(), expected, 1e-12), "{c:?}");
    assert!(co2_e2e::close(c.fte_share.unwrap(), c.validated_fte / c.fte, 1e-12));
    assert!(c.method.contains("FTE"));
    // Floor area: the demo lab's rooms (reference surface × its share); 9002 entered none.
    let reference: Vec<(String, String, f64)> =
        sqlx::query_as("select building_name, room_name, room_surface_square_meter from building_room")
            .fetch_all(&s.pool)
            .await
            .unwrap();
    let rooms = demo("building_rooms.csv");
    let mut expected_floor = 0.0;
    for r in csv::Reader::from_reader(rooms.as_slice()).records().map(Result::unwrap) {
        if let Some((_, _, m2)) = reference.iter().find(|(b, n, _)| b == &r[2] && n == &r[3]) {
            expected_floor += m2 * r[5].parse::<f64>().unwrap_or(1.0);
        }
    }
    assert!(expected_floor > 0.0);
    assert!(co2_e2e::close(c.floor_area_m2, expected_floor, 1e-9), "{} vs {expected_floor}", c.floor_area_m2);
    assert_eq!((c.validated_floor_area_m2, c.floor_area_share), (c.floor_area_m2, Some(1.0)));
    // The roll-up of the school says the same of its year.
    let rollup =
        call(&s.app, Method::GET, "/api/v1/backoffice/rollups?depth=2&from=2025", Some(&admin), None).await.json();
    let school = rollup["nodes"].as_array().unwrap().iter().find(|n| n["institutional_id"] == "ENAC").unwrap();
    let rc: co2_api_types::InventoryCoverageView =
        serde_json::from_value(school["years"][0]["coverage"].clone()).unwrap();
    assert_eq!((rc.units, rc.validated_units), (c.units, c.validated_units));
    assert!(co2_e2e::close(rc.fte, c.fte, 1e-12) && co2_e2e::close(rc.validated_fte, c.validated_fte, 1e-12));
    assert!(co2_e2e::close(rc.floor_area_m2, c.floor_area_m2, 1e-12));

    // A unit's people are refused; another subtree's operator is not told about 9001.
    let res = call(&s.app, Method::GET, "/api/v1/backoffice/inventory?year=2025", Some(&principal), None).await;
    assert_eq!(res.status, 403);
    let operator = s.token("backoffice", Some("9002")).await;
    let res =
        call(&s.app, Method::GET, "/api/v1/backoffice/inventory?year=2025&subtree=9001", Some(&operator), None).await;
    assert_eq!(res.status, 404);
}

/// A published inventory is frozen: new factors change the inventory computed now, never the
/// published one; the restatement names the lines that moved and the factor upload behind it;
/// publishing it is version 2, and version 1 stays readable as it was.
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_published_inventory_stays_as_published_and_a_restatement_shows_what_changed(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    s.upload(&principal, "9001", "equipments.csv", "append", demo("equipments.csv")).await;
    s.drain().await;
    let admin = s.token("admin", None).await;
    let publish = |note: &'static str| {
        let (app, admin) = (s.app.clone(), admin.clone());
        async move {
            let body = serde_json::json!({"year": 2025, "subtree": "9001", "note": note});
            call(&app, Method::POST, "/api/v1/backoffice/inventory/publications", Some(&admin), Some(body)).await
        }
    };
    let first = publish("as reported").await;
    assert_eq!(first.status, 201, "{}", String::from_utf8_lossy(&first.body));
    let first: co2_api_types::PublishedInventoryView = serde_json::from_slice(&first.body).unwrap();
    assert_eq!(first.version, 1);
    let published_total = first.inventory.total_kg;
    assert!(published_total > 0.0);
    // Only the admin publishes; the table itself refuses any change to a publication.
    let operator = s.token("backoffice", Some("ENAC")).await;
    let body = serde_json::json!({"year": 2025, "subtree": "9001"});
    let refused =
        call(&s.app, Method::POST, "/api/v1/backoffice/inventory/publications", Some(&operator), Some(body)).await;
    assert_eq!(refused.status, 403);
    let tampered = sqlx::query("update published_inventory set note = 'changed'").execute(&s.pool).await;
    assert!(tampered.is_err(), "a publication is never changed");

    // New equipment factors (twice the emission factor), recalculated through the pipeline.
    let (status, _) = crate::support::put_csv(
        &s,
        &admin,
        "/api/v1/backoffice/factors/2025/equipments_factors",
        String::from_utf8(crate::recalculation::scaled_equipment_factors(2.0)).unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    s.drain().await;

    let uri = format!("/api/v1/backoffice/inventory/publications/{}", first.publication_id);
    let again = call(&s.app, Method::GET, &uri, Some(&operator), None).await;
    assert_eq!(again.status, 200, "an operator over the subtree reads it");
    let again: co2_api_types::PublishedInventoryView = serde_json::from_slice(&again.body).unwrap();
    assert_eq!(again, first, "the publication is as it was published");

    let restated = call(&s.app, Method::GET, &format!("{uri}/restatement"), Some(&admin), None).await;
    assert_eq!(restated.status, 200);
    let restated: co2_api_types::RestatementView = serde_json::from_slice(&restated.body).unwrap();
    assert!(co2_e2e::close(restated.published_total_kg, published_total, 1e-12));
    assert!(restated.delta_kg > 0.0, "{restated:?}");
    assert_eq!(restated.lines.len(), 1, "only the electricity line moved: {:?}", restated.lines);
    assert_eq!(restated.lines[0].key, "scope2.location_based");
    assert!(co2_e2e::close(restated.lines[0].current_kg, 2.0 * restated.lines[0].published_kg, 1e-9));
    assert_eq!(restated.factor_uploads_since.len(), 1);
    assert_eq!(restated.factor_uploads_since[0].file, "2025/equipments_factors");

    let second = publish("restated: 2025 equipment factors").await;
    assert_eq!(second.status, 201);
    let second: co2_api_types::PublishedInventoryView = serde_json::from_slice(&second.body).unwrap();
    assert_eq!(second.version, 2);
    assert!(co2_e2e::close(second.inventory.total_kg, restated.current_total_kg, 1e-12));
    let listed =
        call(&s.app, Method::GET, "/api/v1/backoffice/inventory/publications?year=2025", Some(&admin), None).await;
    let listed: Vec<co2_api_types::PublishedInventoryView> = serde_json::from_slice(&listed.body).unwrap();
    assert_eq!(listed.iter().map(|p| p.version).collect::<Vec<_>>(), [2, 1]);
    let csv = call(&s.app, Method::GET, &format!("{uri}?format=csv"), Some(&admin), None).await;
    assert_eq!(csv.status, 200);
    assert!(csv.headers["content-disposition"].to_str().unwrap().contains("v1.csv"));
    // A unit's principal reads no publication; another subtree's operator is not told of it.
    assert_eq!(call(&s.app, Method::GET, &uri, Some(&principal), None).await.status, 403);
    let stranger = s.token("backoffice", Some("9002")).await;
    assert_eq!(call(&s.app, Method::GET, &uri, Some(&stranger), None).await.status, 404);
}

/// The inventory as a file (DOMAIN's GHG Protocol export): a workbook and CSV files built by
/// step-export from the demo lab's published figures, whose lines add up to the scope totals,
/// with every leaf's placement and every factor set with its source.
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_inventory_exports_as_a_workbook_and_csv_files_whose_lines_add_up(pool: PgPool) {
    use calamine::{Data, Reader, Xlsx};
    use std::io::Read;
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    load_demo_lab(&s, &principal).await;
    let admin = s.token("admin", None).await;
    let inv: co2_api_types::GhgInventoryView = serde_json::from_slice(
        &call(&s.app, Method::GET, "/api/v1/backoffice/inventory?year=2025&subtree=9001", Some(&admin), None)
            .await
            .body,
    )
    .unwrap();
    let export = |format: &str| {
        let (app, admin) = (s.app.clone(), admin.clone());
        let body = serde_json::json!({"kind": "inventory", "year": 2025, "subtree": "9001", "format": format});
        async move { call(&app, Method::POST, "/api/v1/exports", Some(&admin), Some(body)).await }
    };
    let res = export("xlsx").await;
    assert_eq!(res.status, 202, "{}", String::from_utf8_lossy(&res.body));
    let id = res.json()["job_id"].as_str().unwrap().to_owned();
    s.drain().await;
    let view = call(&s.app, Method::GET, &format!("/api/v1/exports/{id}"), Some(&admin), None).await.json();
    assert_eq!((view["state"].as_str(), view["kind"].as_str()), (Some("succeeded"), Some("inventory")), "{view}");
    assert_eq!(view["file_name"], "ghg_inventory_9001_2025.xlsx");
    let file = co2_testkit::get_link(&s.app, view["download_url"].as_str().unwrap()).await;
    let mut book = Xlsx::new(std::io::Cursor::new(file.body.to_vec())).unwrap();
    let sheet = |book: &mut Xlsx<_>, name: &str| -> Vec<Vec<Data>> {
        book.worksheet_range(name).unwrap().rows().map(<[Data]>::to_vec).collect()
    };
    let number = |d: &Data| match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    };
    let lines = sheet(&mut book, "lines");
    assert_eq!(lines.len(), 1 + 19, "a header and the 19 lines");
    let summary = sheet(&mut book, "summary");
    let figure = |label: &str| number(&summary.iter().find(|r| r[0] == Data::String(label.into())).unwrap()[1]);
    for (scope, label) in [(1.0, "Scope 1"), (2.0, "Scope 2 (location-based)"), (3.0, "Scope 3")] {
        let of_scope: f64 = lines[1..].iter().filter(|r| number(&r[2]) == scope).map(|r| number(&r[3])).sum();
        assert!(co2_e2e::close(of_scope, figure(label), 1e-9), "{label}: lines {of_scope} vs {}", figure(label));
    }
    assert!(co2_e2e::close(figure("Total"), inv.total_kg, 1e-9), "the file says what the API says");
    assert!(figure("Scope 1") > 0.0 && figure("Scope 2 (location-based)") > 0.0 && figure("Scope 3") > 0.0);
    let cat03 = lines.iter().find(|r| r[0] == Data::String("scope3.cat03".into())).unwrap();
    assert!(matches!(&cat03[6], Data::String(reason) if !reason.is_empty()), "an exclusion states its reason");
    assert_eq!(sheet(&mut book, "placements").len(), 1 + co2_domain::emission::LEAVES.len());
    let methodology = sheet(&mut book, "methodology");
    assert_eq!(methodology.len(), 1 + 15, "every factor set");
    assert!(
        methodology[1..].iter().all(|r| matches!(&r[5], Data::String(s) if s.starts_with("shipped default: "))),
        "each set with its source"
    );

    // The CSV files in a ZIP say the same.
    let res = export("csv").await;
    let id = res.json()["job_id"].as_str().unwrap().to_owned();
    s.drain().await;
    let view = call(&s.app, Method::GET, &format!("/api/v1/exports/{id}"), Some(&admin), None).await.json();
    let file = co2_testkit::get_link(&s.app, view["download_url"].as_str().unwrap()).await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(file.body.to_vec())).unwrap();
    let mut text = String::new();
    zip.by_name("lines.csv").unwrap().read_to_string(&mut text).unwrap();
    let rows: Vec<csv::StringRecord> =
        csv::Reader::from_reader(text.as_bytes()).records().map(Result::unwrap).collect();
    let total: f64 = rows.iter().map(|r| r[3].parse::<f64>().unwrap()).sum();
    assert!(co2_e2e::close(total, inv.total_kg, 1e-9));

    assert_eq!(inv.scope2_market_kg, None, "no factor file gives a market-based factor yet");

    // The equipment's electricity comes with a contract at 0 kg/kWh (the market-based column
    // of its factor file): Scope 2 market-based drops the equipment's kWh, location-based stays.
    let factors = std::fs::read_to_string(co2_e2e::data_dir().join("factors/2025/equipments_factors.csv")).unwrap();
    let with_market: String = factors
        .lines()
        .enumerate()
        .map(|(i, l)| if i == 0 { format!("{l},ef_market_kg_co2eq_per_kwh\n") } else { format!("{l},0\n") })
        .collect();
    let (status, body) =
        crate::support::put_csv(&s, &admin, "/api/v1/backoffice/factors/2025/equipments_factors", with_market).await;
    assert_eq!(status, 200, "{body}");
    s.drain().await;
    let equipment_scope2: f64 = sqlx::query_scalar(
        "select rm.scope2_kg from report_module rm join report r using (report_id) join unit u using (unit_id)
         where u.institutional_id = '9001' and r.report_year_id = 2025 and rm.module = 'equipment'",
    )
    .fetch_one(&s.pool)
    .await
    .unwrap();
    assert!(equipment_scope2 > 0.0);
    let after: co2_api_types::GhgInventoryView = serde_json::from_slice(
        &call(&s.app, Method::GET, "/api/v1/backoffice/inventory?year=2025&subtree=9001", Some(&admin), None)
            .await
            .body,
    )
    .unwrap();
    assert!(co2_e2e::close(after.scope2_kg, inv.scope2_kg, 1e-9), "location-based unchanged");
    let market = after.scope2_market_kg.expect("reported once a factor gives it");
    assert!(
        co2_e2e::close(market, inv.scope2_kg - equipment_scope2, 1e-9),
        "{market} vs {}",
        inv.scope2_kg - equipment_scope2
    );
    let bad = factors
        .lines()
        .enumerate()
        .map(|(i, l)| if i == 0 { format!("{l},ef_market_kg_co2eq_per_kwh\n") } else { format!("{l},-1\n") })
        .collect::<String>();
    let (status, _) =
        crate::support::put_csv(&s, &admin, "/api/v1/backoffice/factors/2025/equipments_factors", bad).await;
    assert!(status.is_client_error(), "a negative market factor is refused: {status}");

    // The subtree is the caller's: a unit's principal is refused; another subtree is not disclosed.
    let body = serde_json::json!({"kind": "inventory", "year": 2025, "subtree": "9001"});
    assert_eq!(call(&s.app, Method::POST, "/api/v1/exports", Some(&principal), Some(body.clone())).await.status, 403);
    let operator = s.token("backoffice", Some("9002")).await;
    assert_eq!(call(&s.app, Method::POST, "/api/v1/exports", Some(&operator), Some(body)).await.status, 404);
    let pdf = serde_json::json!({"kind": "inventory", "year": 2025, "format": "pdf"});
    assert_eq!(call(&s.app, Method::POST, "/api/v1/exports", Some(&admin), Some(pdf)).await.status, 400);
}
