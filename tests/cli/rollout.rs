//! Issue 21: the rollout on the command line — import the authored file,
//! move an area, refuse what breaks the order with one plain message, and a
//! broken file stores nothing.

use crate::support::{run, text};

#[test]
fn issue_21_rollout_import_commands_and_refusals_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/data/rollout/14_kanagawa.toml");
    let ok = |args: &[&str]| {
        let output = run(dir.path(), args);
        assert!(output.status.success(), "{args:?}: {}", text(&output));
        text(&output)
    };
    ok(&["import", "rollout", "--db", "r.db", file]);
    let by = ["--by", "架空地域 事務局", "--db", "r.db"];
    let with = |args: &[&'static str]| [args, &by[..]].concat();
    ok(&with(&[
        "rollout",
        "advance",
        "odawara",
        "issues_extracted",
        "--on",
        "2026-06-01",
    ]));
    ok(&with(&[
        "rollout",
        "issue",
        "odawara",
        "odawara-kaku",
        "--title",
        "架空の課題",
        "--category",
        "education",
        "--on",
        "2026-06-02",
    ]));
    ok(&with(&[
        "rollout",
        "action",
        "odawara-kaku",
        "odawara-kaku-1",
        "--title",
        "架空の取組",
        "--owner",
        "架空市",
        "--on",
        "2026-06-03",
    ]));

    let skipped = run(
        dir.path(),
        &with(&["rollout", "advance", "odawara", "actions_adopted"]),
    );
    assert!(!skipped.status.success());
    let message = text(&skipped);
    assert!(message.contains("次は「③ 解決策の検討」"), "{message}");
    assert_eq!(
        message.matches("直接進めません").count(),
        1,
        "said once: {message}"
    );

    // A broken file is refused whole: what the commands added stays.
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "prefecture = \"14\"\n[[areas]]\nkey = \"架空\"\n").unwrap();
    let refused = run(
        dir.path(),
        &[
            "import",
            "rollout",
            "--db",
            "r.db",
            broken.to_str().unwrap(),
        ],
    );
    assert!(!refused.status.success(), "{}", text(&refused));
    let shown = ok(&["rollout", "show", "--prefecture", "14", "--db", "r.db"]);
    let odawara = shown.lines().find(|l| l.contains("odawara")).unwrap();
    assert!(
        odawara.contains("② 課題の抽出") && odawara.contains("2026年6月1日"),
        "{shown}"
    );
    assert!(shown.contains("chigasaki"), "{shown}");

    if renkei_print::Fonts::discover().is_err() {
        eprintln!("SKIPPED the report: no Japanese font (scripts/install-deps.sh --test)");
        return;
    }
    ok(&[
        "print",
        "rollout",
        "--prefecture",
        "14",
        "--fiscal-year",
        "2026",
        "--db",
        "r.db",
        "-o",
        "report.pdf",
    ]);
    assert!(std::fs::read(dir.path().join("report.pdf"))
        .unwrap()
        .starts_with(b"%PDF"));
}
