//! `renkei fetch` (the app's [`fetch`]) against a local HTTP server on
//! loopback that serves ../shared/data, and against servers that fail, stall
//! and truncate.

use renkei_app::import::{
    fetch, fetch_guarded, ClosingGuard, ClosingOutcome, FetchFailure, FetchReport, FileOutcome,
    RegionTableOutcome,
};
use renkei_core::FacilityStatus::{Active, Closed};
use renkei_ingest::fetch::{FetchOptions, FetchPlan};
use renkei_store::{DatabaseUrl, OpenOptions, SharedStore};
use renkei_testdata::{shared_data_dir, shared_file};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

async fn fresh_store() -> SharedStore {
    renkei_store::open(&DatabaseUrl::new("sqlite::memory:"), OpenOptions::default())
        .await
        .unwrap()
}

/// Fetches `plan` into `store` with no progress display.
async fn fetch_and_import(
    store: &dyn renkei_store::Store,
    plan: &FetchPlan,
    options: &FetchOptions,
) -> FetchReport {
    fetch(store, plan, options.clone(), &mut |_: &str| {})
        .await
        .unwrap()
}

/// As [`fetch_and_import`], closing however many the list no longer has
/// (`--allow-mass-close`: these fictional lists are tiny, so one record is a
/// large share).
async fn fetch_allowing_mass_close(
    store: &dyn renkei_store::Store,
    plan: &FetchPlan,
    options: &FetchOptions,
) -> FetchReport {
    let guard = ClosingGuard {
        allow_mass_close: true,
        ..ClosingGuard::default()
    };
    fetch_guarded(store, plan, options.clone(), guard, &mut |_: &str| {})
        .await
        .unwrap()
}

/// How the test server answers.
#[derive(Clone, Copy)]
enum Behaviour {
    /// Serves the shared-data file named by the path.
    Serve,
    /// 500 for every request.
    Fail,
    /// Promises the whole file, sends 10 bytes, closes.
    Truncate,
    /// Sends headers and 10 bytes, then nothing.
    Stall,
    /// Fails the first request, then serves.
    FailOnce,
}

/// Starts a tiny HTTP/1.1 server on 127.0.0.1 that stops with the test's runtime.
async fn server(behaviour: Behaviour) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let requests = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let requests = Arc::clone(&requests);
            tokio::spawn(async move {
                let mut buffer = vec![0_u8; 8192];
                let n = socket.read(&mut buffer).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&buffer[..n]).into_owned();
                let path = request
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("/")
                    .trim_start_matches('/')
                    .to_owned();
                let body = std::fs::read(shared_data_dir().join(&path)).unwrap_or_default();
                let first = requests.fetch_add(1, Ordering::SeqCst) == 0;
                let head = |status: &str, length: usize| {
                    format!("HTTP/1.1 {status}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n")
                };
                match behaviour {
                    Behaviour::Fail => {
                        let _ = socket
                            .write_all(head("500 Internal Server Error", 0).as_bytes())
                            .await;
                    }
                    Behaviour::FailOnce if first => {
                        let _ = socket
                            .write_all(head("503 Service Unavailable", 0).as_bytes())
                            .await;
                    }
                    Behaviour::Serve | Behaviour::FailOnce => {
                        let _ = socket
                            .write_all(head("200 OK", body.len()).as_bytes())
                            .await;
                        let _ = socket.write_all(&body).await;
                    }
                    Behaviour::Truncate => {
                        let _ = socket
                            .write_all(head("200 OK", body.len()).as_bytes())
                            .await;
                        let _ = socket.write_all(&body[..10.min(body.len())]).await;
                    }
                    Behaviour::Stall => {
                        let _ = socket
                            .write_all(head("200 OK", body.len()).as_bytes())
                            .await;
                        let _ = socket.write_all(&body[..10.min(body.len())]).await;
                        tokio::time::sleep(Duration::from_secs(30)).await;
                    }
                }
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{address}")
}

/// The Kanagawa plan with every file pointed at `base` + its shared-data path.
fn options_for(plan: &FetchPlan, base: &str, download_dir: &std::path::Path) -> FetchOptions {
    FetchOptions {
        url_overrides: plan
            .files
            .iter()
            .map(|f| {
                (
                    f.key.clone(),
                    format!("{base}/{}", f.local.first().unwrap()),
                )
            })
            .collect(),
        download_dir: download_dir.to_owned(),
        attempts: 2,
        stall_timeout: Duration::from_millis(700),
        ..FetchOptions::default()
    }
}

