-- One row per imported file: what was read and what the store did with it.
-- Desks read it (GET /api/v1/imports) to see how fresh each source is, and the
-- checksum tells whether a re-download brought a different file.
CREATE TABLE import_runs (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_key      TEXT        NOT NULL,
    -- Base name only (a zip member as archive.zip!member.csv); server paths are not kept.
    file_name       TEXT        NOT NULL,
    checksum_sha256 TEXT        NOT NULL,
    started_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ NOT NULL,
    rows_read       BIGINT      NOT NULL,
    inserted        BIGINT      NOT NULL,
    updated         BIGINT      NOT NULL,
    unchanged       BIGINT      NOT NULL,
    rejected        BIGINT      NOT NULL,
    -- Records of the source marked closed because this import no longer lists them.
    closed          BIGINT      NOT NULL DEFAULT 0,
    CONSTRAINT import_runs_checksum_format CHECK (length(checksum_sha256) = 64),
    CONSTRAINT import_runs_counts_non_negative
        CHECK (rows_read >= 0 AND inserted >= 0 AND updated >= 0 AND unchanged >= 0 AND rejected >= 0 AND closed >= 0)
);

CREATE INDEX import_runs_finished_idx ON import_runs (finished_at DESC, id DESC);
