//! Issue 10: several `renkei serve` replicas on one PostgreSQL database. Each
//! test gets a database of its own on the server `DATABASE_URL` names and
//! prints one `skipped:` line without it:
//!
//! ```sh
//! scripts/with-postgres.sh cargo test --test cli replicas -- --nocapture
//! ```
//!
//! The tests take one lock, because one of them stops and restarts PostgreSQL
//! (with `RENKEI_PG_CTL` from `scripts/with-postgres.sh`).

use crate::support::{renkei, run, Server};
use renkei_testdata::postgres::{fresh_database, TestDatabase};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};

/// Held by every test here: the restart test must not pull PostgreSQL away from the others.
static POSTGRES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Header of a 介護サービス情報公表 visiting-nurse file, as `renkei import kaigo` reads it.
const KAIGO_HEADER: &str = "事業所番号,事業所名,住所,緯度,経度\n";

/// `count` fictional visiting-nurse stations numbered from `first`, spread over Japan.
fn stations_csv(first: u64, count: u64) -> String {
    use std::fmt::Write as _;
    let mut csv = String::from(KAIGO_HEADER);
    for n in first..first + count {
        let lat = 31.0 + (n % 997) as f64 * 0.012;
        let lon = 130.0 + (n % 991) as f64 * 0.014;
        writeln!(
            csv,
            "{},架空訪問看護ステーション{n},架空県架空市本町{n},{lat:.5},{lon:.5}",
            1_300_000_000 + n
        )
        .expect("writing to a String");
    }
    csv
}

/// Writes `count` stations to `dir/name` and returns the path.
fn stations_file(dir: &Path, name: &str, first: u64, count: u64) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, stations_csv(first, count)).unwrap();
    path
}

