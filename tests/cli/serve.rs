use crate::support::{run, Server};

#[tokio::test]
async fn serve_migrates_an_empty_database_loads_the_demo_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fresh.db");
    assert!(!db.exists());
    let server = Server::start(dir.path(), &db);
    assert!(
        server.url.starts_with("http://127.0.0.1:") && !server.url.ends_with(":0"),
        "{}",
        server.url
    );

    let (status, health) = server.get_json("/api/v1/health").await;
    assert_eq!(status, 200, "{health}");
    assert_eq!(health["status"], "ok");
    assert_eq!(health["database"], "sqlite");
    let facilities = health["facilities"].as_u64().unwrap();
    assert!(facilities > 0, "demo directory loaded: {health}");

    let (status, list) = server.get_json("/api/v1/facilities?per_page=1000").await;
    assert_eq!(status, 200);
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len() as u64, facilities);
    assert!(
        items.iter().all(|item| item["provenance"]["demo"] == true),
        "every demo record says so"
    );
    assert!(db.exists(), "the SQLite file was created");

    let (exit, log) = server.terminate();
    assert!(exit.success(), "exit status {exit:?}; log:\n{log}");
    assert_eq!(exit.code(), Some(0));
    assert!(log.contains("renkei stopped"), "{log}");
    assert_eq!(
        log.matches("renkei is serving on").count(),
        1,
        "one line with the URL"
    );

    // Restarting on the same file keeps the data and does not load the demo twice.
    let again = Server::start(dir.path(), &db);
    let (_, health) = again.get_json("/api/v1/health").await;
    assert_eq!(health["facilities"].as_u64(), Some(facilities));
    assert!(!again.log().contains("loaded the demo directory"));
    assert!(again.terminate().0.success());
}

/// CI once saw a server that never stopped: a SIGTERM sent as soon as it said
/// where it serves arrived before its signal handlers existed. Repeated because
/// the window was narrow.
#[test]
fn a_sigterm_sent_as_soon_as_serve_reports_its_url_stops_it_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("dir.db");
    for attempt in 0..5 {
        let (exit, log) = Server::start(dir.path(), &db).terminate();
        assert!(
            exit.success(),
            "attempt {attempt}: exit status {exit:?}; log:\n{log}"
        );
        assert!(log.contains("renkei stopped"), "attempt {attempt}: {log}");
    }
}

#[test]
fn a_bad_database_url_is_a_plain_error_and_a_non_zero_exit() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        dir.path(),
        &[
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--db",
            "mysql://renkei:hunter2@localhost/renkei",
        ],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("error"), "{stderr}");
    assert!(stderr.contains("cannot open the database"), "{stderr}");
    assert!(
        stderr.contains("sqlite:"),
        "suggests what to use instead: {stderr}"
    );
    assert!(
        !stderr.contains("hunter2"),
        "the password is redacted: {stderr}"
    );
}

#[test]
fn an_unreadable_sqlite_path_is_a_plain_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        dir.path(),
        &[
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--db",
            "/nonexistent-dir/sub/renkei.db",
        ],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot open the database"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
