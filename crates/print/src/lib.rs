//! Printed matter of renkei (連携) as PDF: regional resource maps (地域資源マップ),
//! one page or, when too dense for [`MIN_LABEL_PT`] numbers, an atlas of an
//! overview and detail pages ([`map`]), optionally with a coverage layer
//! ([`coverage`]), family leaflets (三つ折りリーフレット) and referral sheets
//! (紹介先候補シート). Text is printed as [`paper_text`] makes it.
//!
//! Inputs are plain core types — facilities, region geometry as WGS 84
//! lon/lat multipolygons, names, a data date, the web client's address — so
//! every document can be made and tested without a server or a database.
//! Maps are vector drawings (Web Mercator fitted to the page), text is set in
//! a Japanese gothic font found on the system ([`Fonts::discover`]) and
//! embedded as a subset. Page coordinates are points (1/72 inch) from the
//! top-left corner.
//!
//! Nothing here stores anything: a referral sheet is made from the request and
//! forgotten.

pub mod area;
mod canvas;
pub mod coverage;
mod document;
mod fonts;
pub mod geometry;
pub mod labels;
pub mod leaflet;
pub mod links;
pub mod map;
mod page;
pub mod referral;
pub mod rollout_report;
mod style;
mod table;
mod typeset;

pub use area::{area_facilities, map_area, region_facilities, region_leaflet};
pub use coverage::{CoverageBand, CoverageCell, CoverageLayer};
pub use fonts::{Fonts, FONT_CANDIDATES};
pub use leaflet::{render_leaflet, Leaflet, LeafletEntry};
pub use links::WebClient;
pub use map::{
    render_map, render_map_filtered, render_map_with_coverage, render_one_page_map, AreaLevel,
    MapArea, MapEntry, MapFilters, MapOptions, MapUnit, PrintedMap, MAX_LEADER_PT, MIN_LABEL_PT,
};
pub use page::{
    capability_summary, data_date, page_size, public_phone, source_credits, tokyo_today,
    Orientation, Paper, BOUNDARY_CREDIT,
};
pub use referral::{render_referral, Referral, ReferralCandidate};
pub use rollout_report::{render_rollout_report, RolloutReport};
pub use typeset::paper_text;

use std::path::PathBuf;

/// Why a document could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// No Japanese font at any of the usual places.
    #[error("no Japanese font found (looked for {}); install fonts-ipaexfont-gothic or fonts-noto-cjk (scripts/install-deps.sh --test)", .searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    FontMissing {
        /// The paths tried.
        searched: Vec<PathBuf>,
    },
    /// The font file exists but cannot be read.
    #[error("cannot read the font {}: {source}", .path.display())]
    FontUnreadable {
        /// The font file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a TrueType / OpenType font (or the face index is wrong).
    #[error("{} is not a usable TrueType/OpenType font", .path.display())]
    FontInvalid {
        /// The font file.
        path: PathBuf,
    },
    /// The font has no Japanese glyphs.
    #[error("{} has no Japanese glyphs; use IPAex Gothic or Noto Sans CJK JP", .path.display())]
    FontNotJapanese {
        /// The font file.
        path: PathBuf,
    },
    /// The code is neither a 二次医療圏 code (4 digits) nor a municipality code (5 digits).
    #[error("{code:?} is neither a region code (4 digits, e.g. 1407) nor a municipality code (5 digits, e.g. 14207)")]
    BadAreaCode {
        /// The code as given.
        code: String,
    },
    /// No region or municipality has this code.
    #[error("no region or municipality has the code {code}; `renkei import regions` and `renkei import n03` load them")]
    UnknownArea {
        /// The code as given.
        code: String,
    },
    /// The area to draw has no boundary.
    #[error("area {area} has no boundary to draw; import the N03 boundaries (renkei import n03)")]
    NoGeometry {
        /// The region or municipality code.
        area: String,
    },
    /// The link does not fit in a QR code.
    #[error("cannot make a QR code of {url}: {reason}")]
    QrCode {
        /// The address.
        url: String,
        /// Why.
        reason: String,
    },
    /// The PDF writer failed (a bug).
    #[error("cannot write the PDF: {0}")]
    Pdf(String),
}

/// Result of this crate's functions.
pub type PrintResult<T> = Result<T, PrintError>;
