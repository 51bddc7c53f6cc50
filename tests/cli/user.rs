//! Issue 16 through the binary: `renkei user add|list|disable|reset-password`
//! on a fresh SQLite file, with the password given on standard input.

use crate::support::{renkei, text};
use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

/// Runs `renkei ARGS` in `dir` with `stdin` as its standard input.
fn run_with_stdin(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = renkei()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("renkei runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().expect("renkei finishes")
}

#[test]
fn issue_16_user_add_list_disable_and_reset_password() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("staff.db");
    let db = db.to_str().unwrap();

    let added = run_with_stdin(
        dir.path(),
        &[
            "user",
            "add",
            "Admin@Example.org",
            "--role",
            "admin",
            "--organisation",
            "テスト県",
            "--db",
            db,
        ],
        "correct horse battery\n",
    );
    let out = text(&added);
    assert!(added.status.success(), "{out}");
    assert!(out.contains("admin@example.org"), "{out}");
    // The password is read from stdin and never echoed back.
    assert!(!out.contains("correct horse"), "{out}");

    let editor = run_with_stdin(
        dir.path(),
        &[
            "user",
            "add",
            "editor@example.org",
            "--role",
            "region-editor",
            "--organisation",
            "テスト圏域事務局",
            "--organisation-kind",
            "region",
            "--scope",
            "1407",
            "--db",
            db,
        ],
        "another long password\n",
    );
    assert!(editor.status.success(), "{}", text(&editor));

    let list = run_with_stdin(dir.path(), &["user", "list", "--db", db], "");
    let out = text(&list);
    assert!(list.status.success(), "{out}");
    assert!(out.contains("admin@example.org"), "{out}");
    assert!(out.contains("editor@example.org"), "{out}");
    assert!(out.contains("1407"), "{out}");
    assert!(
        !out.contains("argon2"),
        "no password hash in the list: {out}"
    );

    let disabled = run_with_stdin(
        dir.path(),
        &["user", "disable", "editor@example.org", "--db", db],
        "",
    );
    let out = text(&disabled);
    assert!(disabled.status.success(), "{out}");
    assert!(out.contains("editor@example.org"), "{out}");

    let reset = run_with_stdin(
        dir.path(),
        &["user", "reset-password", "admin@example.org", "--db", db],
        "a brand new password\n",
    );
    assert!(reset.status.success(), "{}", text(&reset));
}

#[test]
fn issue_16_user_errors_are_plain_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("staff.db");
    let db = db.to_str().unwrap();
    let add = |email: &str, password: &str| {
        run_with_stdin(
            dir.path(),
            &[
                "user",
                "add",
                email,
                "--role",
                "admin",
                "--organisation",
                "テスト県",
                "--db",
                db,
            ],
            password,
        )
    };

    let short = add("admin@example.org", "short\n");
    let out = text(&short);
    assert!(!short.status.success(), "{out}");
    assert!(
        out.contains("12"),
        "says how long a password must be: {out}"
    );
    assert!(!out.contains("panicked"), "{out}");

    let bad_email = add("not-an-email", "correct horse battery\n");
    assert!(!bad_email.status.success(), "{}", text(&bad_email));

    assert!(add("admin@example.org", "correct horse battery\n")
        .status
        .success());
    let twice = add("admin@example.org", "correct horse battery\n");
    let out = text(&twice);
    assert!(!twice.status.success(), "{out}");
    assert!(!out.contains("accounts_email_key"), "no internals: {out}");

    let unknown = run_with_stdin(
        dir.path(),
        &["user", "disable", "nobody@example.org", "--db", db],
        "",
    );
    assert!(!unknown.status.success(), "{}", text(&unknown));

    let list = run_with_stdin(dir.path(), &["user", "list", "--db", db], "");
    let out = text(&list);
    assert_eq!(out.matches("@example.org").count(), 1, "{out}");
}