fn hospitals_only(plan: &FetchPlan) -> FetchPlan {
    FetchPlan {
        prefecture: plan.prefecture.clone(),
        files: plan
            .files
            .iter()
            .filter(|f| f.key == "hospitals")
            .cloned()
            .collect(),
    }
}

#[tokio::test]
async fn issue_5_fetch_downloads_and_imports_every_kanagawa_file_in_order() {
    if shared_file("facilities/kanagawa_hospitals_mhlw.csv").is_none() {
        return;
    }
    let store = fresh_store().await;
    let plan = FetchPlan::builtin("14").unwrap();
    let downloads = tempfile::tempdir().unwrap();
    let base = server(Behaviour::Serve).await;
    let report = fetch_and_import(
        store.as_ref(),
        &plan,
        &options_for(&plan, &base, downloads.path()),
    )
    .await;
    assert!(report.complete(), "{:?}", report.files);
    assert!(
        matches!(&report.files[0].result, Ok(FileOutcome::Boundaries(b)) if b.units == 58),
        "{:?}",
        report.files[0]
    );
    // 310 hospitals + 1,234 visiting-nurse stations + 241 + 273 WAM NET services.
    assert_eq!(
        store.count_facilities().await.unwrap(),
        310 + 1234 + 241 + 273
    );
    assert_eq!(report.regions, RegionTableOutcome::Loaded(9));
    // The six per-service WAM NET downloads all stand for the one local file
    // here: it is imported once, the other five say so.
    let same: Vec<&str> = report
        .files
        .iter()
        .filter(|f| matches!(&f.result, Ok(FileOutcome::SameAsEarlier { key }) if key == "wamnet-medical-care"))
        .map(|f| f.key.as_str())
        .collect();
    assert_eq!(same.len(), 5, "{same:?}");
    let placement = report.placement;
    assert!(placement.inside > 2000, "{placement:?}");
    assert_eq!(placement.suspect, 0, "{placement:?}");
    let by_address = store
        .all_facilities()
        .await
        .unwrap()
        .into_iter()
        .filter(|f| f.provenance.source == "mhlw-kaigo-kouhyou" && f.location.geocoded.is_some())
        .count();
    assert!(
        by_address >= 6,
        "the stations the publisher geocoded outside Kanagawa are placed by their address: {by_address}"
    );
    let again = report.assignment.unwrap();
    assert_eq!(
        (again.positioned, again.changed),
        (placement.positioned, 0),
        "the imports placed everything; nothing is left for a second pass"
    );
    // Placed in their 二次医療圏 by the fetch itself, before any `renkei serve`.
    let facilities = store.all_facilities().await.unwrap();
    let placed = facilities
        .iter()
        .filter(|f| f.location.municipality.is_some())
        .count();
    assert!(placed > 2000, "{placed}");
    assert_eq!(
        facilities
            .iter()
            .filter(|f| f.location.municipality.is_some() && f.location.region.is_none())
            .count(),
        0,
        "every placed location has its 二次医療圏"
    );
    assert!(
        report.closing.iter().all(
            |c| matches!(c, ClosingOutcome::Done(done) if done.closed == 0 && done.prefectures == ["14"])
        ),
        "a fresh database has nothing to close: {:?}",
        report.closing
    );
    assert_eq!(
        store.import_runs(50).await.unwrap().len(),
        4 + 2,
        "one run per facility file and per base-map file (stations, rail lines)"
    );
    assert!(report.files.iter().any(|f| matches!(
        &f.result,
        Ok(FileOutcome::BaseMap { what: "stations", stored, .. }) if *stored > 900
    )));
    assert!(report
        .files
        .iter()
        .all(|f| f.checksum_sha256.as_ref().is_some_and(|c| c.len() == 64)));
}

#[tokio::test]
async fn issue_5_source_dir_needs_no_network() {
    let Some(_) = shared_file("facilities/kanagawa_hospitals_mhlw.csv") else {
        return;
    };
    let store = fresh_store().await;
    let plan = FetchPlan::builtin("14").unwrap();
    let downloads = tempfile::tempdir().unwrap();
    let options = FetchOptions {
        source_dir: Some(shared_data_dir()),
        // Nothing listens here: any download attempt would fail the test.
        url_overrides: plan
            .files
            .iter()
            .map(|f| (f.key.clone(), "http://127.0.0.1:9/never".to_owned()))
            .collect::<HashMap<_, _>>(),
        download_dir: downloads.path().to_owned(),
        ..FetchOptions::default()
    };
    let report = fetch_and_import(store.as_ref(), &plan, &options).await;
    assert!(report.complete(), "{:?}", report.files);
}

