use crate::support::{run, Server};

#[tokio::test]
async fn copy_store_copies_every_facility_between_sqlite_files() {
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (dir.path().join("from.db"), dir.path().join("to.db"));
    let source = Server::start(dir.path(), &from);
    let (_, health) = source.get_json("/api/v1/health").await;
    assert!(source.terminate().0.success());

    let output = run(
        dir.path(),
        &[
            "copy-store",
            "--from",
            from.to_str().unwrap(),
            "--to",
            to.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains(&format!("copied {} facilities", health["facilities"])),
        "{stdout}"
    );

    let copy = Server::start(dir.path(), &to);
    let (_, copied) = copy.get_json("/api/v1/health").await;
    assert_eq!(copied["facilities"], health["facilities"]);
    assert!(
        !copy.log().contains("loaded the demo directory"),
        "the copy was not empty"
    );
    assert!(copy.terminate().0.success());
}
