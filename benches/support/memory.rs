//! Memory of a process as the operating system counts it.

/// Resident set size of the process whose `/proc` entry is `proc` (`self`
/// or a process id), MB (Linux `/proc/PROC/status`; 0 elsewhere).
pub fn rss_mb(proc: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{proc}/status"))
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
            let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kb / 1024.0)
        })
        .unwrap_or(0.0)
}
