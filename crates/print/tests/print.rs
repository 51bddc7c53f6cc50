//! Printed documents checked the way a reader sees them: text extracted with
//! poppler-utils (pdftotext, pdffonts, pdfinfo), fonts embedded as subsets,
//! page counts and sizes, map numbers against the table, labels never
//! overlapping. Every facility here is fictional (架空…).
//!
//! Set `RENKEI_PRINT_ARTIFACTS=DIR` to keep the PDFs for a look.

use chrono::NaiveDate;
use geo::{polygon, MultiPolygon};
use renkei_core::directory_index::DirectoryIndex;
use renkei_core::fixtures::fictional_facility;
use renkei_core::mesh::{MeshCell, MeshLevel};
use renkei_core::need::NeedProfile;
use renkei_core::search::SearchQuery;
use renkei_core::verification::AgeingPolicy;
use renkei_core::{
    Answer, CapabilityCode, CapabilityFact, Facility, KindCode, LonLat, Phone, PublicFacility,
    Service, Visibility,
};
use renkei_print::geometry::PtRect;
use renkei_print::{paper_text, MIN_LABEL_PT};
use renkei_print::{
    render_leaflet, render_map, render_map_filtered, render_map_with_coverage, render_referral,
    AreaLevel, CoverageBand, CoverageCell, CoverageLayer, Fonts, Leaflet, MapArea, MapFilters,
    MapOptions, MapUnit, Orientation, Paper, PrintedMap, Referral, WebClient,
};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "support/atlas.rs"]
mod atlas;
#[path = "print/issue_15_kind_markers.rs"]
mod issue_15_kind_markers;
#[path = "print/issue_21_rollout_report.rs"]
mod issue_21_rollout_report;
#[path = "support/kanagawa.rs"]
mod kanagawa;

/// The font, or `None` after printing why the test is skipped.
fn fonts() -> Option<Fonts> {
    if Command::new("pdftotext").arg("-v").output().is_err() {
        eprintln!(
            "SKIPPED: pdftotext not found; install poppler-utils (scripts/install-deps.sh --test)"
        );
        return None;
    }
    match Fonts::discover() {
        Ok(fonts) => Some(fonts),
        Err(error) => {
            eprintln!("SKIPPED: {error}");
            None
        }
    }
}

/// What a document may show of `facilities`, as the CLI and the API gather them.
fn public(facilities: impl IntoIterator<Item = Facility>) -> Vec<PublicFacility> {
    facilities
        .into_iter()
        .filter_map(PublicFacility::new)
        .collect()
}

/// Writes `pdf` into a temporary folder (and the artefacts folder when set).
fn save(dir: &Path, name: &str, pdf: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    if let Some(keep) = std::env::var_os("RENKEI_PRINT_ARTIFACTS") {
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::write(Path::new(&keep).join(name), pdf).unwrap();
    }
    path
}

fn run(program: &str, args: &[&str], pdf: &Path) -> String {
    let output = Command::new(program)
        .args(args)
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        output.status.success(),
        "{program} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn poppler(program: &str, pdf: &Path) -> String {
    let output = Command::new(program).arg(pdf).output().unwrap();
    assert!(output.status.success(), "{program} failed");
    String::from_utf8(output.stdout).unwrap()
}

fn pages(pdf: &Path) -> usize {
    poppler("pdfinfo", pdf)
        .lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// Every font is embedded and subset (pdffonts columns `emb` and `sub`, and
/// the `ABCDEF+` name prefix of a subset).
fn assert_fonts_embedded_and_subset(pdf: &Path) {
    let listing = poppler("pdffonts", pdf);
    let fonts: Vec<&str> = listing.lines().skip(2).collect();
    assert!(!fonts.is_empty(), "{listing}");
    for line in fonts {
        let columns: Vec<&str> = line.split_whitespace().collect();
        let n = columns.len();
        assert_eq!(
            &columns[n - 5..n - 2],
            ["yes", "yes", "yes"],
            "emb sub uni: {line}"
        );
        assert_eq!(columns[0].find('+'), Some(6), "subset prefix: {line}");
    }
}

fn square(west: f64, south: f64, size: f64) -> MultiPolygon<f64> {
    // longitude, latitude
    MultiPolygon::new(vec![polygon![
        (x: west, y: south), (x: west + size, y: south), (x: west + size, y: south + size), (x: west, y: south + size)
    ]])
}

/// A fictional region of two fictional towns side by side near 35.3° N.
fn area() -> MapArea {
    let west = square(139.30, 35.30, 0.08);
    let east = square(139.38, 35.30, 0.08);
    MapArea {
        code: "1407".into(),
        level: AreaLevel::SecondaryMedicalRegion,
        name_ja: "架空湘南".into(),
        prefecture_ja: "架空県".into(),
        outline: renkei_core::region::dissolve([&west, &east]),
        units: vec![
            MapUnit {
                name_ja: "架空西市".into(),
                geometry: west,
            },
            MapUnit {
                name_ja: "架空東町".into(),
                geometry: east,
            },
        ],
    }
}

#[expect(
    clippy::unnecessary_wraps,
    reason = "fixture positions are optional, as in the model"
)]
fn at(lon: f64, lat: f64) -> Option<LonLat> {
    Some(LonLat::new(lon, lat).unwrap())
}

