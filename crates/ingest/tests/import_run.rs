//! Import runs against a fresh SQLite store: idempotency, all-or-nothing per
//! file, and row errors that leave the rest of the file imported.

use renkei_ingest::import::{Format, Importer};
use renkei_ingest::run::{import_bytes, FileReport, ImportSession};
use renkei_store::{DatabaseUrl, OpenOptions, SharedStore, Store};

async fn fresh_store() -> SharedStore {
    renkei_store::open(&DatabaseUrl::new("sqlite::memory:"), OpenOptions::default())
        .await
        .unwrap()
}

/// Imports `text` as the file `name`; panics when the import fails.
async fn import_text(
    store: &dyn Store,
    format: &Format,
    name: &str,
    text: &str,
) -> Vec<FileReport> {
    import_bytes(store, format, name, text.as_bytes())
        .await
        .unwrap()
}

const STATIONS: &str = "事業所番号,事業所名,住所,緯度,経度\n\
    1499999991,架空訪問看護ステーションさくら,神奈川県茅ヶ崎市架空町1-1,35.33,139.40\n\
    1499999992,架空訪問看護ステーションもみじ,神奈川県茅ヶ崎市架空町2-2,35.34,139.41\n\
    1499999993,架空訪問看護ステーションかえで,神奈川県茅ヶ崎市架空町3-3,緯度不明,139.41\n";

#[tokio::test]
async fn importing_the_same_file_twice_changes_nothing() {
    let store = fresh_store().await;
    let format = Format::Official(Importer::Kaigo);
    let first = import_text(store.as_ref(), &format, "jigyosho_130.csv", STATIONS).await;
    assert_eq!(
        (
            first[0].rows_read,
            first[0].written.inserted,
            first[0].rejected.len()
        ),
        (3, 2, 1)
    );
    assert_eq!(first[0].rejected[0].line, 4);
    let version = store.data_version().await.unwrap();
    let second = import_text(store.as_ref(), &format, "jigyosho_130.csv", STATIONS).await;
    assert_eq!(
        (
            second[0].written.inserted,
            second[0].written.updated,
            second[0].written.unchanged
        ),
        (0, 0, 2)
    );
    assert_eq!(
        store.data_version().await.unwrap(),
        version,
        "an unchanged import is not a change"
    );
    assert_eq!(first[0].checksum_sha256, second[0].checksum_sha256);
    let runs = store.import_runs(10).await.unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(
        (
            runs[0].file_name.as_str(),
            runs[0].unchanged,
            runs[1].inserted,
            runs[1].rejected
        ),
        ("jigyosho_130.csv", 2, 2, 1)
    );
}

#[tokio::test]
async fn a_structurally_wrong_file_changes_nothing() {
    let store = fresh_store().await;
    let format = Format::Official(Importer::Kaigo);
    import_text(store.as_ref(), &format, "ok.csv", STATIONS).await;
    let before = store.count_facilities().await.unwrap();
    let err = import_bytes(
        store.as_ref(),
        &format,
        "wrong.csv",
        "名前,場所\n架空,どこか\n".as_bytes(),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("事業所番号"), "{err}");
    assert_eq!(store.count_facilities().await.unwrap(), before);
}

/// `import_paths` reads the next file while one is written; the files still
/// import in order, each in its own transaction, and the first that fails
/// stops the run with its path, leaving the ones before it imported.
#[tokio::test]
async fn import_paths_imports_in_order_and_stops_at_the_first_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let first = write("first.csv", STATIONS);
    let mut changed = STATIONS.replace("架空町1-1", "架空町1-9");
    changed.push_str(
        "1499999994,架空訪問看護ステーションつばき,神奈川県茅ヶ崎市架空町4-4,35.35,139.42\n",
    );
    let second = write("second.csv", &changed);
    let wrong = write("wrong.csv", "名前,場所\n架空,どこか\n");
    let never = write("never.csv", &STATIONS.replace("さくら", "ぼたん"));
    let format = Format::Official(Importer::Kaigo);
    let store = fresh_store().await;
    let mut session = ImportSession::new(store.as_ref());

    let mut started = Vec::new();
    let reports = session
        .import_paths(
            &[
                (format.clone(), first.clone()),
                (format.clone(), second.clone()),
            ],
            |path| started.push(path.to_owned()),
        )
        .await
        .unwrap();
    assert_eq!(started, [first.clone(), second.clone()]);
    let written: Vec<_> = reports
        .iter()
        .map(|r| (r.written.inserted, r.written.updated, r.written.unchanged))
        .collect();
    assert_eq!(
        written,
        [(2, 0, 0), (1, 1, 1)],
        "second file written after the first"
    );

    let stopped = session
        .import_paths(
            &[
                (format.clone(), first.clone()),
                (format.clone(), wrong.clone()),
                (format.clone(), never),
            ],
            |_| {},
        )
        .await
        .unwrap_err();
    assert_eq!(stopped.file, wrong);
    assert!(
        stopped.error.to_string().contains("事業所番号"),
        "{}",
        stopped.error
    );
    assert_eq!(
        stopped
            .imported
            .iter()
            .map(|r| r.file.as_str())
            .collect::<Vec<_>>(),
        [first.display().to_string()],
        "the file before the failure is reported as imported"
    );
    assert_eq!(
        store.count_facilities().await.unwrap(),
        3,
        "never.csv was not imported"
    );
    assert_eq!(store.import_runs(10).await.unwrap().len(), 3);
}

