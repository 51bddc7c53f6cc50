//! Issue 8 through the binary: `renkei print map | leaflet | referral` on a
//! database with the real Kanagawa boundaries and visiting-nurse stations.
//! Skipped with a message when the shared data, pdftotext or a Japanese font
//! is missing.

use crate::support::run;
use std::path::Path;
use std::process::Command;

fn pdf_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.starts_with(b"%PDF-"),
        "{} is not a PDF",
        path.display()
    );
    let output = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap().replace('\n', "")
}

fn succeeded(output: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Issue 9: the map of 1407 with the coverage layer. Real data states no
/// capability, so the stations count only with 要確認 included.
fn coverage_map(dir: &Path, db: &str) {
    let args = [
        "print",
        "map",
        "--db",
        db,
        "--region",
        "1407",
        "--coverage",
        "--needs",
        "ventilator",
        "--kinds",
        "visiting_nurse",
        "--include-unknown",
        "--within-minutes",
        "30",
        "--web-url",
        "https://renkei.example.jp",
        "-o",
        "coverage.pdf",
    ];
    succeeded(&run(dir, &args));
    let text = pdf_text(&dir.join("coverage.pdf"));
    for expected in [
        "カバー状況（事業所までの距離）",
        "基準: 車で約 30 分",
        "医療的ケア 人工呼吸器",
        "要確認の事業所も含めて計算",
        "https://renkei.example.jp/?view=coverage&needs=ventilator&ckind=visiting_nurse&within=30min&cunknown=1&carea=1407",
    ] {
        assert!(text.contains(expected), "{expected} missing");
    }
    let output = run(
        dir,
        &[
            "print",
            "map",
            "--db",
            db,
            "--region",
            "1407",
            "--coverage",
            "--k",
            "0",
            "-o",
            "bad.pdf",
        ],
    );
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--k: "));
}

#[test]
fn issue_8_print_map_leaflet_and_referral_from_the_database() {
    let Some(n03) = renkei_testdata::shared_file("boundaries/N03-21_14_210101.json") else {
        return;
    };
    let Some(nursing) = renkei_testdata::shared_file("facilities/kanagawa_visiting_nursing.csv")
    else {
        return;
    };
    if Command::new("pdftotext").arg("-v").output().is_err() {
        eprintln!("SKIPPED: pdftotext not found; install poppler-utils");
        return;
    }
    if let Err(error) = renkei_print::Fonts::discover() {
        eprintln!("SKIPPED: {error}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("print.db");
    let db = db.to_str().unwrap();
    succeeded(&run(
        dir.path(),
        &["import", "n03", "--db", db, n03.to_str().unwrap()],
    ));
    succeeded(&run(
        dir.path(),
        &["import", "kaigo", "--db", db, nursing.to_str().unwrap()],
    ));

    let args = [
        "print",
        "map",
        "--db",
        db,
        "--region",
        "1407",
        "--paper",
        "a3",
        "--orientation",
        "landscape",
        "--web-url",
        "https://renkei.example.jp",
        "-o",
        "map.pdf",
    ];
    assert!(succeeded(&run(dir.path(), &args)).contains("map.pdf"));
    let text = pdf_text(&dir.path().join("map.pdf"));
    for expected in [
        "湘南東部 医療的ケア児 地域資源マップ",
        "訪問看護ステーション（",
        "茅ヶ崎市",
        "https://renkei.example.jp/?view=regions&region=1407",
        "「厚生労働省 介護サービス情報公表システム」",
    ] {
        assert!(text.contains(expected), "{expected} missing");
    }

    coverage_map(dir.path(), db);

    succeeded(&run(
        dir.path(),
        &[
            "print",
            "leaflet",
            "--db",
            db,
            "--region",
            "1407",
            "-o",
            "leaflet.pdf",
        ],
    ));
    assert!(pdf_text(&dir.path().join("leaflet.pdf")).contains("湘南東部地域（二次医療圏）"));

    let args = [
        "print",
        "referral",
        "--db",
        db,
        "--lon",
        "139.4037",
        "--lat",
        "35.3334",
        "--needs",
        "ventilator",
        "--kinds",
        "visiting_nurse",
        "-o",
        "referral.pdf",
    ];
    succeeded(&run(dir.path(), &args));
    let text = pdf_text(&dir.path().join("referral.pdf"));
    // Real data states no capability: nothing confirmed, the nearest in 要確認.
    assert!(text.contains("該当する施設はありません"));
    assert!(text.contains("人工呼吸器: 要確認"));

    let output = run(
        dir.path(),
        &[
            "print", "map", "--db", db, "--region", "1499", "-o", "x.pdf",
        ],
    );
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr)
        .contains("no region or municipality has the code 1499"));
    assert!(!dir.path().join("x.pdf").exists());
}
