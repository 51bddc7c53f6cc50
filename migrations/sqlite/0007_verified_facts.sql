-- Facts a consultation desk has confirmed (確認済み), e.g. "this station takes
-- children on ventilators", with the date and the confirming organisation.
-- Kept apart from the rows imports write, so that no import can overwrite
-- them; reads lay them over the imported service facts.
CREATE TABLE verified_facts (
    location_id  TEXT NOT NULL
        CONSTRAINT verified_facts_location_fk REFERENCES locations (id) ON DELETE CASCADE,
    -- Key of the service inside its facility (services.key), e.g. main.
    service_key  TEXT NOT NULL,
    -- 'accepting_new_clients' or a capability code from data/taxonomy.toml.
    field        TEXT NOT NULL,
    answer       TEXT NOT NULL
        CONSTRAINT verified_facts_answer_enum CHECK (answer IN ('yes', 'no', 'unknown')),
    verified_on  TEXT NOT NULL,
    -- The confirming organisation, never a person.
    verified_by  TEXT NOT NULL,
    -- Staff-only remark; never in a public response.
    staff_note   TEXT,
    CONSTRAINT verified_facts_pk PRIMARY KEY (location_id, service_key, field)
);

-- An import that stated something else than a verified fact: the verified
-- fact was kept, and the difference is logged here for a desk to check.
CREATE TABLE import_conflicts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    location_id      TEXT NOT NULL
        CONSTRAINT import_conflicts_location_fk REFERENCES locations (id) ON DELETE CASCADE,
    service_key      TEXT NOT NULL,
    field            TEXT NOT NULL,
    imported_answer  TEXT NOT NULL,
    verified_answer  TEXT NOT NULL,
    verified_on      TEXT NOT NULL,
    source_key       TEXT NOT NULL,
    file_name        TEXT NOT NULL,
    detected_at      TEXT NOT NULL
);

CREATE INDEX import_conflicts_detected_idx ON import_conflicts (detected_at);
