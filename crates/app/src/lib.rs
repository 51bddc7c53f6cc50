//! The application layer of renkei (連携): what the two front doors — the HTTP
//! API (`renkei-http`) and the command line (the `renkei` binary) — both call.
//!
//! It owns the read model (one immutable snapshot of the directory index,
//! regions, geocoder and coverage inputs, swapped as one when data changes),
//! the typed queries that read it (search, coverage, print, regions,
//! facilities), and the commands that write (imports, and the staff edits
//! built on top), each command one store transaction with its log entry.
//!
//! Dependencies run one way: `renkei-core` ← `renkei-store` / `renkei-ingest`
//! / `renkei-print` ← this crate ← `renkei-http` and the binary. Neither front
//! door reaches into the other.

pub mod import;
