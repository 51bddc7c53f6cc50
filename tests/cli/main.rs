//! Tests of the real `renkei` binary: spawned on a free loopback port with a
//! temporary SQLite file, driven over HTTP, stopped with SIGTERM.

mod copy_store;
mod coverage;
mod database;
mod export;
mod fetch;
mod import;
mod import_outcome;
mod import_safety;
mod kill_sweep;
mod print;
mod regions;
mod replicas;
mod rollout;
mod serve;
mod support;
mod user;
mod verify;