/// A 保険医療機関一覧 row that is linked to a hospital from 医療情報ネット is
/// still listed by its publisher: a copy of that hospital stored from an
/// earlier bureau list (before the hospital list was imported) must not be
/// marked closed when the bureau list is imported again with closing (the
/// list still has another hospital, so it speaks for hospitals).
#[tokio::test]
async fn issue_5_a_linked_bureau_row_keeps_its_earlier_copy_open() {
    let bureau =
        "医療機関コード(都道府県+医療機関番号),医療機関番号,医療機関名称,郵便番号,医療機関所在地\n\
        149999991,9999991,架空こどもクリニック,2530000,茅ヶ崎市架空町１－１\n\
        149999992,9999992,架空記念病院,2530001,茅ヶ崎市架空町２－２\n\
        149999993,9999993,架空第二病院,2530002,茅ヶ崎市架空町３－３\n";
    let hospitals = "ID,正式名称,正式名称（フリガナ）,略称,英語表記（ローマ字表記）,機関区分,都道府県コード,市区町村コード,所在地,所在地座標（緯度）,所在地座標（経度）,案内用ホームページアドレス\n\
        1400000000001,架空記念病院,カクウキネンビョウイン,,,1,14,207,神奈川県茅ヶ崎市架空町2-2,35.33,139.41,\n";
    let store = fresh_store().await;
    let bureau_format = Format::Official(Importer::HokenIryokikan);
    import_text(store.as_ref(), &bureau_format, "bureau.csv", bureau).await;
    import_text(
        store.as_ref(),
        &Format::Official(Importer::MhlwFacilities),
        "01-1_hospital_facility_info.csv",
        hospitals,
    )
    .await;
    let active_before = store.count_facilities().await.unwrap();

    let reports = import_text(store.as_ref(), &bureau_format, "bureau.csv", bureau).await;
    assert_eq!(
        reports[0].linked, 1,
        "the hospital row is linked, not stored twice"
    );
    let closing = renkei_ingest::closing::close_missing(
        store.as_ref(),
        &reports[0].source,
        &reports,
        None,
        chrono::Utc::now(),
        None,
    )
    .await
    .unwrap();
    assert_eq!(closing.closed, 0, "the bureau still lists 架空記念病院");
    assert_eq!(store.count_facilities().await.unwrap(), active_before);
}

#[tokio::test]
async fn issue_5_accreditations_attach_to_real_hospitals() {
    let (Some(hospitals), Some(list)) = (
        renkei_testdata::shared_file("facilities/kanagawa_hospitals_mhlw.csv"),
        renkei_testdata::shared_file("facilities/kanagawa_pediatric_inpatient_accreditations.csv"),
    ) else {
        return;
    };
    let store = fresh_store().await;
    let format = Format::Official(Importer::MhlwFacilities);
    import_bytes(
        store.as_ref(),
        &format,
        "hospitals.csv",
        &std::fs::read(hospitals).unwrap(),
    )
    .await
    .unwrap();
    let report = renkei_ingest::shisetsu::import_list(
        store.as_ref(),
        "list.csv",
        &std::fs::read(list).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(
        report.stored + report.unmatched.len() as u64,
        report.read as u64
    );
    assert!(report.stored >= 110, "{report:?}");
    let kodomo = store
        .all_facilities()
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.name.contains("こども医療センター"))
        .unwrap();
    let codes: Vec<&str> = kodomo
        .accreditations
        .iter()
        .map(|a| a.code.as_str())
        .collect();
    assert!(codes.contains(&"picu"), "{codes:?}");
}
