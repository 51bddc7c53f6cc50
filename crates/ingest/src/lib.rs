//! Importers for renkei: the authored demo directory now; official open data
//! (N03 boundaries, MHLW, 介護サービス情報公表, WAM NET, …) and HSDS as they land.
//!
//! Importers turn files into domain records ([`renkei_core::Facility`] and
//! friends) and report bad input by file, row, column and value; writing is the
//! store's job.

pub mod assign;
pub mod basemap;
mod builtin;
pub mod closing;
pub mod demo;
pub mod draft;
mod error;
pub mod facility_ref;
pub mod fetch;
pub mod hoken;
pub mod hsds;
pub mod import;
pub mod kaigo;
pub mod limits;
pub mod mapping;
pub mod mesh_population;
pub mod mhlw;
pub mod n03;
pub mod parse;
pub mod place;
pub mod population;
pub mod regions;
pub mod rollout;
pub mod run;
pub mod service_areas;
pub mod shisetsu;
pub mod table;
pub mod text;
pub mod town_points;
pub mod verified;
pub mod wamnet;

pub use error::{FeatureProblem, IngestError, IngestResult};
