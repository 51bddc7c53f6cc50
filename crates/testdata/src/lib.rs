//! Where tests and benchmarks find the real open data: `$RENKEI_SHARED_DATA`,
//! or `../shared/data` beside the workspace. The files are never copied into
//! the project; a test that needs one skips with a clear message when it is
//! missing.
//!
//! With the `postgres` feature, [`postgres`] gives each test a fresh schema or
//! database on the server `DATABASE_URL` names.

#[cfg(feature = "hsds")]
pub mod hsds;
#[cfg(feature = "postgres")]
pub mod postgres;

use std::path::PathBuf;

/// The shared data directory, whether or not it exists.
pub fn shared_data_dir() -> PathBuf {
    std::env::var_os("RENKEI_SHARED_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
        PathBuf::from,
    )
}

/// The path of `relative` inside the shared data directory, or `None` after
/// printing a `SKIPPED:` line naming the missing file (so the test or bench
/// that asked can return early).
pub fn shared_file(relative: &str) -> Option<PathBuf> {
    let path = shared_data_dir().join(relative);
    if path.is_file() {
        Some(path)
    } else {
        eprintln!(
            "SKIPPED: {} not found; set RENKEI_SHARED_DATA to the shared data directory to run this",
            path.display()
        );
        None
    }
}
