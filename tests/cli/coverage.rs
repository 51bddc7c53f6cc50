//! `renkei import mesh-population`, `renkei import service-areas` and
//! `renkei coverage` (issue 9) through the real binary, on a fictional
//! layout: one square drawn just inside four 3rd-mesh cells of 茅ヶ崎市
//! (rows 4240–4241 × columns 3152–3153, i.e. lon 139.400–139.425, lat
//! 35.3333–35.35) and one fictional station at the centre of cell 53390302.

use crate::support::{run, text};

/// The boundary, inset 0.0005° from the cells' outer edges.
const N03: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
  "properties":{"N03_001":"神奈川県","N03_002":null,"N03_003":null,"N03_004":"茅ヶ崎市","N03_007":"14207"},
  "geometry":{"type":"Polygon","coordinates":[[[139.4005,35.33383],[139.4245,35.33383],[139.4245,35.34950],[139.4005,35.34950],[139.4005,35.33383]]]}}]}"#;

/// A fictional station at the centre of row 4240, column 3152:
/// lat 4240.5 / 120 = 35.3375, lon 100 + 3152.5 / 80 = 139.40625.
const STATIONS: &str = "事業所番号,事業所名,住所,緯度,経度\n\
    1499999981,架空訪問看護ステーションすずらん,神奈川県茅ヶ崎市架空町1-1,35.3375,139.40625\n";

/// Fictional e-Stat counts: 100 children in the station's cell (row 4240,
/// col 3152 → 5339 03 02) and 50 in the diagonal cell (row 4241, col 3153 → 5339 03 13).
const MESH: &str = "KEY_CODE,HTKSYORI,HTKSAKI,GASSAN,T001100001,T001100002,T001100003,T001100004\n\
    ,,,,人口（総数）,人口（総数）　男,人口（総数）　女,０～１４歳人口　総数\n\
    53390302,0,,,800,400,400,100\n\
    53390313,0,,,400,200,200,50\n";

#[test]
fn issue_9_mesh_population_service_areas_and_coverage_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, content: &str| {
        std::fs::write(dir.path().join(name), content).unwrap();
        name.to_owned()
    };
    let (n03, stations, mesh) = (
        write("n03.geojson", N03),
        write("jigyosho_130.csv", STATIONS),
        write("tblT001100S5339.txt", MESH),
    );
    let areas = write(
        "areas.csv",
        "出典,出典ID,municipality_codes\n\
         mhlw-kaigo-kouhyou,1499999981,14207\n\
         mhlw-kaigo-kouhyou,1499999999,14207\n",
    );
    for args in [
        vec!["import", "n03", "--db", "c.db", &n03],
        vec!["import", "regions", "--db", "c.db"],
        vec!["import", "kaigo", "--db", "c.db", &stations],
        vec!["import", "mesh-population", "--db", "c.db", &mesh],
    ] {
        let output = run(dir.path(), &args);
        assert!(output.status.success(), "{args:?}: {}", text(&output));
    }
    let imported = run(
        dir.path(),
        &["import", "service-areas", "--db", "c.db", &areas],
    );
    assert!(imported.status.success(), "{}", text(&imported));
    let said = String::from_utf8_lossy(&imported.stdout);
    assert!(
        said.contains("1 service areas of 1 providers stored; 1 rows rejected")
            && said.contains("line 3"),
        "the unknown provider is listed: {said}"
    );

    let coverage = |extra: &[&str]| {
        let mut args = vec![
            "coverage",
            "--db",
            "c.db",
            "--kinds",
            "visiting_nurse",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let output = run(dir.path(), &args);
        assert!(output.status.success(), "{}", text(&output));
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap()
    };
    // Within 1,300 m: the station's own cell (0 m) is covered; the diagonal
    // cell's centre is about √(1,134² + 927²) = 1,464 m away and is not.
    let by_distance = coverage(&["--within-m", "1300"]);
    assert_eq!(by_distance["population"]["method"], "mesh");
    assert_eq!(by_distance["regions"][0]["code"], "1407");
    let chigasaki = &by_distance["municipalities"][0];
    assert_eq!(chigasaki["code"], "14207");
    assert_eq!(chigasaki["confirmed"]["children"], 150);
    assert_eq!(chigasaki["confirmed"]["children_within"], 100);
    assert_eq!(by_distance["gaps"][0]["id"], "53390313");
    // By declared service area the whole municipality is served.
    let declared = coverage(&["--basis", "service_area"]);
    assert_eq!(
        declared["municipalities"][0]["confirmed"]["children_within"],
        150
    );

    let out = dir.path().join("coverage.csv");
    let csv = run(
        dir.path(),
        &[
            "coverage",
            "--db",
            "c.db",
            "--format",
            "csv",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert!(csv.status.success(), "{}", text(&csv));
    let table = std::fs::read_to_string(&out).unwrap();
    assert!(
        table.starts_with('\u{feff}') && table.contains("\n市区町村,14207,茅ヶ崎市,1407,150,"),
        "{table}"
    );

    let bad = run(dir.path(), &["coverage", "--db", "c.db", "--k", "0"]);
    assert!(!bad.status.success());
    assert!(
        text(&bad).contains("Parameter k is invalid"),
        "{}",
        text(&bad)
    );
}
