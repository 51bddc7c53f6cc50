//! The application layer of renkei (連携): what the two front doors — the HTTP
//! API (`renkei-http`) and the command line (the `renkei` binary) — both call.
//!
//! It owns the read model: one immutable [`Snapshot`] of the directory index,
//! regions, geocoder and coverage inputs, swapped as one by a [`ReadModel`]
//! when data changes ([`spawn_refresher`]), loaded from the store in one
//! place ([`load()`]) and prepared at start-up ([`startup`]). The typed queries
//! read a snapshot: [`search`], [`coverage`], [`print`](mod@print), [`regions`],
//! [`facilities`] and [`geocode`]. Each is a plain struct with typed fields;
//! a bad field is an [`AppError::Invalid`] naming it, which each front door
//! reports in its own terms.
//!
//! Dependencies run one way: `renkei-core` ← `renkei-store` / `renkei-ingest`
//! / `renkei-print` ← this crate ← `renkei-http` and the binary. Neither front
//! door reaches into the other.

pub mod accounts;
pub mod actor;
pub mod audit;
pub mod basemap;
pub mod check;
pub mod coverage;
pub mod error;
pub mod facilities;
pub mod geocode;
pub mod hsds;
pub mod hsds_api;
pub mod import;
pub mod landmark;
pub mod load;
pub mod ogc;
pub mod print;
pub mod refresh;
pub mod regions;
pub mod rollout;
pub mod search;
pub mod snapshot;
pub mod startup;
pub mod table;
pub mod verification;

pub use actor::Actor;
pub use error::{AppError, AppResult, PlaceProblem};
pub use load::{build, load, load_index, CoverageSources};
pub use refresh::{refresh_if_stale, spawn_refresher, Refresher, DEFAULT_REFRESH_PERIOD};
pub use regions::Regions;
pub use snapshot::{ReadModel, Snapshot};