#[tokio::test]
async fn issue_5_broken_downloads_import_nothing_and_a_retry_works() {
    if shared_file("facilities/kanagawa_hospitals_mhlw.csv").is_none() {
        return;
    }
    let store = fresh_store().await;
    let plan = hospitals_only(&FetchPlan::builtin("14").unwrap());
    let downloads = tempfile::tempdir().unwrap();
    for (behaviour, expected) in [
        (Behaviour::Fail, "500"),
        (Behaviour::Truncate, "truncated"),
        (Behaviour::Stall, "timed out"),
    ] {
        let base = server(behaviour).await;
        let report = fetch_and_import(
            store.as_ref(),
            &plan,
            &options_for(&plan, &base, downloads.path()),
        )
        .await;
        let Err(FetchFailure::Download(reason)) = &report.files[0].result else {
            panic!("{:?}", report.files)
        };
        assert!(
            reason.contains(expected) && reason.contains("2 attempts"),
            "{reason}"
        );
        assert_eq!(
            store.count_facilities().await.unwrap(),
            0,
            "nothing from a broken download is imported"
        );
    }
    let base = server(Behaviour::FailOnce).await;
    let report = fetch_and_import(
        store.as_ref(),
        &plan,
        &options_for(&plan, &base, downloads.path()),
    )
    .await;
    assert!(
        report.complete(),
        "the second attempt succeeds: {:?}",
        report.files
    );
    assert_eq!(store.count_facilities().await.unwrap(), 310);
}

/// Fictional hospitals in the 医療情報ネット format: (ID, name, prefecture, city, lat).
fn hospital_file(rows: &[(&str, &str, &str, &str, &str)]) -> String {
    let mut text = "ID,正式名称,機関区分,都道府県コード,市区町村コード,所在地,所在地座標（緯度）,所在地座標（経度）\n".to_owned();
    for (id, name, prefecture, city, lat) in rows {
        let address = if *prefecture == "14" {
            "神奈川県茅ヶ崎市架空町1-1"
        } else {
            "東京都千代田区架空町1-1"
        };
        writeln!(
            text,
            "{id},{name},1,{prefecture},{city},{address},{lat},139.40"
        )
        .expect("writing to a String cannot fail");
    }
    text
}

/// Imports hospital `rows` as a 医療情報ネット list with `renkei import`.
async fn import_hospitals(
    store: &dyn renkei_store::Store,
    rows: &[(&str, &str, &str, &str, &str)],
) {
    use renkei_ingest::import::{Format, Importer};
    renkei_ingest::run::import_bytes(
        store,
        &Format::Official(Importer::MhlwFacilities),
        "national.csv",
        hospital_file(rows).as_bytes(),
    )
    .await
    .unwrap();
}

/// The plan's hospital file alone, taken from a folder the test writes.
struct HospitalMirror {
    plan: FetchPlan,
    /// Where the test writes the hospital list.
    local: std::path::PathBuf,
    options: FetchOptions,
    _folders: (tempfile::TempDir, tempfile::TempDir),
}

impl HospitalMirror {
    fn new() -> Self {
        let plan = hospitals_only(&FetchPlan::builtin("14").unwrap());
        let mirror = tempfile::tempdir().unwrap();
        let downloads = tempfile::tempdir().unwrap();
        let local = mirror.path().join(plan.files[0].local.first().unwrap());
        std::fs::create_dir_all(local.parent().unwrap()).unwrap();
        let options = FetchOptions {
            source_dir: Some(mirror.path().to_owned()),
            download_dir: downloads.path().to_owned(),
            ..FetchOptions::default()
        };
        Self {
            plan,
            local,
            options,
            _folders: (mirror, downloads),
        }
    }
}

