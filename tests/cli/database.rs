//! Reading a SQLite database file directly, beside the binary, to check what
//! a run stored; and a real way to make one of its writes fail.

use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use std::collections::BTreeMap;
use std::path::Path;

async fn pool(db: &Path) -> SqlitePool {
    SqlitePool::connect_with(SqliteConnectOptions::new().filename(db))
        .await
        .expect("the database opens")
}

/// Every row of every table, as text, by table: equal dumps mean equal
/// databases.
pub async fn dump(db: &Path) -> BTreeMap<String, Vec<String>> {
    let pool = pool(db).await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut dump = BTreeMap::new();
    for table in tables {
        let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?)")
            .bind(&table)
            .fetch_all(&pool)
            .await
            .unwrap();
        let row = columns
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || ',' || ");
        let mut rows: Vec<String> = sqlx::query_scalar(&format!("SELECT {row} FROM \"{table}\""))
            .fetch_all(&pool)
            .await
            .unwrap();
        rows.sort_unstable();
        dump.insert(table, rows);
    }
    pool.close().await;
    dump
}

/// The tables whose rows differ between two dumps, with both versions.
pub fn changed_tables(
    before: &BTreeMap<String, Vec<String>>,
    after: &BTreeMap<String, Vec<String>>,
) -> BTreeMap<String, (Vec<String>, Vec<String>)> {
    after
        .iter()
        .filter(|(table, rows)| before.get(*table) != Some(rows))
        .map(|(table, rows)| {
            let was = before.get(table).cloned().unwrap_or_default();
            (table.clone(), (was, rows.clone()))
        })
        .collect()
}

/// Makes every insert into the import log (`import_runs`) fail — of the file
/// named `file_name` only, when given — as a full disk or a broken
/// constraint would.
pub async fn fail_import_log(db: &Path, file_name: Option<&str>) {
    let pool = pool(db).await;
    let when = file_name.map_or_else(String::new, |name| format!("WHEN NEW.file_name = '{name}'"));
    sqlx::query(&format!(
        "CREATE TRIGGER test_fail_import_log BEFORE INSERT ON import_runs {when} \
         BEGIN SELECT RAISE(ABORT, 'test: the import log cannot be written'); END"
    ))
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
}

/// Name → status (`active` / `closed`) of every stored location.
pub async fn statuses(db: &Path) -> BTreeMap<String, String> {
    let pool = pool(db).await;
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT name, status FROM locations")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    rows.into_iter().collect()
}

/// File names in the import log, oldest first.
pub async fn logged_files(db: &Path) -> Vec<String> {
    let pool = pool(db).await;
    let names = sqlx::query_scalar("SELECT file_name FROM import_runs ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    names
}
