//! `renkei export hsds` and `renkei import hsds` through the real binary: a
//! list exported as each HSDS exchange form and imported into a fresh
//! database exports again to the same tables.

use crate::support::run;

const STATIONS: &str = "事業所番号,事業所名,住所,緯度,経度\n\
    1499999991,架空訪問看護ステーションさくら,神奈川県茅ヶ崎市架空町1-1,35.33,139.40\n\
    1499999992,架空訪問看護ステーションもみじ,神奈川県茅ヶ崎市架空町2-2,35.34,139.41\n";

fn succeeds(dir: &std::path::Path, args: &[&str]) -> String {
    let output = run(dir, args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{args:?}: {text}");
    text
}

/// The rows of an exported CSV table, sorted, without the columns that
/// record when the data was imported.
fn rows(path: &std::path::Path) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let kept: Vec<usize> = (0..headers.len())
        .filter(|&i| !matches!(&headers[i], "last_modified" | "updated"))
        .collect();
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            kept.iter().map(|&i| r[i].to_owned()).collect()
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn issue_20_hsds_export_and_import_round_trip_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("jigyosho_130.csv"), STATIONS).unwrap();
    succeeds(
        dir.path(),
        &["import", "kaigo", "--db", "a.db", "jigyosho_130.csv"],
    );
    let written = succeeds(
        dir.path(),
        &[
            "export", "hsds", "--format", "csv", "-o", "package", "--db", "a.db",
        ],
    );
    assert!(
        written.contains("datapackage.json") && written.contains("service_at_location.csv"),
        "{written}"
    );
    succeeds(
        dir.path(),
        &[
            "export", "hsds", "--format", "json", "-o", "json", "--db", "a.db",
        ],
    );
    for (db, file) in [
        ("b.db", "package/datapackage.json"),
        ("c.db", "json/renkei-hsds.json"),
    ] {
        let imported = succeeds(dir.path(), &["import", "hsds", "--db", db, file]);
        assert!(
            imported.contains("mhlw-kaigo-kouhyou"),
            "the records keep their source: {imported}"
        );
        let again = format!("again-{db}");
        succeeds(
            dir.path(),
            &[
                "export", "hsds", "--format", "csv", "-o", &again, "--db", db,
            ],
        );
        for table in [
            "services.csv",
            "locations.csv",
            "service_at_location.csv",
            "attributes.csv",
            "addresses.csv",
        ] {
            let before = rows(&dir.path().join("package").join(table));
            assert!(!before.is_empty(), "{table}");
            assert_eq!(
                before,
                rows(&dir.path().join(&again).join(table)),
                "{file}: {table}"
            );
        }
    }
}
