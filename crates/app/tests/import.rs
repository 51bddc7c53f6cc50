//! The one import dispatch ([`import_files`], [`Importer`]) against a fresh
//! SQLite store: every kind has a name, a run that stops at a file keeps the
//! files before it and says so, and kinds run one after another on one
//! importer see what the earlier ones stored.

use renkei_app::import::{
    import_files, ClosingOutcome, FileOutcome, ImportKind, ImportRequest, Importer,
};
use renkei_core::geocode::Precision;
use renkei_ingest::fetch::FetchPlan;
use renkei_ingest::import::{Format, Importer as OfficialList};
use renkei_store::{DatabaseUrl, OpenOptions, SharedStore};
use std::path::PathBuf;

async fn fresh_store() -> SharedStore {
    renkei_store::open(&DatabaseUrl::new("sqlite::memory:"), OpenOptions::default())
        .await
        .unwrap()
}

const HEADER: &str = "事業所番号,事業所名,住所,緯度,経度\n";
const SAKURA: &str =
    "1499999991,架空訪問看護ステーションさくら,神奈川県茅ヶ崎市架空町1-1,35.33,139.40\n";
const MOMIJI: &str =
    "1499999992,架空訪問看護ステーションもみじ,神奈川県茅ヶ崎市架空町2-2,35.34,139.41\n";

fn write(dir: &std::path::Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn kaigo(files: Vec<PathBuf>, close_missing: bool) -> ImportRequest {
    ImportRequest {
        close_missing,
        ..ImportRequest::new(
            ImportKind::Facilities(Format::Official(OfficialList::Kaigo)),
            files,
        )
    }
}

#[test]
fn issue_15_every_kind_and_every_planned_file_has_one_name() {
    for name in [
        "mhlw-facilities",
        "kaigo",
        "wamnet",
        "hoken-iryokikan",
        "town-points",
        "shisetsu-kijun",
        "verified",
        "n03",
        "regions",
        "population",
        "mesh-population",
        "service-areas",
        "mapping:p29-special-needs-schools",
    ] {
        assert!(ImportKind::from_name(name).is_ok(), "{name}");
    }
    for planned in FetchPlan::builtin("14").unwrap().files {
        assert!(
            ImportKind::from_name(&planned.importer).is_ok(),
            "{}: {}",
            planned.key,
            planned.importer
        );
    }
    let unknown = ImportKind::from_name("castle").unwrap_err().to_string();
    assert!(
        unknown.contains("castle") && unknown.contains("kaigo"),
        "{unknown}"
    );
    let no_mapping = ImportKind::from_name("mapping:castle")
        .unwrap_err()
        .to_string();
    assert!(
        no_mapping.contains("p29-special-needs-schools"),
        "{no_mapping}"
    );
}

#[tokio::test]
async fn issue_15_a_run_stopping_at_file_2_keeps_file_1_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store().await;
    let all = write(dir.path(), "all.csv", &format!("{HEADER}{SAKURA}{MOMIJI}"));
    let before = import_files(store.as_ref(), &kaigo(vec![all], false), &mut |_: &str| {}).await;
    assert!(before.failure.is_none(), "{:?}", before.failure);

    let first = write(dir.path(), "first.csv", &format!("{HEADER}{SAKURA}"));
    let wrong = write(dir.path(), "wrong.csv", "名前,場所\n架空,どこか\n");
    let never = write(dir.path(), "never.csv", &format!("{HEADER}{MOMIJI}"));
    let mut started = Vec::new();
    let outcome = import_files(
        store.as_ref(),
        &kaigo(vec![first.clone(), wrong.clone(), never], true),
        &mut |file: &str| started.push(file.to_owned()),
    )
    .await;
    assert_eq!(started.len(), 2, "the run stops at wrong.csv: {started:?}");
    let [imported] = outcome.files.as_slice() else {
        panic!("{:?}", outcome.files)
    };
    assert_eq!(imported.file, first.display().to_string());
    assert!(matches!(&imported.outcome, FileOutcome::Facilities(r) if r[0].written.unchanged == 1));
    assert!(
        outcome.closing.is_empty(),
        "nothing is closed after a failure"
    );
    let failure = outcome.failure.expect("the run failed");
    assert_eq!(
        failure.message(),
        format!(
            "{} was not imported and nothing from it was written; 1 file(s) were imported and stay so ({}); nothing was closed",
            wrong.display(),
            first.display()
        )
    );
    assert_eq!(
        store.count_facilities().await.unwrap(),
        2,
        "もみじ, which first.csv no longer lists, was not closed"
    );
}

#[tokio::test]
async fn issue_15_the_first_file_failing_leaves_the_database_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store().await;
    let missing = dir.path().join("missing.csv");
    let outcome = import_files(
        store.as_ref(),
        &kaigo(vec![missing.clone()], false),
        &mut |_: &str| {},
    )
    .await;
    assert!(outcome.files.is_empty());
    assert_eq!(
        outcome.failure.unwrap().message(),
        format!(
            "{} was not imported; the database is unchanged",
            missing.display()
        )
    );
    assert_eq!(store.data_version().await.unwrap(), 0);
}

