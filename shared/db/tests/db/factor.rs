use co2_db::{factor, report, seed};
use sqlx::PgPool;

const FILE: &str = "equipment_category,equipment_class,sub_class,active_power_w,standby_power_w,active_usage_hours_per_week,standby_usage_hours_per_week,ef_kg_co2eq_per_kwh\n\
scientific,Centrifugation,Ultra centrifuges,1300,130,40,128,0.097\n\
it,Laptop,,30,2,40,128,0.097\n";

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn uploading_factors_again_updates_them_in_place_keeping_their_ids(pool: PgPool) {
    let mut conn = pool.acquire().await.unwrap();
    report::ensure_year(&mut *conn, 2025, true).await.unwrap();
    let (stored, rejected) = seed::load_equipment_factors(&mut conn, 2025, FILE.as_bytes()).await.unwrap();
    assert_eq!((stored, rejected.len()), (2, 0));
    let before = factor::equipment_factors(&mut *conn, 2025).await.unwrap();
    let changed = FILE.replace("1300,130", "1400,140").replace("Ultra centrifuges", "  ULTRA CENTRIFUGES ");
    seed::load_equipment_factors(&mut conn, 2025, changed.as_bytes()).await.unwrap();
    let after = factor::equipment_factors(&mut *conn, 2025).await.unwrap();
    assert_eq!(after.len(), 2, "same identity (trimmed, case-folded): no new row");
    let centrifuge = after.iter().find(|f| f.equipment_class == "Centrifugation").unwrap();
    assert_eq!(centrifuge.active_power_w, 1400.0);
    assert_eq!(
        centrifuge.factor_id,
        before.iter().find(|f| f.equipment_class == "Centrifugation").unwrap().factor_id,
        "links to the factor stay valid"
    );
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn invalid_factor_rows_are_rejected_with_their_line(pool: PgPool) {
    let mut conn = pool.acquire().await.unwrap();
    report::ensure_year(&mut *conn, 2025, true).await.unwrap();
    let bad = format!("{FILE}laser,X,,1,1,1,1,0.1\nscientific,Y,,-5,1,1,1,0.1\nscientific,Z,,1,1,100,100,0.1\n");
    let (stored, rejected) = seed::load_equipment_factors(&mut conn, 2025, bad.as_bytes()).await.unwrap();
    assert_eq!(stored, 2);
    let lines: Vec<u64> = rejected.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [4, 5, 6]);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn factors_are_scoped_to_their_year(pool: PgPool) {
    let mut conn = pool.acquire().await.unwrap();
    report::ensure_year(&mut *conn, 2024, true).await.unwrap();
    report::ensure_year(&mut *conn, 2025, true).await.unwrap();
    seed::load_equipment_factors(&mut conn, 2024, FILE.as_bytes()).await.unwrap();
    assert!(factor::equipment_factors(&mut *conn, 2025).await.unwrap().is_empty());
    assert_eq!(factor::count_for(&mut *conn, 2024, &[10, 11, 12]).await.unwrap(), 2);
}

const PROCESS: &str = "category,subcategory,unit,ef_kg_co2eq_per_unit\n\
CO2,,kg,1\n\
Refrigerant,R134a,kg,1300\n\
Refrigerant,SF6,kg,23500\n";

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_process_factor_file_is_upserted_on_its_identity_and_loads_typed(pool: PgPool) {
    use co2_db::factor_file::FactorFile;
    let mut conn = pool.acquire().await.unwrap();
    report::ensure_year(&mut *conn, 2025, true).await.unwrap();
    let (stored, rejected) =
        seed::load_factor_file(&mut conn, 2025, FactorFile::ProcessEmissions, PROCESS.as_bytes()).await.unwrap();
    assert_eq!((stored, rejected.len()), (3, 0));
    let before = factor::process_factors(&mut *conn, 2025).await.unwrap();
    let leaves: Vec<(String, Option<String>)> =
        sqlx::query_as("select emission_type, classification ->> 'subcategory' from factor order by 1, 2")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    assert_eq!(leaves[0].0, "process_emissions__co2", "the leaf is derived from the category");
    assert_eq!(leaves.iter().filter(|l| l.0 == "process_emissions__refrigerants").count(), 2);

    // Same identity (trimmed, case-folded classification): updated in place, ids kept.
    let changed = PROCESS.replace("R134a,kg,1300", " r134A ,KG,1430");
    seed::load_factor_file(&mut conn, 2025, FactorFile::ProcessEmissions, changed.as_bytes()).await.unwrap();
    let after = factor::process_factors(&mut *conn, 2025).await.unwrap();
    assert_eq!(after.len(), 3, "no new factor");
    let r134a = |fs: &[co2_domain::process::ProcessFactor]| {
        fs.iter().find(|f| f.subcategory.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("r134a"))).cloned().unwrap()
    };
    assert_eq!(r134a(&after).ef_kg_co2eq_per_unit, 1430.0);
    assert_eq!(r134a(&after).factor_id, r134a(&before).factor_id, "links to the factor stay valid");
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn overlapping_haul_bands_refuse_the_plane_factor_file(pool: PgPool) {
    use co2_db::factor_file::FactorFile;
    let mut conn = pool.acquire().await.unwrap();
    report::ensure_year(&mut *conn, 2025, true).await.unwrap();
    let file = "category,cabin_class,ef_kg_co2eq_per_km,rfi_adjustment,min_distance,max_distance\n\
                short,economy,0.29,1.35,0,2500\nlong,economy,0.19,1.35,2000,100000\n";
    let err = seed::load_factor_file(&mut conn, 2025, FactorFile::TravelPlanes, file.as_bytes()).await;
    assert!(err.is_err(), "overlapping bands are refused as a whole");
    assert_eq!(factor::count_for(&mut *conn, 2025, &[20]).await.unwrap(), 0);
}
