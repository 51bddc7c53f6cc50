//! `renkei fetch` through the real binary, against a local HTTP server on
//! loopback: each file's row says what it did, and the closing message claims
//! no more than was done (issue 15).

use crate::database::{fail_import_log, logged_files, statuses};
use crate::support::run;
use std::io::{Read, Write};
use std::path::Path;

/// What the server sends for every path: a CSV no importer accepts.
const JUNK: &str = "名前,場所\n架空,どこか\n";

/// Plan keys of data/fetch/14_kanagawa.toml other than `hospitals`.
const OTHER_KEYS: [&str; 13] = [
    "n03",
    "population",
    "town-points",
    "stations",
    "rail-lines",
    "visiting-nurse",
    "wamnet-medical-care",
    "wamnet-medical-child-development",
    "wamnet-home-visit",
    "wamnet-nursery-visit",
    "wamnet-welfare-residential",
    "wamnet-medical-residential",
    "wamnet-short-stay",
];

/// Serves [`JUNK`] on 127.0.0.1 from a thread that ends with the test process.
fn junk_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut request = [0_u8; 4096];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{JUNK}",
                    JUNK.len()
                )
                .as_bytes(),
            );
        }
    });
    format!("http://{address}")
}

/// A mirror folder holding only the plan's hospital list: two fictional hospitals.
fn mirror_with_hospitals(dir: &Path) -> String {
    let mirror = dir.join("mirror");
    let file = mirror.join("facilities/kanagawa_hospitals_mhlw.csv");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(
        &file,
        "ID,正式名称,機関区分,都道府県コード,市区町村コード,所在地,所在地座標（緯度）,所在地座標（経度）\n\
         9914000001,架空こども病院,1,14,207,神奈川県茅ヶ崎市架空町1-1,35.33,139.40\n\
         9914000002,架空みなと病院,1,14,207,神奈川県茅ヶ崎市架空町2-2,35.34,139.41\n",
    )
    .unwrap();
    mirror.display().to_string()
}

/// Runs `renkei fetch --prefecture 14` in `dir`: hospitals from the mirror,
/// every other file from the junk server.
fn fetch(dir: &Path) -> std::process::Output {
    let mirror = mirror_with_hospitals(dir);
    let base = junk_server();
    let urls: Vec<String> = OTHER_KEYS
        .iter()
        .map(|key| format!("{key}={base}/{key}.csv"))
        .collect();
    let mut args = vec![
        "fetch",
        "--prefecture",
        "14",
        "--source-dir",
        &mirror,
        "--download-dir",
        "downloads",
        "--db",
        "dir.db",
    ];
    for url in &urls {
        args.extend(["--url", url]);
    }
    run(dir, &args)
}

/// The table row of plan key `key`.
fn row<'a>(table: &'a str, key: &str) -> &'a str {
    table
        .lines()
        .find(|l| l.split(['│', '┆']).nth(1).map(str::trim) == Some(key))
        .unwrap_or_else(|| panic!("no row for {key}: {table}"))
}

#[test]
fn issue_15_fetch_reports_each_file_and_says_only_what_was_done() {
    let dir = tempfile::tempdir().unwrap();
    let output = fetch(dir.path());
    assert!(!output.status.success());
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(
        row(&table, "hospitals").contains("2 read, 2 new, 0 updated, 0 unchanged, 0 rejected"),
        "{table}"
    );
    for key in OTHER_KEYS {
        assert!(
            row(&table, key).contains("NOT IMPORTED: not imported; nothing from it was written"),
            "{table}"
        );
    }
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains(&format!(
            "13 of 14 files were not imported ({}; see NOT IMPORTED above) and nothing from them was written; the other files were imported and stay so",
            OTHER_KEYS.join(", ")
        )),
        "{said}"
    );
    assert!(!said.contains("unchanged"), "{said}");

    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = dir.path().join("dir.db");
    let stored = rt.block_on(statuses(&db));
    assert_eq!(
        stored.keys().map(String::as_str).collect::<Vec<_>>(),
        ["架空こども病院", "架空みなと病院"]
    );
    assert_eq!(
        rt.block_on(logged_files(&db)),
        ["kanagawa_hospitals_mhlw.csv"]
    );
}

#[tokio::test]
async fn issue_15_fetch_a_list_whose_import_log_fails_writes_nothing_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let made = run(dir.path(), &["check", "conflicts", "--db", "dir.db"]);
    assert!(made.status.success());
    let db = dir.path().join("dir.db");
    fail_import_log(&db, None).await;

    let output = fetch(dir.path());
    assert!(!output.status.success());
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(
        row(&table, "hospitals")
            .contains("NOT IMPORTED: not imported; nothing from it was written"),
        "{table}"
    );
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("14 of 14 files were not imported"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        statuses(&db).await.is_empty(),
        "no hospital is stored without its import log"
    );
    assert!(logged_files(&db).await.is_empty());
}

/// `renkei fetch --prefecture 47 --source-dir ../shared/data --offline`: the
/// national plan cut to 沖縄県, the files the folder has imported and the
/// others skipped without a download, and the command succeeds.
#[test]
fn issue_22_fetch_any_prefecture_from_the_shared_national_files_offline() {
    if renkei_testdata::shared_file("national/visiting_nursing_national.csv").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let shared = renkei_testdata::shared_data_dir();
    let output = run(
        dir.path(),
        &[
            "fetch",
            "--prefecture",
            "47",
            "--source-dir",
            shared.to_str().unwrap(),
            "--offline",
            "--db",
            "okinawa.db",
        ],
    );
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{table}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        row(&table, "regions").contains("二次医療圏 5 件を登録"),
        "{table}"
    );
    assert!(
        row(&table, "visiting-nurse").contains(" 0 rejected"),
        "{table}"
    );
    assert!(row(&table, "hospitals").contains("SKIPPED"), "{table}");
    assert!(table.contains("0 placement(s) changed"), "{table}");
    assert!(!dir
        .path()
        .join("downloads")
        .read_dir()
        .unwrap()
        .any(|_| true));
}
