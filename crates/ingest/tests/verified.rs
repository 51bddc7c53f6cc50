//! Desk-verified facts through the importers: a sheet names facilities by
//! source and source id, bad rows are rejected alone, and a later import of
//! the official list keeps what the desk confirmed.

use chrono::{TimeZone, Utc};
use renkei_core::{Answer, CapabilityCode};
use renkei_ingest::import::{Format, Importer};
use renkei_ingest::run::{import_bytes, import_verified};
use renkei_store::{DatabaseUrl, OpenOptions, SharedStore};

async fn fresh_store() -> SharedStore {
    renkei_store::open(&DatabaseUrl::new("sqlite::memory:"), OpenOptions::default())
        .await
        .unwrap()
}

const STATIONS: &str = "事業所番号,事業所名,住所,緯度,経度\n\
    1499999991,架空訪問看護ステーションさくら,神奈川県茅ヶ崎市架空町1-1,35.33,139.40\n\
    1499999992,架空訪問看護ステーションもみじ,神奈川県茅ヶ崎市架空町2-2,35.34,139.41\n";

const SHEET: &str = "出典,出典ID,項目,回答,確認日,確認機関,備考\n\
    mhlw-kaigo-kouhyou,1499999991,人工呼吸器,対応可,2026-11-20,架空市保健福祉事務所,夜間は要相談\n\
    mhlw-kaigo-kouhyou,1499999991,新規受入,×,2026/11/20,架空市保健福祉事務所,\n\
    mhlw-kaigo-kouhyou,1499999999,吸引,対応可,2026-11-20,架空市保健福祉事務所,\n\
    mhlw-kaigo-kouhyou,1499999992,空を飛ぶ,対応可,2026-11-20,架空市保健福祉事務所,\n\
    mhlw-kaigo-kouhyou,1499999992,吸引,たぶん,2026-11-20,架空市保健福祉事務所,\n\
    mhlw-kaigo-kouhyou,1499999992,吸引,対応可,2099-01-01,架空市保健福祉事務所,\n\
    mhlw-kaigo-kouhyou,1499999992,吸引,対応可,2026-11-20,,\n";

/// A fresh store holding the two fictional stations.
async fn store_with_stations() -> SharedStore {
    let store = fresh_store().await;
    let kaigo = Format::Official(Importer::Kaigo);
    import_bytes(
        store.as_ref(),
        &kaigo,
        "jigyosho_130.csv",
        STATIONS.as_bytes(),
    )
    .await
    .unwrap();
    store
}

#[tokio::test]
async fn issue_5_verified_sheet_survives_official_reimport() {
    let store = store_with_stations().await;
    let kaigo = Format::Official(Importer::Kaigo);
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap();
    let report = import_verified(store.as_ref(), "確認済み.csv", SHEET.as_bytes(), now)
        .await
        .unwrap();
    assert_eq!((report.rows_read, report.stored), (7, 2));
    let reasons: Vec<(u64, &str)> = report
        .rejected
        .iter()
        .map(|e| (e.line, e.field.as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            (4, "出典ID"),
            (5, "項目"),
            (6, "回答"),
            (7, "確認日"),
            (8, "確認機関")
        ],
        "each bad row is rejected alone, naming its column"
    );

    // The official list again, with a changed name: the desk's facts stay.
    let renamed = STATIONS.replace("さくら,", "さくら（移転）,");
    let again = import_bytes(
        store.as_ref(),
        &kaigo,
        "jigyosho_130.csv",
        renamed.as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(again[0].written.updated, 1);
    let id = renkei_core::FacilityId::from_source("mhlw-kaigo-kouhyou", "1499999991");
    let station = store.facility(id).await.unwrap();
    assert_eq!(station.name, "架空訪問看護ステーションさくら（移転）");
    let service = &station.services[0];
    assert_eq!(
        service.capability(&CapabilityCode::new("ventilator").unwrap()),
        Answer::Yes
    );
    assert_eq!(service.accepting_new_clients, Answer::No);
    assert_eq!(
        service
            .verified
            .as_ref()
            .map(|v| v.by_organization.as_str()),
        Some("架空市保健福祉事務所")
    );
    assert_eq!(again[0].conflicts, 0, "the list states nothing about them");
}

#[tokio::test]
async fn a_sheet_without_a_way_to_name_facilities_changes_nothing() {
    let store = fresh_store().await;
    let sheet = "名前,項目,回答,確認日,確認機関\n架空,吸引,対応可,2026-11-20,架空市\n";
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap();
    let error = import_verified(store.as_ref(), "bad.csv", sheet.as_bytes(), now)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("施設ID"), "{error}");
    assert!(store.verified_facts().await.unwrap().is_empty());
}

/// Issue 17: a sheet stating one item of one service twice is not decided
/// by row order: both rows are rejected, each naming the other's line; and
/// a zipped sheet reads like a plain one.
#[tokio::test]
async fn issue_17_duplicate_rows_are_rejected_with_both_lines_and_zips_are_read() {
    let store = fresh_store().await;
    let kaigo = Format::Official(Importer::Kaigo);
    import_bytes(
        store.as_ref(),
        &kaigo,
        "jigyosho_130.csv",
        STATIONS.as_bytes(),
    )
    .await
    .unwrap();
    let sheet = "出典,出典ID,項目,回答,確認日,確認機関\n\
        mhlw-kaigo-kouhyou,1499999991,人工呼吸器,対応可,2026-11-20,架空市保健福祉事務所\n\
        mhlw-kaigo-kouhyou,1499999992,吸引,対応可,2026-11-20,架空市保健福祉事務所\n\
        mhlw-kaigo-kouhyou,1499999991,人工呼吸器,対応不可,2026-11-21,架空市保健福祉事務所\n";
    let mut zipped = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut zipped));
        zip.start_file("確認済み.csv", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zip, sheet.as_bytes()).unwrap();
        zip.finish().unwrap();
    }
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
    let report = import_verified(store.as_ref(), "sheet.zip", &zipped, now)
        .await
        .unwrap();
    assert_eq!((report.rows_read, report.stored), (3, 1));
    let lines: Vec<(u64, &str)> = report
        .rejected
        .iter()
        .map(|e| (e.line, e.reason.as_str()))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0].0, 2);
    assert!(lines[0].1.contains("line 4"), "{lines:?}");
    assert_eq!(lines[1].0, 4);
    assert!(lines[1].1.contains("line 2"), "{lines:?}");
    assert_eq!(report.rejected[0].file, "sheet.zip!確認済み.csv");
}