#[tokio::test]
async fn issue_5_fetch_closes_what_the_list_no_longer_has_only_after_a_whole_download() {
    let store = fresh_store().await;
    let mirror = HospitalMirror::new();
    let (plan, local, options) = (&mirror.plan, &mirror.local, &mirror.options);
    let status = |facilities: &[renkei_core::Facility], name: &str| {
        facilities
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.status)
            .unwrap()
    };

    // A Tokyo hospital of the same source, imported from a national list before.
    let tokyo = ("9913000001", "架空とうきょう病院", "13", "101", "35.68");
    import_hospitals(store.as_ref(), &[tokyo]).await;
    std::fs::write(
        local,
        hospital_file(&[
            ("9914000001", "架空こども病院", "14", "207", "35.33"),
            ("9914000002", "架空みなと病院", "14", "207", "35.33"),
            ("9914000003", "架空やま病院", "14", "207", "35.33"),
            tokyo,
        ]),
    )
    .unwrap();
    let first = fetch_and_import(store.as_ref(), plan, options).await;
    assert!(first.complete(), "{:?}", first.files);
    let outcome = first.files[0].result.as_ref().unwrap().summary();
    assert!(
        outcome.starts_with("4 read, 3 new"),
        "the Tokyo row is left out: {outcome}"
    );
    assert_eq!(store.count_facilities().await.unwrap(), 4);

    // The newer list drops みなと and the Tokyo row, and やま's row is broken.
    std::fs::write(
        local,
        hospital_file(&[
            ("9914000001", "架空こども病院", "14", "207", "35.33"),
            ("9914000003", "架空やま病院", "14", "207", "35..33"),
        ]),
    )
    .unwrap();
    let second = fetch_allowing_mass_close(store.as_ref(), plan, options).await;
    assert_eq!(
        second.regions,
        RegionTableOutcome::Kept(9),
        "a stored 二次医療圏 table is kept, not replaced"
    );
    let [ClosingOutcome::Done(done)] = second.closing.as_slice() else {
        panic!("{:?}", second.closing)
    };
    assert_eq!(
        (done.closed, done.prefectures.as_slice()),
        (1, ["14".to_owned()].as_slice())
    );
    let facilities = store.all_facilities().await.unwrap();
    assert_eq!(status(&facilities, "架空こども病院"), Active);
    assert_eq!(
        status(&facilities, "架空みなと病院"),
        Closed,
        "no longer listed"
    );
    assert_eq!(
        status(&facilities, "架空やま病院"),
        Active,
        "a rejected row is still listed by the publisher"
    );
    assert_eq!(
        status(&facilities, "架空とうきょう病院"),
        Active,
        "fetch --prefecture 14 closes nothing in another prefecture"
    );

    // A failed download closes nothing, even though the list would drop こども.
    std::fs::remove_file(local).unwrap();
    let base = server(Behaviour::Fail).await;
    let failed = fetch_and_import(
        store.as_ref(),
        plan,
        &FetchOptions {
            attempts: 1,
            ..options_for(plan, &base, options.download_dir.as_path())
        },
    )
    .await;
    assert!(!failed.complete());
    assert!(
        matches!(failed.closing.as_slice(), [ClosingOutcome::Skipped { reason, .. }] if reason.contains("hospitals was not imported")),
        "{:?}",
        failed.closing
    );
    let after = store.all_facilities().await.unwrap();
    assert_eq!(
        after.iter().filter(|f| f.status == Active).count(),
        3,
        "the failed fetch closed nothing"
    );
}

/// Issue 17: a source whose list has far fewer rows than its last good run
/// (a truncated or broken download) closes nothing unless mass closing is
/// allowed; a run that would close over 10 % of it neither.
#[tokio::test]
async fn issue_17_fetch_closes_nothing_when_a_list_shrinks_far_below_its_last_good_run() {
    let store = fresh_store().await;
    let mirror = HospitalMirror::new();
    let (plan, local, options) = (&mirror.plan, &mirror.local, &mirror.options);
    let ids: Vec<String> = (1..=40).map(|n| format!("99140000{n:02}")).collect();
    let file = |count: usize| {
        let rows: Vec<(&str, &str, &str, &str, &str)> = ids[..count]
            .iter()
            .map(|id| (id.as_str(), "架空病院", "14", "207", "35.33"))
            .collect();
        hospital_file(&rows)
    };
    std::fs::write(local, file(40)).unwrap();
    assert!(fetch_and_import(store.as_ref(), plan, options)
        .await
        .complete());
    assert_eq!(store.count_facilities().await.unwrap(), 40);

    std::fs::write(local, file(20)).unwrap();
    let shrunk = fetch_and_import(store.as_ref(), plan, options).await;
    assert!(
        matches!(shrunk.closing.as_slice(), [ClosingOutcome::Skipped { reason, .. }] if reason.contains("50 % fewer than the 40")),
        "{:?}",
        shrunk.closing
    );
    assert_eq!(
        store.count_facilities().await.unwrap(),
        40,
        "nothing closed"
    );

    let allowed = fetch_allowing_mass_close(store.as_ref(), plan, options).await;
    assert!(
        allowed.closing[0].summary().contains("20 records"),
        "{:?}",
        allowed.closing
    );
    assert_eq!(store.count_facilities().await.unwrap(), 20);
}
