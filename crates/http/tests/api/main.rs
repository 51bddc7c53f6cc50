//! HTTP API tests: every route through `router(state).oneshot(request)`, each
//! test with its own fresh in-memory SQLite store.

mod errors;
mod exports;
mod facilities;
mod middleware;
mod openapi;
mod privacy;
mod refresh;
mod support;
mod web;
