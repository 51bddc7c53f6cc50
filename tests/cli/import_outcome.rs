//! What `renkei import` says after a run that did not go through: the files
//! before the failure stay imported and are reported, nothing of the failed
//! file is written, and no message claims more (issue 15).

use crate::database::{changed_tables, dump, fail_import_log, logged_files, statuses};
use crate::support::run;

const HEADER: &str = "事業所番号,事業所名,住所,緯度,経度\n";
const SAKURA: &str =
    "1499999991,架空訪問看護ステーションさくら,神奈川県茅ヶ崎市架空町1-1,35.33,139.40\n";
const MOMIJI: &str =
    "1499999992,架空訪問看護ステーションもみじ,神奈川県茅ヶ崎市架空町2-2,35.34,139.41\n";
const TSUBAKI: &str =
    "1499999994,架空訪問看護ステーションつばき,神奈川県茅ヶ崎市架空町4-4,35.35,139.42\n";
const BOTAN: &str =
    "1499999995,架空訪問看護ステーションぼたん,神奈川県茅ヶ崎市架空町5-5,35.36,139.43\n";

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Writes `name` in `dir` with `rows` under the 介護サービス情報公表 header.
fn stations(dir: &std::path::Path, name: &str, rows: &[&str]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, format!("{HEADER}{}", rows.concat())).unwrap();
    path.display().to_string()
}

/// Makes `dir/dir.db` with every migration applied and nothing imported.
fn fresh_database(dir: &std::path::Path) -> std::path::PathBuf {
    let made = run(dir, &["check", "conflicts", "--db", "dir.db"]);
    assert!(made.status.success(), "{}", stderr(&made));
    dir.join("dir.db")
}

#[tokio::test]
async fn issue_15_a_run_that_fails_on_file_2_reports_file_1_as_imported() {
    let dir = tempfile::tempdir().unwrap();
    let all = stations(dir.path(), "all.csv", &[SAKURA, MOMIJI]);
    let imported = run(dir.path(), &["import", "kaigo", "--db", "dir.db", &all]);
    assert!(imported.status.success(), "{}", stderr(&imported));
    // The newer list moves さくら, drops もみじ and adds つばき; then a wrong file.
    let first = stations(
        dir.path(),
        "first.csv",
        &[&SAKURA.replace("架空町1-1", "架空町1-9"), TSUBAKI],
    );
    let wrong = dir.path().join("wrong.csv");
    std::fs::write(&wrong, "名前,場所\n架空,どこか\n").unwrap();

    let output = run(
        dir.path(),
        &[
            "import",
            "kaigo",
            "--close-missing",
            "--db",
            "dir.db",
            &first,
            wrong.to_str().unwrap(),
        ],
    );
    assert!(!output.status.success());
    let table = stdout(&output);
    let row = table
        .lines()
        .find(|l| l.contains("first.csv"))
        .unwrap_or_else(|| panic!("file 1 is reported: {table}"));
    let cells: Vec<&str> = row
        .split(['│', '┆'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        &cells[2..6],
        ["2", "1", "1", "0"],
        "read, inserted, updated, unchanged: {row}"
    );
    assert!(!table.contains("wrong.csv"), "file 2 has no row: {table}");
    let said = stderr(&output);
    assert!(
        said.contains(&format!(
            "{} was not imported and nothing from it was written; 1 file(s) were imported and stay so ({first}); nothing was closed",
            wrong.display()
        )) && said.contains("required columns are missing"),
        "{said}"
    );
    assert!(
        !said.contains("unchanged"),
        "file 1 changed the database: {said}"
    );

    let stored = statuses(&dir.path().join("dir.db")).await;
    assert_eq!(
        stored
            .get("架空訪問看護ステーションつばき")
            .map(String::as_str),
        Some("active"),
        "file 1 was committed: {stored:?}"
    );
    assert_eq!(
        stored
            .get("架空訪問看護ステーションもみじ")
            .map(String::as_str),
        Some("active"),
        "nothing was closed: {stored:?}"
    );
    assert_eq!(
        logged_files(&dir.path().join("dir.db")).await,
        ["all.csv", "first.csv"],
        "file 1 is logged, file 2 is not"
    );
}

#[tokio::test]
async fn issue_15_a_failed_import_log_leaves_the_database_unchanged_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_database(dir.path());
    fail_import_log(&db, None).await;
    let before = dump(&db).await;
    let file = stations(dir.path(), "stations.csv", &[SAKURA, MOMIJI]);

    let output = run(dir.path(), &["import", "kaigo", "--db", "dir.db", &file]);
    assert!(!output.status.success());
    let said = stderr(&output);
    assert!(
        said.contains(&format!(
            "{file} was not imported; the database is unchanged"
        )) && said.contains("the import log cannot be written"),
        "{said}"
    );
    assert!(
        !stdout(&output).contains("stations.csv"),
        "no summary row for a file that was not imported: {}",
        stdout(&output)
    );
    let changed = changed_tables(&before, &dump(&db).await);
    assert!(
        changed.is_empty(),
        "the facilities, conflicts, geocodes and log of one file are one transaction; changed (before, after): {changed:#?}"
    );
}

#[tokio::test]
async fn issue_15_a_later_file_whose_write_fails_leaves_nothing_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_database(dir.path());
    fail_import_log(&db, Some("second.csv")).await;
    let first = stations(dir.path(), "first.csv", &[SAKURA, MOMIJI]);
    let second = stations(dir.path(), "second.csv", &[BOTAN]);

    let output = run(
        dir.path(),
        &["import", "kaigo", "--db", "dir.db", &first, &second],
    );
    assert!(!output.status.success());
    assert!(stdout(&output).contains("first.csv"), "{}", stdout(&output));
    let said = stderr(&output);
    assert!(
        said.contains(&format!(
            "{second} was not imported and nothing from it was written; 1 file(s) were imported and stay so ({first})"
        )),
        "{said}"
    );
    let stored = statuses(&db).await;
    assert_eq!(
        stored.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "架空訪問看護ステーションさくら",
            "架空訪問看護ステーションもみじ"
        ],
        "file 1 is stored and nothing of file 2"
    );
    assert_eq!(logged_files(&db).await, ["first.csv"]);
}
