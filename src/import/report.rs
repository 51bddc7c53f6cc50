//! What `renkei import` prints: per kind, a table or one line per imported
//! file; then what followed (closing, placing); and the CSV report of
//! rejected rows.

use anyhow::{Context, Result};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use renkei_app::import::{BoundariesReport, FileOutcome, ImportKind, ImportOutcome};
use renkei_ingest::assign::AssignSummary;
use renkei_ingest::import::error_report_csv;
use renkei_ingest::run::FileReport;
use renkei_ingest::table::RowError;
use std::path::PathBuf;

/// Prints what `outcome` imported, and writes the rejected rows to
/// `error_report` (or a timestamped file) when there are any.
pub(super) fn print(
    kind: &ImportKind,
    outcome: &ImportOutcome,
    error_report: Option<PathBuf>,
) -> Result<()> {
    match kind {
        ImportKind::Facilities(_) => print_lists(outcome),
        ImportKind::Boundaries => print_boundaries(outcome),
        _ => {
            for imported in &outcome.files {
                println!("{}: {}", imported.file, imported.outcome.summary());
                print_details(&imported.outcome);
            }
        }
    }
    if let Some(placed) = &outcome.placement {
        print_assignment(placed);
    }
    let mut rejected = Vec::new();
    for imported in &outcome.files {
        match &imported.outcome {
            FileOutcome::Facilities(reports) => {
                rejected.extend(reports.iter().flat_map(|r| r.rejected.iter().cloned()));
            }
            FileOutcome::Verified(report) => rejected.extend(report.rejected.iter().cloned()),
            FileOutcome::Accreditations(report) => {
                rejected.extend(report.rejected.iter().cloned());
            }
            FileOutcome::ServiceAreas(report) => rejected.extend(report.rejected.iter().cloned()),
            FileOutcome::TownPoints { rejected: rows, .. } => rejected.extend(rows.iter().cloned()),
            _ => {}
        }
    }
    let prefix = if matches!(kind, ImportKind::Verified) {
        "verified-errors"
    } else {
        "import-errors"
    };
    write_error_report(&rejected, error_report, prefix)
}

/// Facility lists: one table row per file (zip member), closing, conflicts,
/// and where the records were placed.
fn print_lists(outcome: &ImportOutcome) {
    let reports: Vec<&FileReport> = outcome.facility_reports().collect();
    if reports.is_empty() {
        return;
    }
    println!("{}", summary_table(&reports));
    for closing in &outcome.closing {
        println!("{}: {}", closing.source(), closing.summary());
    }
    let conflicts: usize = reports.iter().map(|r| r.conflicts).sum();
    if conflicts > 0 {
        println!("{conflicts} facts differ from what a desk verified; the verified ones were kept. List them with `renkei check conflicts`.");
    }
    let mut placement = AssignSummary::default();
    for report in &reports {
        placement += report.placement;
    }
    if placement.boundaries > 0 {
        print_assignment(&placement);
    }
}

/// Lines beyond the summary that a desk acts on.
fn print_details(outcome: &FileOutcome) {
    match outcome {
        FileOutcome::Accreditations(report) => {
            let mut unmatched: Vec<String> = report
                .unmatched
                .iter()
                .map(|r| format!("  line {}: {} ({})", r.line, r.name, r.address))
                .collect();
            unmatched.dedup();
            for line in unmatched {
                println!("{line}");
            }
        }
        FileOutcome::ServiceAreas(report) => {
            for row in &report.rejected {
                println!(
                    "  line {}: {} = {:?}: {}",
                    row.line, row.field, row.value, row.reason
                );
            }
        }
        _ => {}
    }
}

/// N03 files: one table row per file, and the features repaired or left out.
fn print_boundaries(outcome: &ImportOutcome) {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header([
        "file",
        "prefectures",
        "units",
        "features",
        "merged",
        "repaired",
        "without code",
        "replaced",
    ]);
    for imported in &outcome.files {
        let FileOutcome::Boundaries(report) = &imported.outcome else {
            continue;
        };
        let BoundariesReport {
            features,
            units,
            repairs,
            without_code,
            written,
        } = report;
        let coded = features - without_code.len();
        table.add_row([
            imported.file.clone(),
            written
                .prefectures
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" "),
            units.to_string(),
            features.to_string(),
            coded.saturating_sub(*units).to_string(),
            repairs.len().to_string(),
            without_code.len().to_string(),
            written.removed.to_string(),
        ]);
        for problem in repairs {
            println!("repaired / 修復: {problem}");
        }
        for feature in without_code {
            println!(
                "no N03_007 code, not imported / コードなし: feature {} ({})",
                feature.index, feature.names
            );
        }
    }
    if !outcome.files.is_empty() {
        println!("{table}");
    }
}

/// Prints where facilities were placed (or why they were not).
fn print_assignment(summary: &AssignSummary) {
    if summary.boundaries == 0 {
        println!(
            "境界データがないため施設の地域割り当ては行っていません / no boundaries yet: run `renkei import n03 FILE` to place facilities in regions"
        );
        return;
    }
    println!(
        "施設の地域割り当て / placed facilities: {} with a position ({} inside, {} nearest ≤500 m, {} suspect), {} without, {} changed",
        summary.positioned,
        summary.inside,
        summary.nearest,
        summary.suspect,
        summary.without_position,
        summary.changed
    );
}

/// Writes rejected rows as a CSV report (to `path`, else to
/// `<prefix>-<time>.csv` in the working folder) and says where; nothing when
/// no row was rejected.
fn write_error_report(rejected: &[RowError], path: Option<PathBuf>, prefix: &str) -> Result<()> {
    if rejected.is_empty() {
        return Ok(());
    }
    let path = path.unwrap_or_else(|| {
        PathBuf::from(format!(
            "{prefix}-{}.csv",
            chrono::Local::now().format("%Y%m%dT%H%M%S")
        ))
    });
    std::fs::write(&path, error_report_csv(rejected))
        .with_context(|| format!("cannot write the error report {}", path.display()))?;
    println!(
        "{} rows were rejected; reasons are in {}",
        rejected.len(),
        path.display()
    );
    Ok(())
}

fn summary_table(reports: &[&FileReport]) -> Table {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header([
        "file",
        "source",
        "read",
        "inserted",
        "updated",
        "unchanged",
        "rejected",
        "linked",
        "geocoded",
        "no position",
        "conflicts",
    ]);
    for r in reports {
        table.add_row([
            r.file.clone(),
            r.source.clone(),
            r.rows_read.to_string(),
            r.written.inserted.to_string(),
            r.written.updated.to_string(),
            r.written.unchanged.to_string(),
            r.rejected.len().to_string(),
            r.linked.to_string(),
            r.geocoded.to_string(),
            r.without_position.to_string(),
            r.conflicts.to_string(),
        ]);
    }
    table
}
