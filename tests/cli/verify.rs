//! `renkei verify queue` (issue 16) through the real binary: a fictional
//! station in 茅ヶ崎市 (region 1407) whose ventilator answer a desk confirmed
//! 400 days ago is due (要再確認); its other items were never confirmed.

use crate::support::{run, text};

/// 茅ヶ崎市 as a small square around the station.
const N03: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
  "properties":{"N03_001":"神奈川県","N03_002":null,"N03_003":null,"N03_004":"茅ヶ崎市","N03_007":"14207"},
  "geometry":{"type":"Polygon","coordinates":[[[139.40,35.33],[139.42,35.33],[139.42,35.35],[139.40,35.35],[139.40,35.33]]]}}]}"#;

const STATIONS: &str = "事業所番号,事業所名,住所,緯度,経度\n\
    1499999982,架空訪問看護ステーションかえで,神奈川県茅ヶ崎市架空町2-2,35.34,139.41\n";

#[test]
fn issue_16_verify_queue_lists_due_and_never_confirmed_items_of_a_region() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, content: &str| {
        std::fs::write(dir.path().join(name), content).unwrap();
        name.to_owned()
    };
    let confirmed =
        renkei_core::verification::tokyo_date(chrono::Utc::now()) - chrono::Duration::days(400);
    let (n03, stations, sheet) = (
        write("n03.geojson", N03),
        write("jigyosho_130.csv", STATIONS),
        write(
            "verified.csv",
            &format!(
                "施設ID,出典,出典ID,サービス,項目,回答,確認日,確認機関,備考\n\
                 ,mhlw-kaigo-kouhyou,1499999982,,人工呼吸器,対応可,{confirmed},架空市相談窓口,\n"
            ),
        ),
    );
    for args in [
        vec!["import", "n03", "--db", "v.db", &n03],
        vec!["import", "regions", "--db", "v.db"],
        vec!["import", "kaigo", "--db", "v.db", &stations],
        vec!["import", "verified", "--db", "v.db", &sheet],
    ] {
        let output = run(dir.path(), &args);
        assert!(output.status.success(), "{args:?}: {}", text(&output));
    }
    let output = run(
        dir.path(),
        &["verify", "queue", "--region", "1407", "--db", "v.db"],
    );
    let shown = text(&output);
    assert!(output.status.success(), "{shown}");
    for expected in [
        "架空訪問看護ステーションかえで",
        &format!("人工呼吸器: 要再確認（{confirmed} 架空市相談窓口）"),
        "吸引: 未確認",
        "1 件の施設・14 項目が確認待ちです",
    ] {
        assert!(shown.contains(expected), "{expected} missing:\n{shown}");
    }

    let output = run(
        dir.path(),
        &["verify", "queue", "--region", "4799", "--db", "v.db"],
    );
    assert!(!output.status.success());
    assert!(text(&output).contains("4799"), "{}", text(&output));
}
