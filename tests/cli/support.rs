//! Spawning `renkei` and waiting for the line that says where it serves.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a server may take to start or stop.
const PATIENCE: Duration = Duration::from_secs(30);

/// A running `renkei serve`; killed on drop if still running.
pub struct Server {
    child: Child,
    /// Base URL without the trailing slash, e.g. `http://127.0.0.1:40123`.
    pub url: String,
    log: Arc<Mutex<String>>,
}

pub fn renkei() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_renkei"));
    command
        .env("RUST_LOG", "info")
        .env_remove("RENKEI_DB")
        .env_remove("RENKEI_BIND")
        .env_remove("RENKEI_WEB_DIR");
    command
}

/// What a finished `renkei` printed: stdout, then stderr.
pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs `renkei` with `args` in `dir` to completion.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    renkei()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("renkei runs")
}

impl Server {
    /// Starts `renkei serve --db DB --bind 127.0.0.1:0` in `dir` and waits for its URL.
    pub fn start(dir: &Path, db: &Path) -> Self {
        Self::start_with(dir, db.as_os_str(), &[])
    }

    /// Starts `renkei serve --db DB --bind 127.0.0.1:0 EXTRA…` in `dir` (DB may be
    /// a `postgres://` URL) and waits up to 30 s for its URL.
    pub fn start_with(dir: &Path, db: &OsStr, extra: &[&str]) -> Self {
        let mut child = renkei()
            .args([
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--web-dir",
                "no-web-client",
                "--db",
            ])
            .arg(db)
            .args(extra)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("renkei starts");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (found, url) = mpsc::channel();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(start) = line.find("renkei is serving on http://") {
                    let rest = &line[start + "renkei is serving on ".len()..];
                    let end = rest
                        .find('/')
                        .map(|slash| rest[slash + 2..].find('/').unwrap() + slash + 2)
                        .unwrap();
                    let _ = found.send(rest[..end].to_owned());
                }
                sink.lock().unwrap().push_str(&line);
                sink.lock().unwrap().push('\n');
            }
        });
        if let Ok(url) = url.recv_timeout(PATIENCE) {
            Self { child, url, log }
        } else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "renkei did not report its URL; log:\n{}",
                log.lock().unwrap()
            );
        }
    }

    /// Everything the server logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// GET `path` and parse the JSON body.
    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let response = reqwest::get(format!("{}{path}", self.url))
            .await
            .expect("request succeeds");
        let status = response.status().as_u16();
        (status, response.json().await.expect("JSON body"))
    }

    /// The `total` of `GET /api/v1/facilities`.
    pub async fn total(&self) -> u64 {
        let (status, body) = self.get_json("/api/v1/facilities?per_page=1").await;
        assert_eq!(status, 200, "{body}");
        body["total"].as_u64().expect("total is a number")
    }

    /// The HTTP status and `status` field of `GET /api/v1/health`.
    pub async fn health(&self) -> (u16, String) {
        let (status, body) = self.get_json("/api/v1/health").await;
        (
            status,
            body["status"].as_str().unwrap_or_default().to_owned(),
        )
    }

    /// Kills the process with SIGKILL, as a crash or an OOM killer would.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL works");
        let _ = self.child.wait();
    }

    /// True while the process runs.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("process status").is_none()
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub fn terminate(mut self) -> (ExitStatus, String) {
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success(), "kill -TERM works");
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                std::thread::sleep(Duration::from_millis(100)); // let the reader thread drain the pipe
                return (status, self.log());
            }
            assert!(
                Instant::now() < deadline,
                "renkei did not stop after SIGTERM; its signal state and threads:\n{}\nlog:\n{}",
                process_state(self.child.id()),
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// What Linux says about a process that ignores SIGTERM: its signal masks
/// (pending, blocked, ignored, caught) and each thread's state and wait
/// channel, so that a hang in CI can be told apart from a lost signal.
fn process_state(pid: u32) -> String {
    use std::fmt::Write as _;
    let read = |path: String| std::fs::read_to_string(path).unwrap_or_default();
    let mut state = String::new();
    for line in read(format!("/proc/{pid}/status")).lines() {
        if ["State", "Sig", "ShdPnd"]
            .iter()
            .any(|key| line.starts_with(key))
        {
            let _ = writeln!(state, "{line}");
        }
    }
    if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
        for task in tasks.flatten() {
            let dir = task.path().display().to_string();
            let stat = read(format!("{dir}/stat"));
            let run_state = stat
                .rsplit(") ")
                .next()
                .and_then(|rest| rest.split(' ').next());
            let _ = writeln!(
                state,
                "thread {} {}: state {} wchan {}",
                task.file_name().to_string_lossy(),
                read(format!("{dir}/comm")).trim(),
                run_state.unwrap_or("?"),
                read(format!("{dir}/wchan")),
            );
        }
    }
    state
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
