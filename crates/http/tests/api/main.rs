//! HTTP API tests: every route through `router(state).oneshot(request)`, each
//! test with its own fresh store. Tests that read stored data run on both
//! backends: SQLite (fresh in-memory database) and, when `DATABASE_URL` is set,
//! PostgreSQL (fresh schema per test, dropped afterwards):
//!
//! ```sh
//! cargo test -p renkei-http                               # SQLite; PostgreSQL tests say "skipped"
//! scripts/with-postgres.sh cargo test -p renkei-http      # both
//! ```

/// Runs each listed `async fn` of the calling module once per backend, as
/// `<module>::sqlite::<name>` and `<module>::postgres::<name>`; the test body
/// gets its stores from `support::store_with`, which follows the backend.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    crate::support::run_on(renkei_store::Backend::Sqlite, super::$name()).await;
                }
            )*
        }

        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    crate::support::run_on(renkei_store::Backend::Postgres, super::$name()).await;
                }
            )*
        }
    };
}

mod accreditations;
mod coverage;
mod errors;
mod exports;
mod facilities;
mod geocode;
mod hsds;
mod imports;
mod middleware;
mod ogc;
mod openapi;
mod print;
mod privacy;
mod refresh;
mod regions;
mod rollout;
mod search;
mod search_real;
mod support;
mod tiles;
mod verification;
mod web;
