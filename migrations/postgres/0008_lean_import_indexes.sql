-- Intentionally no change on PostgreSQL (the file exists because both
-- databases share migration names). The SQLite migration of the same name
-- drops secondary indexes that no renkei query reads, to make bulk imports
-- cheaper there. PostgreSQL keeps them: it is the database QGIS and SQL
-- users query directly (by region_code, organization, capability …), its
-- imports are not the measured path, and the foreign-key cascades stay
-- indexed for anyone deleting rows by hand.
SELECT 1;
