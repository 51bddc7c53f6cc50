//! The spinner `renkei import` and `renkei fetch` show for the file being
//! worked on; where stderr is not a terminal, one line per file instead.

use indicatif::{ProgressBar, ProgressStyle};
use renkei_app::import::Progress;
use std::time::Duration;

/// A spinner naming the current file, cleared when the next starts or on drop.
pub(crate) struct Spinner {
    verb: &'static str,
    bar: Option<ProgressBar>,
}

impl Spinner {
    /// A spinner saying `verb` (e.g. "importing") before each file.
    pub(crate) fn new(verb: &'static str) -> Self {
        Self { verb, bar: None }
    }
}

impl Progress for Spinner {
    fn file_started(&mut self, file: &str) {
        if let Some(done) = self.bar.take() {
            done.finish_and_clear();
        }
        let bar = ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .expect("the template is valid"),
        );
        let message = format!("{} {file}", self.verb);
        if bar.is_hidden() {
            eprintln!("renkei: {message}");
        } else {
            bar.set_message(message);
            bar.enable_steady_tick(Duration::from_millis(120));
        }
        self.bar = Some(bar);
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(done) = self.bar.take() {
            done.finish_and_clear();
        }
    }
}