fn with_phone(mut facility: Facility, number: &str, visibility: Visibility) -> Facility {
    facility.phones.push(Phone {
        number: number.into(),
        label: None,
        visibility,
    });
    facility
}

/// `count` facilities of mixed kinds; `spread` degrees around the region's middle.
fn facilities(count: usize, spread: f64) -> Vec<Facility> {
    let kinds = [
        "hospital",
        "visiting_nurse",
        "clinic",
        "welfare_provider",
        "consultation_desk",
    ];
    (0..count)
        .map(|i| {
            let angle = i as f64 * 2.399; // golden angle: an even spiral
            let radius = spread * ((i as f64 + 0.5) / count as f64).sqrt();
            let facility = fictional_facility(
                &format!("f{i}"),
                kinds[i % kinds.len()],
                &format!("架空施設{i:03}"),
                at(139.38 + radius * angle.cos(), 35.34 + radius * angle.sin()),
            );
            with_phone(facility, &format!("0000-11-{i:04}"), Visibility::Public)
        })
        .collect()
}

/// `list` on a map of [`area`] printed with [`options`].
fn map_of(
    fonts: &Fonts,
    list: &[PublicFacility],
    paper: Paper,
    orientation: Orientation,
) -> PrintedMap {
    let refs: Vec<&PublicFacility> = list.iter().collect();
    render_map(fonts, &area(), &refs, &options(paper, orientation)).unwrap()
}

fn options(paper: Paper, orientation: Orientation) -> MapOptions {
    MapOptions {
        paper,
        orientation,
        web: WebClient::new("https://renkei.example.jp/"),
        data_date: NaiveDate::from_ymd_opt(2026, 4, 1),
    }
}

#[test]
fn map_has_japanese_text_subset_fonts_and_numbers_that_match_the_table() {
    let Some(fonts) = fonts() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut list = facilities(24, 0.03);
    list.push(fictional_facility(
        "nowhere",
        "clinic",
        "架空位置不明診療所",
        None,
    ));
    let list = public(list);
    let map = map_of(&fonts, &list, Paper::A4, Orientation::Portrait);
    let path = save(dir.path(), "map_a4_portrait.pdf", &map.pdf);

    assert_eq!(pages(&path), map.pages);
    assert!(poppler("pdfinfo", &path).contains("595.276 x 841.89 pts (A4)"));
    assert_fonts_embedded_and_subset(&path);
    let text = run("pdftotext", &["-layout"], &path);
    // Wrapped table cells come out as several lines: compare without breaks.
    let raw = run("pdftotext", &[], &path).replace('\n', "");
    for expected in [
        "架空湘南 医療的ケア児 地域資源マップ",
        "凡例",
        "架空西市",
        "「国土数値情報（行政区域データ）」（国土交通省）を加工して作成",
        "データ基準日 2026-04-01",
        // The name cell wraps: 「…（地図に表示」「なし）」.
        "架空位置不明診療所（地図に表示",
        "要確認",
        "出典: test（CC0）",
    ] {
        assert!(raw.contains(expected), "{expected} missing:\n{text}");
    }
    assert_eq!(
        map.url,
        "https://renkei.example.jp/?view=regions&region=1407"
    );

    assert_eq!(map.entries.len(), 25);
    assert!(!map.is_atlas(), "25 facilities fit on one page");
    assert_map_matches_its_index(&map, &list, &path);
    let missing = map
        .entries
        .iter()
        .find(|e| e.name == "架空位置不明診療所")
        .unwrap();
    assert!(missing.marker.is_none() && missing.label.is_none());
}

