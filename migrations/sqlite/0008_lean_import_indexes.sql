-- Secondary indexes that no query reads, dropped so that an import writes
-- fewer B-trees per record (issue 5: national import throughput). Every
-- index dropped here was only kept up to date:
--
-- locations_organization_idx, services_organization_idx: would only speed up
--   the ON DELETE CASCADE from organizations, and no code deletes an
--   organization (imports upsert them; closing marks locations closed).
-- service_at_location_location_idx: would only speed up the cascade from a
--   deleted location, and no code deletes a location. Deleting a changed
--   record's services cascades through the primary key (service_id, …).
-- locations_region_idx: no SQLite query filters on region_code; regions are
--   searched in the in-memory index.
-- service_capabilities_capability_idx: no query filters on capability; care
--   needs are matched in the in-memory index.
--
-- Kept: locations_kind_name_idx (list order), locations_municipality_idx and
-- locations_stated_municipality_idx (list filter), and every primary key and
-- UNIQUE constraint (upserts, reads of children by parent).
DROP INDEX locations_organization_idx;
DROP INDEX services_organization_idx;
DROP INDEX service_at_location_location_idx;
DROP INDEX locations_region_idx;
DROP INDEX service_capabilities_capability_idx;