#[tokio::test]
async fn issue_15_complete_lists_close_what_they_no_longer_list() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store().await;
    let all = write(dir.path(), "all.csv", &format!("{HEADER}{SAKURA}{MOMIJI}"));
    import_files(store.as_ref(), &kaigo(vec![all], false), &mut |_: &str| {}).await;
    let newer = write(dir.path(), "newer.csv", &format!("{HEADER}{SAKURA}"));
    let mut request = kaigo(vec![newer], true);
    let refused = import_files(store.as_ref(), &request, &mut |_: &str| {}).await;
    assert!(
        refused.closing[0]
            .summary()
            .contains("no longer list 1 of the 2"),
        "{:?}",
        refused.closing
    );
    assert!(
        refused.failure.is_some(),
        "closing half a source is refused"
    );
    // One of two is half the source: past the guard only when allowed.
    request.closing_guard.allow_mass_close = true;
    let outcome = import_files(store.as_ref(), &request, &mut |_: &str| {}).await;
    assert!(outcome.failure.is_none(), "{:?}", outcome.failure);
    let [ClosingOutcome::Done(done)] = outcome.closing.as_slice() else {
        panic!("{:?}", outcome.closing)
    };
    assert_eq!(
        (done.closed, done.prefectures.as_slice()),
        (1, ["14".to_owned()].as_slice())
    );
    assert_eq!(
        outcome.closing[0].summary(),
        "1 records no longer listed were marked closed (kept, with today's date; prefectures 14)"
    );
}

/// `renkei import regions` without a file.
async fn import_builtin_regions(
    store: &dyn renkei_store::Store,
) -> renkei_app::import::ImportOutcome {
    let request = ImportRequest::new(ImportKind::RegionTable, Vec::new());
    import_files(store, &request, &mut |_: &str| {}).await
}

#[tokio::test]
async fn issue_15_built_in_region_tables_load_without_files_and_place_again() {
    let store = fresh_store().await;
    let outcome = import_builtin_regions(store.as_ref()).await;
    assert!(outcome.failure.is_none(), "{:?}", outcome.failure);
    // A database holding no data gets every prefecture's table (issue 22).
    assert!(
        matches!(
            &outcome.files[0].outcome,
            FileOutcome::RegionTable { regions: 330, .. }
        ),
        "{:?}",
        outcome.files
    );
    assert_eq!(
        outcome.placement.map(|p| p.boundaries),
        Some(0),
        "placed again, against no boundaries yet"
    );
    assert_eq!(store.region_tables().await.unwrap().len(), 47);
}

#[tokio::test]
async fn issue_22_built_in_region_tables_of_the_prefectures_with_data() {
    let Some(n03) = renkei_testdata::shared_file("boundaries/N03-21_14_210101.json") else {
        return;
    };
    let store = fresh_store().await;
    let boundaries = ImportRequest::new(ImportKind::Boundaries, vec![n03]);
    import_files(store.as_ref(), &boundaries, &mut |_: &str| {}).await;
    let outcome = import_builtin_regions(store.as_ref()).await;
    assert!(outcome.failure.is_none(), "{:?}", outcome.failure);
    let tables = store.region_tables().await.unwrap();
    assert_eq!(
        tables
            .iter()
            .map(|t| t.prefecture().code.as_str())
            .collect::<Vec<_>>(),
        ["14"],
        "Kanagawa's boundaries: Kanagawa's table only"
    );
    assert_eq!(outcome.placement.map(|p| p.boundaries), Some(58));
}

#[tokio::test]
async fn issue_15_a_list_after_town_points_is_geocoded_against_them() {
    let Some(n03) = renkei_testdata::shared_file("boundaries/N03-21_14_210101.json") else {
        return;
    };
    let store = fresh_store().await;
    let mut importer = Importer::new(store.as_ref());
    let n03_bytes = std::fs::read(&n03).unwrap();
    let boundaries = importer
        .import_bytes(&ImportKind::Boundaries, "n03.json", &n03_bytes)
        .await
        .unwrap();
    assert!(matches!(boundaries, FileOutcome::Boundaries(b) if b.units == 58));
    // Without coordinates: placed from the address, through the town points
    // stored just before in the same importer.
    let unplaced =
        format!("{HEADER}1499999996,架空訪問看護ステーションすみれ,神奈川県茅ヶ崎市架空町6-6,,\n");
    let kind = ImportKind::Facilities(Format::Official(OfficialList::Kaigo));
    let precision = || async { store.all_facilities().await.unwrap()[0].location.geocoded };
    importer
        .import_bytes(&kind, "before.csv", unplaced.as_bytes())
        .await
        .unwrap();
    assert_eq!(precision().await, Some(Precision::Municipality));
    let towns = "市区町村コード,大字町丁目名,緯度,経度\n142077,架空町六丁目,35.331,139.401\n";
    let points = importer
        .import_bytes(&ImportKind::TownPoints, "towns.csv", towns.as_bytes())
        .await
        .unwrap();
    assert!(
        matches!(points, FileOutcome::TownPoints { stored: 1, .. }),
        "{points:?}"
    );
    importer
        .import_bytes(&kind, "after.csv", unplaced.as_bytes())
        .await
        .unwrap();
    assert_eq!(
        precision().await,
        Some(Precision::Town),
        "the list after the town points is placed at the town"
    );
}
