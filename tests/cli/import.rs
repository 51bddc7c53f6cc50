//! `renkei import`: official lists and mapped CSVs through the real binary.

use crate::support::{run, text, Server};

const STATIONS: &str = "事業所番号,事業所名,住所,緯度,経度\n\
    1499999991,架空訪問看護ステーションさくら,神奈川県茅ヶ崎市架空町1-1,35.33,139.40\n\
    1499999992,架空訪問看護ステーションもみじ,神奈川県茅ヶ崎市架空町2-2,35.34,139.41\n\
    1499999993,架空訪問看護ステーションかえで,神奈川県茅ヶ崎市架空町3-3,35..1,139.41\n";

#[tokio::test]
async fn issue_5_import_reports_rows_writes_error_report_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("jigyosho_130.csv");
    std::fs::write(&file, STATIONS).unwrap();
    let report = dir.path().join("errors.csv");
    let args = [
        "import",
        "kaigo",
        "--db",
        "dir.db",
        "--error-report",
        "errors.csv",
        file.to_str().unwrap(),
    ];

    let first = run(dir.path(), &args);
    assert!(first.status.success(), "{}", text(&first));
    let summary = String::from_utf8_lossy(&first.stdout);
    assert!(
        summary.contains("inserted") && summary.contains("mhlw-kaigo-kouhyou"),
        "{summary}"
    );
    let errors = std::fs::read_to_string(&report).unwrap();
    assert!(
        errors.starts_with('\u{feff}'),
        "error report opens in Excel"
    );
    assert!(
        errors.contains(",4,緯度,") && errors.contains("35..1"),
        "{errors}"
    );

    let second = run(dir.path(), &args);
    assert!(second.status.success(), "{}", text(&second));
    let row = String::from_utf8_lossy(&second.stdout)
        .lines()
        .find(|l| l.contains("jigyosho_130.csv"))
        .unwrap()
        .to_owned();
    let cells: Vec<&str> = row
        .split(['│', '┆'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        &cells[2..6],
        ["3", "0", "0", "2"],
        "read, inserted, updated, unchanged: {row}"
    );

    // The imported stations are served, next to nothing else: no demo on a non-empty database.
    let server = Server::start(dir.path(), &dir.path().join("dir.db"));
    let (_, health) = server.get_json("/api/v1/health").await;
    assert_eq!(health["facilities"], 2);
    assert!(server.terminate().0.success());
}

#[test]
fn issue_5_a_wrong_file_is_refused_in_plain_words_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.csv");
    std::fs::write(&good, STATIONS).unwrap();
    assert!(run(
        dir.path(),
        &["import", "kaigo", "--db", "dir.db", good.to_str().unwrap()]
    )
    .status
    .success());
    let wrong = dir.path().join("wrong.csv");
    std::fs::write(&wrong, "名前,場所\n架空,どこか\n").unwrap();
    let output = run(
        dir.path(),
        &[
            "import",
            "wamnet",
            "--db",
            "dir.db",
            wrong.to_str().unwrap(),
        ],
    );
    assert!(!output.status.success());
    let message = text(&output);
    assert!(
        message.contains("required columns are missing")
            && message.contains("database is unchanged"),
        "{message}"
    );
    let missing = run(
        dir.path(),
        &["import", "kaigo", "--db", "dir.db", "no-such-file.csv"],
    );
    assert!(!missing.status.success());
    assert!(
        text(&missing).contains("no-such-file.csv"),
        "{}",
        text(&missing)
    );
}