/// Runs `renkei import kaigo --db URL FILE` to completion; returns when it has exited.
fn import(dir: &Path, db: &str, file: &Path) {
    let output = run(
        dir,
        &["import", "kaigo", "--db", db, file.to_str().unwrap()],
    );
    assert!(
        output.status.success(),
        "import failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Polls `server` until its facility total is `expected`; returns how long it took.
async fn wait_for_total(server: &Server, expected: u64, limit: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let total = server.total().await;
        if total == expected {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < limit,
            "{} still serves {total} facilities, not {expected}, after {limit:?}; log:\n{}",
            server.url,
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Polls `server` until `/health` answers `status` (`ok` or `degraded`).
async fn wait_for_health(server: &Server, status: &str, limit: Duration) -> Duration {
    let started = Instant::now();
    loop {
        if server.health().await.1 == status {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < limit,
            "{} did not report {status} within {limit:?}; log:\n{}",
            server.url,
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Two replicas on `db`, started one after the other (the first loads the demo).
fn two_replicas(dir: &Path, db: &TestDatabase) -> (Server, Server) {
    let url = db.url();
    let a = Server::start_with(dir, OsStr::new(&url), &[]);
    let b = Server::start_with(dir, OsStr::new(&url), &[]);
    (a, b)
}

async fn count_locations(db: &TestDatabase) -> i64 {
    let pool = sqlx::PgPool::connect(&db.url()).await.unwrap();
    let count = sqlx::query_scalar("SELECT count(*) FROM locations")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    count
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_10_an_import_beside_replica_a_is_searchable_through_replica_b_within_a_second() {
    let _lock = POSTGRES.lock().await;
    let Some(db) = fresh_database().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_replicas(dir.path(), &db);
    let before = b.total().await;
    assert_eq!(a.total().await, before);

    let file = stations_file(dir.path(), "jigyosho_130.csv", 1, 3);
    import(dir.path(), &db.url(), &file);
    let latency_b = wait_for_total(&b, before + 3, Duration::from_secs(1)).await;
    let latency_a = wait_for_total(&a, before + 3, Duration::from_secs(1)).await;
    eprintln!(
        "replicas: import visible through replica B {:.0} ms after the importer exited (replica A: {:.0} ms later)",
        latency_b.as_secs_f64() * 1000.0,
        latency_a.as_secs_f64() * 1000.0
    );
    a.kill();
    b.kill();
    db.drop_now().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_10_killing_a_writer_mid_import_leaves_no_partial_data_and_b_keeps_serving() {
    let _lock = POSTGRES.lock().await;
    let Some(db) = fresh_database().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_replicas(dir.path(), &db);
    let before = b.total().await;
    let stored_before = count_locations(&db).await;

    let big = stations_file(dir.path(), "jigyosho_big.csv", 1, 200_000);
    let mut writer = renkei()
        .args(["import", "kaigo", "--db", &db.url()])
        .arg(&big)
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the writer's transaction has written rows, then give it half a second more.
    let pool = sqlx::PgPool::connect(&db.url()).await.unwrap();
    let started = Instant::now();
    loop {
        let writing: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        if writing > 0 {
            break;
        }
        assert!(
            writer.try_wait().unwrap().is_none(),
            "the import finished before it could be killed"
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the import never started writing"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let writing_since = Instant::now();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        writer.try_wait().unwrap().is_none(),
        "the import finished before it could be killed; make the file bigger"
    );
    writer.kill().unwrap(); // SIGKILL
    let killed_after = writing_since.elapsed();
    a.kill(); // replica A goes down with it

    for _ in 0..10 {
        assert_eq!(b.health().await, (200, "ok".to_owned()));
        assert_eq!(b.total().await, before, "no partial import is visible");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        count_locations(&db).await,
        stored_before,
        "nothing was committed"
    );
    let _ = writer.wait();
    eprintln!(
        "replicas: writer (200,000 rows in one transaction) and replica A killed {:.2} s after the transaction began writing; replica B still serves {before} facilities, health ok",
        killed_after.as_secs_f64()
    );
    pool.close().await;
    b.kill();
    db.drop_now().await;
}

/// Stops and starts the PostgreSQL cluster of `scripts/with-postgres.sh`, and
/// starts it again on drop if a test failed while it was stopped.
struct Cluster {
    pg_ctl: Vec<String>,
    stopped: bool,
}

impl Cluster {
    /// The cluster from `RENKEI_PG_CTL`, or `None` with a `skipped:` line.
    fn from_env() -> Option<Self> {
        let Some(pg_ctl) = std::env::var("RENKEI_PG_CTL")
            .ok()
            .filter(|v| !v.is_empty())
        else {
            eprintln!("skipped: RENKEI_PG_CTL not set (scripts/with-postgres.sh sets it for its own cluster)");
            return None;
        };
        Some(Self {
            pg_ctl: pg_ctl.split_whitespace().map(str::to_owned).collect(),
            stopped: false,
        })
    }

    fn pg_ctl(&self, args: &[&str]) {
        let status = Command::new(&self.pg_ctl[0])
            .args(&self.pg_ctl[1..])
            .args(args)
            .stdout(Stdio::null())
            .status()
            .expect("pg_ctl runs");
        assert!(status.success(), "pg_ctl {args:?} failed");
    }

    fn stop(&mut self) {
        self.pg_ctl(&["-m", "fast", "-w", "stop"]);
        self.stopped = true;
    }

    fn start(&mut self) {
        self.pg_ctl(&["-w", "-t", "60", "start"]);
        self.stopped = false;
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.stopped {
            self.start();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_10_both_replicas_recover_from_a_postgres_restart() {
    let _lock = POSTGRES.lock().await;
    let Some(mut cluster) = Cluster::from_env() else {
        return;
    };
    let Some(db) = fresh_database().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b) = two_replicas(dir.path(), &db);
    let before = b.total().await;

    cluster.stop();
    for replica in [&a, &b] {
        wait_for_health(replica, "degraded", Duration::from_secs(10)).await;
        assert_eq!(replica.health().await.0, 503);
        assert_eq!(replica.total().await, before, "reads go on from the index");
    }
    cluster.start();
    let mut recovered = Duration::ZERO;
    for replica in [&a, &b] {
        recovered = recovered.max(wait_for_health(replica, "ok", Duration::from_secs(30)).await);
    }
    assert!(a.is_running() && b.is_running(), "no replica crashed");

    let file = stations_file(dir.path(), "jigyosho_after_restart.csv", 10, 3);
    import(dir.path(), &db.url(), &file);
    let latency_a = wait_for_total(&a, before + 3, Duration::from_secs(8)).await;
    let latency_b = wait_for_total(&b, before + 3, Duration::from_secs(8)).await;
    eprintln!(
        "replicas: after a PostgreSQL restart both reported ok again within {:.1} s; a write then reached A in {:.0} ms and B in {:.0} ms more",
        recovered.as_secs_f64(),
        latency_a.as_secs_f64() * 1000.0,
        latency_b.as_secs_f64() * 1000.0
    );
    assert!(b.log().contains("PostgreSQL"), "{}", b.log());
    a.kill();
    b.kill();
    db.drop_now().await;
}

/// `postgres://USER@HOST:PORT/DB` → (`postgres://USER@`, `HOST:PORT`, `/DB…`).
fn split_authority(url: &str) -> (&str, &str, &str) {
    let after_scheme = url.find("://").unwrap() + 3;
    let host_start = url[after_scheme..]
        .find('@')
        .map_or(after_scheme, |at| after_scheme + at + 1);
    let host_end = url[host_start..]
        .find('/')
        .map_or(url.len(), |slash| host_start + slash);
    (
        &url[..host_start],
        &url[host_start..host_end],
        &url[host_end..],
    )
}

/// A loopback port nothing listens on (it was free a moment ago).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// After `delay`, forwards connections on `port` to `target`: a database that
/// comes up late, as seen from the replica.
async fn forward_later(port: u16, target: String, delay: Duration) {
    tokio::time::sleep(delay).await;
    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    loop {
        let Ok((mut inbound, _)) = listener.accept().await else {
            return;
        };
        let target = target.clone();
        tokio::spawn(async move {
            if let Ok(mut outbound) = TcpStream::connect(&target).await {
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            }
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_10_serve_waits_for_a_database_that_comes_up_later() {
    let _lock = POSTGRES.lock().await;
    let Some(db) = fresh_database().await else {
        return;
    };
    let url = db.url();
    let (prefix, target, rest) = split_authority(&url);
    let port = free_port();
    let late_url = format!("{prefix}127.0.0.1:{port}{rest}");
    let forwarder = tokio::spawn(forward_later(
        port,
        target.to_owned(),
        Duration::from_secs(2),
    ));
    let dir = tempfile::tempdir().unwrap();
    let dir_path = dir.path().to_owned();
    let started = Instant::now();
    let server = tokio::task::spawn_blocking(move || {
        Server::start_with(
            &dir_path,
            OsStr::new(&late_url),
            &["--db-startup-timeout-s", "20"],
        )
    })
    .await
    .unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(2), "{waited:?}");
    assert_eq!(server.health().await, (200, "ok".to_owned()));
    let log = server.log();
    assert!(
        log.contains("PostgreSQL is not reachable yet; retrying") && log.contains("attempt"),
        "{log}"
    );
    eprintln!(
        "replicas: serve came up {:.1} s after start, the database having appeared after 2 s",
        waited.as_secs_f64()
    );
    server.kill();
    forwarder.abort();
    db.drop_now().await;
}

#[test]
fn issue_10_serve_gives_up_after_the_startup_timeout_with_a_plain_message() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("postgres://renkei:secret@127.0.0.1:{}/renkei", free_port());
    let started = Instant::now();
    let output = run(
        dir.path(),
        &[
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--db",
            &url,
            "--db-startup-timeout-s",
            "2",
        ],
    );
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        (Duration::from_secs(2)..Duration::from_secs(20)).contains(&elapsed),
        "{elapsed:?}"
    );
    assert!(
        stderr.contains("エラー / error: cannot open the database")
            && stderr.contains("did not answer within 2.0 s")
            && stderr.contains("retrying")
            && !stderr.contains("secret"),
        "{stderr}"
    );
}

/// Issue 17: two replicas started at the same moment on a fresh database
/// both start (they used to collide on `prefectures_pkey` storing the
/// built-in 二次医療圏 tables), five times over, and serve the same directory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_17_two_replicas_starting_together_on_a_fresh_database_both_start() {
    let _lock = POSTGRES.lock().await;
    for trial in 0..5 {
        let Some(db) = fresh_database().await else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let start = |url: String, dir: PathBuf| {
            std::thread::spawn(move || Server::start_with(&dir, OsStr::new(&url), &[]))
        };
        let (a, b) = (
            start(db.url(), dir.path().to_owned()),
            start(db.url(), dir.path().to_owned()),
        );
        let (a, b) = (
            a.join()
                .unwrap_or_else(|_| panic!("trial {trial}: replica A did not start")),
            b.join()
                .unwrap_or_else(|_| panic!("trial {trial}: replica B did not start")),
        );
        assert_eq!(a.health().await, (200, "ok".to_owned()), "trial {trial}");
        assert_eq!(b.health().await, (200, "ok".to_owned()), "trial {trial}");
        let total = a.total().await;
        assert!(total > 0, "trial {trial}: the demo directory is loaded");
        wait_for_total(&b, total, Duration::from_secs(2)).await;
        let (_, regions) = a.get_json("/api/v1/regions").await;
        let (_, same) = b.get_json("/api/v1/regions").await;
        assert_eq!(regions, same, "trial {trial}");
        a.kill();
        b.kill();
        db.drop_now().await;
    }
}
