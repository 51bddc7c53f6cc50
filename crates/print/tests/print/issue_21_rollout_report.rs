//! Issue 21: the rollout's annual progress report lists each area's stages,
//! 課題 and 取組 under the right 年度 with the era shown.

use super::{fonts, pages, run, save};
use chrono::NaiveDate;
use renkei_core::era::FiscalYear;
use renkei_core::rollout::RolloutPlan;
use renkei_print::{render_rollout_report, RolloutReport};
use std::collections::BTreeMap;

const PLAN: &str = r#"
prefecture = "14"

[[milestones]]
on = "2019-04-30"
title = "架空センター準備室の設置"

[[milestones]]
on = "2019-05-01"
title = "架空センター開所"

[[areas]]
key = "kaku"
name_ja = "架空市"
region = "1407"
secretariat = "架空市 福祉課"
core_hospitals = [{ name = "架空中央病院" }]

[[areas.stages]]
stage = "council_set_up"
on = "2018-04-01"
precision = "fiscal_year"

[[areas.stages]]
stage = "issues_extracted"
on = "2019-04-30"

[[areas.stages]]
stage = "solutions_discussed"
on = "2027-05-01"

[[areas.issues]]
key = "kaku-power"
title = "架空の停電時電源の課題"
category = "disaster"
raised_in = 2019
example = true

[[areas.issues.actions]]
key = "kaku-battery"
title = "架空の蓄電池貸出"
owner = "架空市"
fiscal_year = 2020
status = "in_progress"
notes = [{ on = "2021-02-01", text = "架空の貸出開始", status = "done" }]
"#;

#[test]
fn issue_21_progress_report_lists_records_under_their_fiscal_year_with_the_era() {
    let Some(fonts) = fonts() else { return };
    let plan: RolloutPlan = toml::from_str(PLAN).unwrap();
    let report = RolloutReport {
        plan,
        prefecture_name: "神奈川県".to_owned(),
        region_names: BTreeMap::from([("1407".to_owned(), "湘南東部".to_owned())]),
        fiscal_year: FiscalYear::new(2026),
        created_on: NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(),
    };
    let dir = tempfile::tempdir().unwrap();
    let path = save(
        dir.path(),
        "rollout-report.pdf",
        &render_rollout_report(&report, &fonts).unwrap(),
    );
    assert_eq!(pages(&path), 1);
    let text = run("pdftotext", &[], &path);
    let order = [
        "2026年度（令和8年度）まで",
        "2019年4月30日",
        "架空センター準備室の設置",
        "2019年5月1日",
        "架空センター開所",
        "架空市（二次医療圏 湘南東部）",
        "中核病院: 架空中央病院",
        "② 課題の抽出（2019年4月30日から）",
        "2018年度（平成30年度）",
        "① 会議の設置",
        // 2019-04-30 was 平成31年, but 2019年度 is named 令和元年度.
        "2019年度（令和元年度）",
        "② 課題の抽出",
        "架空の停電時電源の課題（例）",
        "2020年度（令和2年度）",
        "架空の蓄電池貸出",
        "2021年2月1日",
        "架空の貸出開始（完了へ）",
    ];
    let mut from = 0;
    for expected in order {
        let at = text[from..]
            .find(expected)
            .unwrap_or_else(|| panic!("{expected:?} not after byte {from} in:\n{text}"));
        from += at + expected.len();
    }
    // A stage after the reported 年度 is left out.
    assert!(!text.contains("③ 解決策の検討"), "{text}");
}
