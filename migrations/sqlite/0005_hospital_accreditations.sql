-- Hospital accreditations (施設基準の届出: NICU, GCU, PICU, 小児入院医療管理料 …)
-- from 地方厚生局 lists. They tell a desk which hospitals can admit a child.
-- Kept apart from the facility's own rows so that re-importing the hospital
-- list never drops them; each accreditation list replaces its own rows.
CREATE TABLE hospital_accreditations (
    location_id        TEXT NOT NULL
        CONSTRAINT hospital_accreditations_location_fk REFERENCES locations (id) ON DELETE CASCADE,
    -- Code from data/taxonomy.toml [[accreditations]], e.g. nicu_1.
    accreditation      TEXT NOT NULL,
    -- 算定開始年月日, when the list states it.
    since              TEXT,
    -- Source the row came from (e.g. kouseikyoku-shisetsu-kijun), replaced as a whole.
    source_key         TEXT NOT NULL,
    -- 医療機関番号 as the list gives it, to trace the match.
    institution_number TEXT NOT NULL,
    CONSTRAINT hospital_accreditations_pk PRIMARY KEY (location_id, accreditation)
);

CREATE INDEX hospital_accreditations_code_idx ON hospital_accreditations (accreditation);
