//! Store contract tests, run on SQLite (fresh in-memory database per test) and,
//! when `DATABASE_URL` is set, on PostgreSQL (fresh schema per test):
//!
//! ```sh
//! cargo test -p renkei-store                                  # SQLite; PostgreSQL tests say "skipped"
//! scripts/with-postgres.sh cargo test -p renkei-store         # both
//! ```

mod backends;
mod contract;
mod support;

/// Runs each contract function once per backend.
macro_rules! contract_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let store = crate::support::sqlite().await;
                    crate::contract::$name(&store).await;
                }
            )*
        }

        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(db) = crate::support::postgres().await else { return };
                    crate::contract::$name(&db.store).await;
                    db.drop_schema().await;
                }
            )*
        }
    };
}

contract_tests!(
    migrations_from_empty,
    upsert_is_idempotent,
    issue_5_large_batch_spans_statements,
    round_trips_every_field_including_staff_only,
    positions_read_back_to_the_last_bit,
    failing_batch_rolls_back,
    rejects_records_of_another_source,
    data_version_increases_on_change,
    filters_and_paging,
    designated_city_matches_its_wards,
    closed_facilities_are_filtered,
    unknown_facility_is_not_found,
    change_feed_fires_on_write,
    import_runs_are_logged_newest_first,
    town_points_and_geocodes_round_trip,
    missing_records_are_closed_and_reopen,
    issue_5_closing_is_scoped_to_what_the_files_cover,
    accreditations_round_trip_and_survive_reimport,
    issue_21_rollout_round_trips_and_a_reimport_keeps_commands,
    issue_21_rollout_commands_are_checked_and_write_nothing_when_refused,
    issue_21_rollout_import_is_all_or_nothing,
    boundaries_replace_per_prefecture,
    region_table_round_trips,
    population_round_trips,
    location_assignments_are_stored,
    placed_upsert_matches_separate_steps,
    mesh_population_replaces_per_first_mesh,
    service_areas_replace_per_provider,
    issue_5_verified_facts_survive_reimport,
    issue_15_a_failed_run_log_leaves_the_database_unchanged,
    issue_15_conflicts_and_geocodes_name_records_of_the_file,
    issue_18_base_map_rows_replace_and_round_trip,
);