#[tokio::test]
async fn issue_5_close_missing_marks_unlisted_records_closed_and_logs_it() {
    let dir = tempfile::tempdir().unwrap();
    let all = dir.path().join("all.csv");
    std::fs::write(&all, STATIONS).unwrap();
    assert!(run(
        dir.path(),
        &["import", "kaigo", "--db", "dir.db", all.to_str().unwrap()]
    )
    .status
    .success());
    // A newer file without もみじ.
    let newer = dir.path().join("newer.csv");
    std::fs::write(
        &newer,
        STATIONS
            .lines()
            .filter(|l| !l.contains("もみじ"))
            .collect::<Vec<_>>()
            .join("\n"),
    )
    .unwrap();
    let output = run(
        dir.path(),
        &[
            "import",
            "kaigo",
            "--close-missing",
            // One of a few fictional stations is more than the 10 % guard.
            "--allow-mass-close",
            "--db",
            "dir.db",
            newer.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains("1 records no longer listed were marked closed"),
        "{}",
        text(&output)
    );

    assert_eq!(
        active_and_last_closed(dir.path()).await,
        (1, 1),
        "the closed station is no longer listed as active, and the closing is logged"
    );
}

/// Serves `dir/dir.db` and returns its active facilities and the `closed`
/// count of its newest import run.
async fn active_and_last_closed(dir: &std::path::Path) -> (u64, u64) {
    let server = Server::start(dir, &dir.join("dir.db"));
    let (_, health) = server.get_json("/api/v1/health").await;
    let (_, runs) = server.get_json("/api/v1/imports").await;
    assert!(server.terminate().0.success());
    (
        health["facilities"].as_u64().unwrap(),
        runs["items"][0]["closed"].as_u64().unwrap(),
    )
}

/// A national list of fictional stations: three in 神奈川県 and two in 東京都.
const NATIONAL: &str = "事業所番号,事業所名,住所,緯度,経度\n\
    1499999991,架空訪問看護ステーションさくら,神奈川県茅ヶ崎市架空町1-1,35.33,139.40\n\
    1499999992,架空訪問看護ステーションもみじ,神奈川県茅ヶ崎市架空町2-2,35.34,139.41\n\
    1499999994,架空訪問看護ステーションつばき,神奈川県茅ヶ崎市架空町4-4,35.35,139.42\n\
    1399999991,架空訪問看護ステーションうめ,東京都千代田区架空町1-1,35.68,139.75\n\
    1399999992,架空訪問看護ステーションふじ,東京都千代田区架空町2-2,35.69,139.76\n";

#[tokio::test]
async fn issue_5_closing_is_scoped_to_the_prefectures_a_file_covers() {
    let dir = tempfile::tempdir().unwrap();
    let national = dir.path().join("national.csv");
    std::fs::write(&national, NATIONAL).unwrap();
    let import = |file: &std::path::Path| {
        run(
            dir.path(),
            &[
                "import",
                "kaigo",
                "--close-missing",
                // One of a few fictional stations is more than the 10 % guard.
                "--allow-mass-close",
                "--db",
                "dir.db",
                "--error-report",
                "errors.csv",
                file.to_str().unwrap(),
            ],
        )
    };
    let first = import(&national);
    assert!(first.status.success(), "{}", text(&first));

    // Kanagawa's newer list: さくら as before, もみじ gone, and つばき on a row
    // whose coordinates are broken (rejected, but still listed by the publisher).
    let kanagawa = dir.path().join("kanagawa.csv");
    std::fs::write(
        &kanagawa,
        "事業所番号,事業所名,住所,緯度,経度\n\
         1499999991,架空訪問看護ステーションさくら,神奈川県茅ヶ崎市架空町1-1,35.33,139.40\n\
         1499999994,架空訪問看護ステーションつばき,神奈川県茅ヶ崎市架空町4-4,35..35,139.42\n",
    )
    .unwrap();
    let output = import(&kanagawa);
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains("1 records no longer listed were marked closed (kept, with today's date; prefectures 14)"),
        "{}",
        text(&output)
    );
    let errors = std::fs::read_to_string(dir.path().join("errors.csv")).unwrap();
    assert!(
        errors.contains("35..35"),
        "the rejected row is reported: {errors}"
    );

    // A header-only file fails, says why, and closes nothing.
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "事業所番号,事業所名,住所,緯度,経度\n").unwrap();
    let refused = import(&empty);
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("no data rows") && text(&refused).contains("nothing was closed"),
        "{}",
        text(&refused)
    );

    assert_eq!(
        active_and_last_closed(dir.path()).await,
        (4, 1),
        "only もみじ is closed: つばき (rejected row) and both Tokyo stations stay active"
    );
}

#[test]
fn issue_18_import_stations_and_postcodes_report_what_they_stored() {
    let dir = tempfile::tempdir().unwrap();
    let stations = dir.path().join("stations.geojson");
    std::fs::write(
        &stations,
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"N02_003":"架空本線","N02_004":"架空鉄道","N02_005":"架空ヶ丘","N02_005c":"900001","N02_005g":"900001"},
           "geometry":{"type":"LineString","coordinates":[[139.40,35.33],[139.42,35.33]]}}]}"#,
    )
    .unwrap();
    let output = run(
        dir.path(),
        &[
            "import",
            "stations",
            "--db",
            "dir.db",
            stations.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("1 stations stored; 0 rejected"),
        "{}",
        text(&output)
    );
    let postcodes = dir.path().join("postcodes.csv");
    std::fs::write(
        &postcodes,
        "postcode,pref_code,city,town,lat,lng\n9990001,14,架空市,架空町,35.33,139.40\n99900,14,架空市,,35.33,139.40\n",
    )
    .unwrap();
    let output = run(
        dir.path(),
        &[
            "import",
            "postcodes",
            "--db",
            "dir.db",
            postcodes.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("1 postcodes stored; 1 rejected"),
        "{}",
        text(&output)
    );
}