struct Word {
    text: String,
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

impl Word {
    fn cx(&self) -> f32 {
        f32::midpoint(self.x0, self.x1)
    }
    fn cy(&self) -> f32 {
        f32::midpoint(self.y0, self.y1)
    }
}

/// Words of one page with their boxes, from `pdftotext -bbox`.
fn words_on_page(pdf: &Path, page: usize) -> Vec<Word> {
    let page = page.to_string();
    let html = run("pdftotext", &["-bbox", "-f", &page, "-l", &page], pdf);
    html.lines()
        .filter_map(|line| {
            let line = line.trim().strip_prefix("<word ")?;
            let attr = |name: &str| -> f32 {
                let start = line.find(&format!("{name}=\"")).map(|i| i + name.len() + 2);
                start
                    .and_then(|start| line[start..].split('"').next()?.parse().ok())
                    .unwrap_or(f32::NAN)
            };
            let text = line.split('>').nth(1)?.split('<').next()?;
            // pdftotext writes the words as XHTML.
            let text = text
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
            Some(Word {
                x0: attr("xMin"),
                y0: attr("yMin"),
                x1: attr("xMax"),
                y1: attr("yMax"),
                text,
            })
        })
        .collect()
}

/// The numbers a label text stands for: `12-15・40` → 12, 13, 14, 15, 40.
fn label_numbers(text: &str) -> Vec<usize> {
    text.split('・')
        .flat_map(|part| match part.split_once('-') {
            Some((a, b)) => match (a.parse::<usize>(), b.parse::<usize>()) {
                (Ok(a), Ok(b)) if a <= b => (a..=b).collect(),
                _ => Vec::new(),
            },
            None => part.parse().map_or_else(|_| Vec::new(), |n| vec![n]),
        })
        .collect()
}

/// The name's first characters up to a space (they never wrap in the table).
fn name_start(name: &str) -> String {
    paper_text(name)
        .chars()
        .take_while(|c| !c.is_whitespace())
        .take(4)
        .collect()
}

/// Checks a printed map against its PDF; returns how many labels it read.
/// Every facility has a number; every facility with a position is on a map
/// page, its number printed inside its label (labels apart, type at least
/// [`MIN_LABEL_PT`]); the index lists every entry with its page and grid
/// reference. Returns how many labels were read.
fn assert_map_matches_its_index(
    map: &PrintedMap,
    facilities: &[PublicFacility],
    path: &Path,
) -> usize {
    let what = path.display();
    assert_eq!(
        map.entries.len(),
        facilities.len(),
        "{what}: an entry per facility"
    );
    let numbers: HashSet<usize> = map.entries.iter().map(|e| e.number).collect();
    assert_eq!(
        numbers,
        (1..=facilities.len()).collect(),
        "{what}: numbers 1..n"
    );
    assert!(map.label_size_pt >= MIN_LABEL_PT);
    let positioned: HashSet<_> = facilities
        .iter()
        .filter(|f| f.location.position.is_some())
        .map(|f| f.id)
        .collect();
    let mut by_page: BTreeMap<usize, Vec<&renkei_print::MapEntry>> = BTreeMap::new();
    for entry in &map.entries {
        if positioned.contains(&entry.facility) {
            let page = entry
                .page
                .unwrap_or_else(|| panic!("{what}: {} has no page", entry.number));
            assert!(
                map.map_pages.contains(&page),
                "{what}: page {page} is no map page"
            );
            assert!(
                entry.label.is_some() && entry.grid.is_some(),
                "{what}: {} unlabelled",
                entry.number
            );
            by_page.entry(page).or_default().push(entry);
        }
    }
    let mut read = 0;
    for (page, entries) in &by_page {
        let words = words_on_page(path, *page);
        let mut labels: Vec<PtRect> = entries.iter().filter_map(|e| e.label).collect();
        labels.sort_by(|a, b| (a.x0, a.y0).partial_cmp(&(b.x0, b.y0)).unwrap());
        labels.dedup();
        for (i, a) in labels.iter().enumerate() {
            for b in &labels[i + 1..] {
                assert!(
                    !a.overlaps(b),
                    "{what} p.{page}: labels overlap {a:?} {b:?}"
                );
            }
        }
        for entry in entries {
            let label = entry.label.unwrap();
            let inside: Vec<&Word> = words
                .iter()
                .filter(|w| label.inflate(0.5).contains_point(w.cx(), w.cy()))
                .collect();
            let text: String = inside.iter().map(|w| w.text.as_str()).collect();
            assert!(
                label_numbers(&text).contains(&entry.number),
                "{what} p.{page}: number {} not printed in its label {label:?} (read {text:?})",
                entry.number
            );
            for word in inside {
                assert!(
                    word.y1 - word.y0 >= MIN_LABEL_PT * 0.95,
                    "{what} p.{page}: {} set smaller than {MIN_LABEL_PT} pt",
                    word.text
                );
            }
            read += 1;
        }
    }
    // The index lists every entry: its number, the start of its name and,
    // for a facility on a map, its page and grid reference, on one line
    // (cells are top-aligned, so their first lines share the number's).
    let pages: Vec<Vec<Word>> = (1..=map.pages).map(|p| words_on_page(path, p)).collect();
    let squeeze = |text: &str| -> String { text.chars().filter(|c| !c.is_whitespace()).collect() };
    for entry in &map.entries {
        let number = entry.number.to_string();
        let start = squeeze(&name_start(&entry.name));
        let reference = squeeze(&match (&entry.page, &entry.grid) {
            (Some(page), Some(grid)) if map.is_atlas() => format!("p.{page} {grid}"),
            (_, Some(grid)) => grid.clone(),
            _ => "—".to_owned(),
        });
        let listed = pages.iter().any(|words| {
            words.iter().filter(|w| w.text == number).any(|n| {
                let line: String = words
                    .iter()
                    .filter(|w| (w.cy() - n.cy()).abs() < 1.0 && w.x0 > n.x1 - 0.5)
                    .map(|w| w.text.as_str())
                    .collect();
                line.contains(&start) && line.contains(&reference)
            })
        });
        assert!(
            listed,
            "{what}: {number} {start} {reference} not in the index"
        );
    }
    read
}

#[test]
fn issue_8_no_two_marker_labels_overlap_on_a_dense_map() {
    let Some(fonts) = fonts() else { return };
    let dir = tempfile::tempdir().unwrap();
    // 160 facilities within about 400 m: far more than fit beside their markers.
    let list = facilities(160, 0.004);
    let list = public(list);
    let map = map_of(&fonts, &list, Paper::A4, Orientation::Landscape);
    let path = save(dir.path(), "map_dense_a4_landscape.pdf", &map.pdf);

    assert_eq!(assert_map_matches_its_index(&map, &list, &path), 160);
    // The same holds for the numbers as printed: no two number words on a
    // map page overlap.
    for &page in &map.map_pages {
        let numbers: Vec<Word> = words_on_page(&path, page)
            .into_iter()
            .filter(|w| w.text.chars().next().is_some_and(|c| c.is_ascii_digit()))
            .filter(|w| w.y1 - w.y0 < 9.0)
            .collect();
        for (i, a) in numbers.iter().enumerate() {
            for b in &numbers[i + 1..] {
                let overlap = a.x0 < b.x1 - 0.1
                    && b.x0 < a.x1 - 0.1
                    && a.y0 < b.y1 - 0.1
                    && b.y0 < a.y1 - 0.1;
                assert!(!overlap, "p.{page}: {} and {} overlap", a.text, b.text);
            }
        }
    }
}

/// A coverage layer over the whole fictional area: every 3rd-mesh cell,
/// banded by its distance in cells from the south-west corner.
fn coverage_layer() -> CoverageLayer {
    let labels = ["0–2 km", "2–5 km", "5–10 km", "10–20 km", "20 km+", "なし"];
    let colours = [
        [0x1a, 0x98, 0x50],
        [0x91, 0xcf, 0x60],
        [0xfe, 0xe0, 0x8b],
        [0xfc, 0x8d, 0x59],
        [0xd7, 0x30, 0x27],
        [0x80, 0x80, 0x80],
    ];
    let mut cells = Vec::new();
    // 3rd-mesh cells are 45″ (0.0125°) wide and 30″ (1/120°) tall.
    for row in 0..10_u32 {
        for col in 0..13_u32 {
            let centre = LonLat::new(
                139.30 + (f64::from(col) + 0.5) * 0.0125,
                35.30 + (f64::from(row) + 0.5) / 120.0,
            )
            .unwrap();
            cells.push(CoverageCell {
                cell: MeshCell::containing(centre, MeshLevel::Third).unwrap(),
                band: ((row + col) / 4).min(5) as usize,
            });
        }
    }
    let profile = NeedProfile {
        kinds: vec![KindCode::new("visiting_nurse").unwrap()],
        needs: vec![CapabilityCode::new("ventilator").unwrap()],
        age_years: None,
        accepting_only: false,
        lapsed_before: None,
    };
    let web = WebClient::new("https://renkei.example.jp/");
    CoverageLayer {
        cells,
        bands: labels
            .iter()
            .zip(colours)
            .map(|(label, colour)| CoverageBand {
                label: (*label).to_owned(),
                colour,
            })
            .collect(),
        url: web.coverage_view(&profile, "30min", true, "1407"),
        profile,
        include_unknown: true,
        within_m: 15_000.0,
        within_minutes: Some(30.0),
        population_note:
            "子どもの数: 市区町村の15歳未満人口を各市区町村の場所に均等に配分した推計です".into(),
    }
}

#[test]
fn issue_9_map_with_coverage_has_its_legend_and_keeps_labels_markers_and_table() {
    let Some(fonts) = fonts() else { return };
    let dir = tempfile::tempdir().unwrap();
    let list = facilities(60, 0.02);
    let list = public(list);
    let refs: Vec<&PublicFacility> = list.iter().collect();
    let layer = coverage_layer();
    for (paper, orientation) in [
        (Paper::A4, Orientation::Portrait),
        (Paper::A3, Orientation::Landscape),
    ] {
        let map = render_map_with_coverage(
            &fonts,
            &area(),
            &refs,
            &options(paper, orientation),
            Some(&layer),
        )
        .unwrap();
        let path = save(
            dir.path(),
            &format!("map_coverage_{paper:?}_{orientation:?}.pdf"),
            &map.pdf,
        );
        assert_eq!(pages(&path), map.pages);
        assert_fonts_embedded_and_subset(&path);
        assert_eq!(
            map.url,
            "https://renkei.example.jp/?view=coverage&needs=ventilator&ckind=visiting_nurse&within=30min&cunknown=1&carea=1407"
        );
        let raw = run("pdftotext", &[], &path).replace('\n', "");
        for expected in [
            "凡例",
            "カバー状況（事業所までの距離）",
            "0–2 km",
            "10–20 km",
            "なし",
            "基準: 車で約 30 分",
            "医療的ケア 人工呼吸器",
            "訪問看護ステーション",
            "要確認の事業所も含めて",
            "均等に配分した推計",
            // The profile is the title's filter, and nothing confirms it.
            "架空湘南 医療的ケア児 地域資源マップ（訪問看護ステーション／医療的ケア: 人工呼吸器）",
            "人工呼吸器に「対応可」と確認された事業所がまだありません（0件）",
            "色分けは「要確認」の事業所までの距離です",
            "架空西市",
        ] {
            assert!(raw.contains(expected), "{expected} missing:\n{raw}");
        }
        // On top of the cells, every marker still has its label and the
        // numbers match the table.
        assert!(map.entries.iter().all(|e| e.marker.is_some()));
        assert_map_matches_its_index(&map, &list, &path);
    }
}

#[test]
fn issue_19_the_title_states_the_filters_and_a_confirmed_need_lifts_the_banner() {
    let Some(fonts) = fonts() else { return };
    let dir = tempfile::tempdir().unwrap();
    let nurse = KindCode::new("visiting_nurse").unwrap();
    let mut list: Vec<Facility> = facilities(20, 0.02)
        .into_iter()
        .filter(|f| f.kind == nurse)
        .collect();
    list[0] = capable(list.remove(0), &[("ventilator", Answer::Yes)]);
    let list = public(list);
    let refs: Vec<&PublicFacility> = list.iter().collect();
    let filters = MapFilters {
        kinds: vec![nurse],
        needs: Vec::new(),
    };
    let options = options(Paper::A4, Orientation::Landscape);
    let map = render_map_filtered(&fonts, &area(), &refs, &options, None, &filters).unwrap();
    let path = save(dir.path(), "map_filtered.pdf", &map.pdf);
    let raw = run("pdftotext", &[], &path).replace('\n', "");
    assert!(
        raw.contains("架空湘南 医療的ケア児 地域資源マップ（訪問看護ステーション）"),
        "{raw}"
    );
    assert!(!raw.contains("すべての種類"));
    // One station confirms 人工呼吸器: the colours are coverage, no banner.
    let layer = coverage_layer();
    let map = render_map_with_coverage(&fonts, &area(), &refs, &options, Some(&layer)).unwrap();
    let path = save(dir.path(), "map_coverage_confirmed.pdf", &map.pdf);
    let raw = run("pdftotext", &[], &path).replace('\n', "");
    assert!(raw.contains("（訪問看護ステーション／医療的ケア: 人工呼吸器）"));
    assert!(!raw.contains("確認された事業所がまだありません"), "{raw}");
}

#[test]
fn map_table_continues_on_following_pages_and_a3_landscape_has_its_size() {
    let Some(fonts) = fonts() else { return };
    let dir = tempfile::tempdir().unwrap();
    let list = facilities(300, 0.035);
    let list = public(list);
    let map = map_of(&fonts, &list, Paper::A3, Orientation::Landscape);
    let path = save(dir.path(), "map_a3_landscape.pdf", &map.pdf);
    assert!(poppler("pdfinfo", &path).contains("1190.55 x 841.89 pts (A3)"));
    assert!(map.pages >= 2, "300 rows need more than the first page");
    assert_eq!(pages(&path), map.pages);
    let last_page = run(
        "pdftotext",
        &["-f", &map.pages.to_string(), "-l", &map.pages.to_string()],
        &path,
    );
    assert!(last_page.contains("施設一覧（続き）"));
    let all = run("pdftotext", &[], &path);
    for entry in &map.entries {
        assert!(all.contains(&entry.name), "{} missing", entry.name);
    }
}

fn desk(id: &str, kind: &str, name: &str, phone: &str) -> Facility {
    with_phone(
        fictional_facility(id, kind, name, at(139.35, 35.33)),
        phone,
        Visibility::Public,
    )
}

#[test]
fn leaflet_is_two_a4_landscape_pages_with_desks_and_the_core_hospital() {
    let Some(fonts) = fonts() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut hospital = desk("h", "hospital", "架空市立病院", "0000-22-0001");
    hospital = with_phone(hospital, "0000-99-9999", Visibility::StaffOnly);
    hospital.phones.reverse(); // the staff-only number first: it must still not be printed
    hospital.staff_note = Some("職員用メモ：架空".into());
    let list = [
        desk(
            "d1",
            "consultation_desk",
            "架空医療的ケア児支援センター",
            "0000-22-0002",
        ),
        desk(
            "d2",
            "municipal_desk",
            "架空西市 障害福祉課",
            "0000-22-0003",
        ),
        desk(
            "d3",
            "public_health_office",
            "架空保健福祉事務所",
            "0000-22-0004",
        ),
        desk(
            "n",
            "visiting_nurse",
            "架空訪問看護ステーション",
            "0000-22-0005",
        ),
        hospital,
    ];
    let list = public(list);
    let refs: Vec<&PublicFacility> = list.iter().collect();
    let leaflet = Leaflet::for_region(
        "1407",
        "架空湘南",
        "架空県",
        &["架空市立病院".to_owned()],
        &refs,
        WebClient::new("https://renkei.example.jp"),
    );
    assert_eq!(
        leaflet.desks.len(),
        3,
        "only desks, not the visiting-nurse station"
    );
    let pdf = render_leaflet(&fonts, &leaflet).unwrap();
    let path = save(dir.path(), "leaflet.pdf", &pdf);
    assert_eq!(pages(&path), 2);
    assert!(poppler("pdfinfo", &path).contains("841.89 x 595.276 pts (A4)"));
    assert_fonts_embedded_and_subset(&path);
    let text = run("pdftotext", &[], &path);
    for expected in [
        "相談先ガイド",
        "架空湘南地域（二次医療圏）",
        "近くの支援先の探し方",
        "架空医療的ケア児支援センター",
        "電話 0000-22-0002",
        "地域の中核病院",
        "架空市立病院",
        "電話 0000-22-0001",
        "「要確認」とは",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
    assert!(!text.contains("架空訪問看護ステーション"));
    assert!(
        !text.contains("0000-99-9999") && !text.contains("職員用メモ"),
        "staff-only data printed"
    );
}

#[test]
fn issue_19_leaflet_names_the_prefectural_centre_emergency_numbers_and_its_issuer() {
    let Some(fonts) = fonts() else { return };
    let dir = tempfile::tempdir().unwrap();
    let list = public([desk(
        "d1",
        "consultation_desk",
        "架空医療的ケア児地域相談窓口",
        "0000-22-0002",
    )]);
    let refs: Vec<&PublicFacility> = list.iter().collect();
    let mut leaflet = Leaflet::for_region(
        "1412",
        "架空横浜",
        "神奈川県",
        &[],
        &refs,
        WebClient::new("https://renkei.example.jp"),
    );
    leaflet.centre =
        renkei_core::desks::prefectural_centre(&renkei_core::PrefectureCode::new("14").unwrap());
    leaflet.designated_cities_ja = vec!["架空市".into()];
    leaflet.issuer = Some("架空市 障がい福祉課".into());
    leaflet.printed_on = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
    let path = save(
        dir.path(),
        "leaflet.pdf",
        &render_leaflet(&fonts, &leaflet).unwrap(),
    );
    let text = run("pdftotext", &[], &path);
    for expected in [
        "架空市にお住まいの方は",
        "架空医療的ケア児地域相談窓口",
        "県の相談窓口",
        "かながわ医療的ケア児支援センター",
        "電話 045-227-1255",
        "FAX 045-201-2051",
        "#8000",
        "こども医療電話相談",
        "119",
        "配布元",
        "架空市 障がい福祉課",
        "印刷日 2026年12月04日",
        "短辺とじ",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
    // Without an issuer the box stays, blank, for a stamp.
    leaflet.issuer = None;
    let path = save(
        dir.path(),
        "blank.pdf",
        &render_leaflet(&fonts, &leaflet).unwrap(),
    );
    let text = run("pdftotext", &[], &path);
    assert!(text.contains("配布元") && !text.contains("障がい福祉課"));
}

fn capable(mut facility: Facility, needs: &[(&str, Answer)]) -> Facility {
    facility.services.push(Service {
        key: "main".into(),
        name: "架空サービス".into(),
        service_type: None,
        ages: renkei_core::AgeRange::default(),
        accepting_new_clients: Answer::Unknown,
        respite_beds: None,
        verified: None,
        capabilities: needs
            .iter()
            .map(|(code, answer)| CapabilityFact {
                capability: CapabilityCode::new(code).unwrap(),
                answer: *answer,
                verified: None,
                staff_note: Some("職員用メモ：架空".into()),
            })
            .collect(),
        schedules: vec![renkei_core::Schedule {
            weekdays: ["MO", "TU", "WE", "TH", "FR"].map(String::from).to_vec(),
            opens_at: Some("9:00".into()),
            closes_at: Some("17:00".into()),
            description: Some("祝日を除く".into()),
        }],
    });
    facility
}

/// Three fictional stations near the origin: one confirms both needs, one
/// only the first (要確認), one states it cannot (never listed, and its phone
/// is staff-only).
fn referral_index() -> DirectoryIndex {
    let yes = [("ventilator", Answer::Yes), ("suctioning", Answer::Yes)];
    DirectoryIndex::build(
        vec![
            with_phone(
                capable(
                    fictional_facility(
                        "c",
                        "visiting_nurse",
                        "架空確認済みステーション",
                        at(139.41, 35.34),
                    ),
                    &yes,
                ),
                "0000-33-0001",
                Visibility::Public,
            ),
            with_phone(
                capable(
                    fictional_facility(
                        "u",
                        "visiting_nurse",
                        "架空要確認ステーション",
                        at(139.40, 35.335),
                    ),
                    &[("ventilator", Answer::Yes)],
                ),
                "0000-33-0002",
                Visibility::Public,
            ),
            with_phone(
                capable(
                    fictional_facility(
                        "x",
                        "visiting_nurse",
                        "架空対応不可ステーション",
                        at(139.405, 35.333),
                    ),
                    &[("ventilator", Answer::No)],
                ),
                "0000-33-0003",
                Visibility::StaffOnly,
            ),
        ],
        1,
    )
}

/// The referral sheet of a 10 km search of `index` for `profile` around a
/// fictional 架空市役所, both tiers listed.
fn referral_near_city_hall(
    index: &DirectoryIndex,
    profile: NeedProfile,
    created_on: NaiveDate,
) -> Referral {
    let origin = LonLat::new(139.4037, 35.3334).unwrap();
    let found = index
        .search(&SearchQuery {
            origin: Some(origin),
            radius_m: 10_000.0,
            profile: profile.clone(),
            include_unknown: true,
            ..SearchQuery::default()
        })
        .into_public();
    let needs: Vec<&str> = profile.needs.iter().map(CapabilityCode::as_str).collect();
    Referral {
        place_label: "架空市役所".into(),
        origin: Some(origin),
        radius_m: 10_000.0,
        search_url: format!(
            "https://renkei.example.jp/?near=x&needs={}",
            needs.join(",")
        ),
        profile,
        filters: Vec::new(),
        confirmed: found.confirmed,
        unknown: found.unknown,
        total_confirmed: None,
        total_unknown: None,
        created_on,
        data_date: None,
    }
}

#[test]
fn referral_sheet_separates_confirmed_from_unknown_and_prints_no_staff_data() {
    let Some(fonts) = fonts() else { return };
    let dir = tempfile::tempdir().unwrap();
    let index = referral_index();
    let profile = NeedProfile {
        kinds: vec![KindCode::new("visiting_nurse").unwrap()],
        needs: vec![
            CapabilityCode::new("ventilator").unwrap(),
            CapabilityCode::new("suctioning").unwrap(),
        ],
        age_years: Some(5),
        accepting_only: false,
        lapsed_before: None,
    };
    let referral = referral_near_city_hall(
        &index,
        profile,
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
    );
    // issue 19: how many of how many, and every filter.
    let referral = Referral {
        filters: vec![("名前・住所", "架空".into())],
        total_confirmed: Some(1),
        total_unknown: Some(40),
        ..referral
    };
    let pdf = render_referral(&fonts, &referral).unwrap();
    let path = save(dir.path(), "referral.pdf", &pdf);
    assert_eq!(pages(&path), 1);
    assert_fonts_embedded_and_subset(&path);
    let text = run("pdftotext", &[], &path);
    let position = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing:\n{text}"))
    };
    let confirmed_heading = position("確認済み：探している医療的ケアにすべて対応可");
    let unknown_heading = position("要確認：対応できるかまだ確認されていません");
    let confirmed = position("架空確認済みステーション");
    let unknown = position("架空要確認ステーション");
    assert!(
        confirmed_heading < confirmed && confirmed < unknown_heading && unknown_heading < unknown
    );
    for expected in [
        "人工呼吸器・吸引",
        "5歳",
        "電話 0000-33-0001",
        "吸引: 要確認",
        "人工呼吸器: 対応可",
        "どこにも保存されていません",
        // issue 19: how many of how many, every filter, hours, a memo column.
        "（1件）",
        "件／全40件）",
        "名前・住所",
        "受付 月火水木金 9:00〜17:00（祝日を除く）",
        "メモ（電話で確認したこと）",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
    assert!(
        !text.contains("架空対応不可ステーション"),
        "a stated no is not a candidate"
    );
    assert!(!text.contains("職員用メモ") && !text.contains("0000-33-0003"));
}

/// `facility` with every capability answer confirmed on `on` by 架空窓口.
fn confirmed_on(mut facility: Facility, on: NaiveDate) -> Facility {
    for fact in facility
        .services
        .iter_mut()
        .flat_map(|service| service.capabilities.iter_mut())
    {
        fact.verified = Some(renkei_core::Verification {
            on,
            by_organization: "架空窓口".into(),
        });
    }
    facility
}

#[test]
fn issue_16_referral_sheet_prints_each_answers_confirmation_and_lapsed_ones_as_unknown() {
    let Some(fonts) = fonts() else { return };
    let dir = tempfile::tempdir().unwrap();
    let created_on = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let index = DirectoryIndex::build(
        vec![
            confirmed_on(
                capable(
                    fictional_facility(
                        "n",
                        "visiting_nurse",
                        "架空新しいステーション",
                        at(139.41, 35.34),
                    ),
                    &[("ventilator", Answer::Yes)],
                ),
                date(2026, 11, 20),
            ),
            confirmed_on(
                capable(
                    fictional_facility(
                        "o",
                        "visiting_nurse",
                        "架空古いステーション",
                        at(139.40, 35.335),
                    ),
                    &[("ventilator", Answer::Yes)],
                ),
                date(2025, 1, 10),
            ),
        ],
        1,
    );
    let profile = NeedProfile {
        needs: vec![CapabilityCode::new("ventilator").unwrap()],
        lapsed_before: Some(AgeingPolicy::default().lapse_cutoff(created_on)),
        ..NeedProfile::default()
    };
    let referral = referral_near_city_hall(&index, profile, created_on);
    let pdf = render_referral(&fonts, &referral).unwrap();
    let path = save(dir.path(), "referral-ageing.pdf", &pdf);
    let text = run("pdftotext", &[], &path);
    let position = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing:\n{text}"))
    };
    let fresh = position("架空新しいステーション");
    let unknown_heading = position("要確認：対応できるかまだ確認されていません");
    let stale = position("架空古いステーション");
    assert!(fresh < unknown_heading && unknown_heading < stale);
    let fresh_answer = position("人工呼吸器: 対応可（2026-11-20 確認・架空窓口）");
    let stale_answer = position("人工呼吸器: 要確認（前回 2025-01-10 確認・架空窓口）");
    assert!(fresh < fresh_answer && fresh_answer < unknown_heading && stale < stale_answer);
    assert!(!text.contains("職員用メモ"));
}
