//! Issue 4 through the binary: `renkei import n03` with the real Kanagawa
//! boundaries, then `renkei serve` answers /api/v1/regions and places the demo
//! directory. Skipped with a message when the shared data is missing.

use crate::support::{run, Server};

#[tokio::test]
async fn issue_4_import_kanagawa_n03_then_serve_regions_and_place_the_demo() {
    let Some(n03) = renkei_testdata::shared_file("boundaries/N03-21_14_210101.json") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("regions.db");
    let db_arg = db.to_str().unwrap();
    let output = run(
        dir.path(),
        &["import", "n03", "--db", db_arg, n03.to_str().unwrap()],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("58"), "summary names 58 units: {stdout}");

    // serve: empty directory → demo loaded, built-in region table loaded, demo placed.
    let server = Server::start(dir.path(), &db);
    let (status, list) = server.get_json("/api/v1/regions").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["items"].as_array().unwrap().len(), 9, "{list}");
    assert_eq!(list["boundaries_loaded"], 58);

    let (status, place) = server
        .get_json("/api/v1/regions/at?lon=139.4037&lat=35.3334")
        .await;
    assert_eq!(status, 200, "{place}");
    assert_eq!(place["municipality"]["code"], "14207");
    assert_eq!(place["region"]["code"], "1407");

    let (_, facilities) = server.get_json("/api/v1/facilities?per_page=1000").await;
    let hospital = facilities["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "茅ヶ崎市立病院")
        .expect("the demo has 茅ヶ崎市立病院");
    assert_eq!(hospital["location"]["region_code"], "1407", "{hospital}");
    assert_eq!(hospital["location"]["municipality_code"], "14207");
    assert!(server.terminate().0.success());

    // check regions: a report and exit code 0.
    let output = run(dir.path(), &["check", "regions", "--db", db_arg]);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("stated municipality"));
}

#[test]
fn a_missing_n03_file_is_a_plain_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        dir.path(),
        &["import", "n03", "--db", "x.db", "no-such.geojson"],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no-such.geojson") && stderr.contains("database is unchanged"),
        "{stderr}"
    );
}
