-- renkei directory, SQLite. Aligned with Open Referral HSDS 3.0
-- (organization, location, service, service_at_location, phone, schedule),
-- plus what pediatric home care needs (service_capabilities).
-- Append-only: never edit this file once released; add 0002_… instead.
-- migrations/postgres/0001_directory.sql holds the same schema for PostgreSQL.

-- One row; bumped in every write transaction so that replicas notice writes
-- they missed with one cheap read.
CREATE TABLE store_state (
    id           INTEGER PRIMARY KEY CONSTRAINT store_state_single_row CHECK (id = 1),
    data_version INTEGER NOT NULL DEFAULT 0
);
INSERT INTO store_state (id, data_version) VALUES (1, 0);

-- Facility kinds with labels, copied from data/taxonomy.toml each time the
-- store opens, so views and GIS users get readable labels.
CREATE TABLE facility_kinds (
    code     TEXT PRIMARY KEY,
    label_ja TEXT NOT NULL,
    label_en TEXT NOT NULL
);

-- Datasets records come from, with the licence each record inherits.
CREATE TABLE sources (
    key         TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    publisher   TEXT NOT NULL,
    licence     TEXT NOT NULL,
    -- credit line the licence asks for, shown next to the data
    attribution TEXT NOT NULL,
    url         TEXT,
    -- 1 for the authored demo directory: not a complete or verified list
    demo        INTEGER NOT NULL DEFAULT 0 CONSTRAINT sources_demo_bool CHECK (demo IN (0, 1))
);

-- HSDS organization. One row per location (id derived from the location's
-- source record), so replacing a record never touches another record's row.
CREATE TABLE organizations (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    url  TEXT
);

-- HSDS location: one facility, the unit renkei lists and maps.
CREATE TABLE locations (
    -- UUID v5 of (source_key, source_record_id): stable across imports and copies
    id                       TEXT PRIMARY KEY,
    organization_id          TEXT NOT NULL
        CONSTRAINT locations_organization_fk REFERENCES organizations (id) ON DELETE CASCADE,
    -- taxonomy code (data/taxonomy.toml kinds)
    kind                     TEXT NOT NULL,
    name                     TEXT NOT NULL,
    -- reading in katakana, for sorting and search by sound
    name_kana                TEXT,
    address                  TEXT NOT NULL,
    -- seven digits, no hyphen: importers normalise 〒253-0041 to 2530041
    postal_code              TEXT
        CONSTRAINT locations_postal_code_format CHECK (length(postal_code) = 7 AND postal_code NOT GLOB '*[^0-9]*'),
    -- WGS 84 degrees; both NULL when the source has no position
    lon                      REAL CONSTRAINT locations_lon_range CHECK (lon BETWEEN -180 AND 180),
    lat                      REAL CONSTRAINT locations_lat_range CHECK (lat BETWEEN -90 AND 90),
    -- municipality code as the source states it (may disagree with the position)
    stated_municipality_code TEXT,
    -- municipality the position falls in (point-in-polygon), when assigned
    municipality_code        TEXT,
    -- 二次医療圏 (secondary medical region) the position falls in
    region_code              TEXT,
    url                      TEXT,
    status                   TEXT NOT NULL DEFAULT 'active'
        CONSTRAINT locations_status_enum CHECK (status IN ('active', 'closed')),
    -- date the facility was found closed (kept, not deleted, for history)
    closed_on                TEXT,
    -- staff-only remark: never in a public response or view
    staff_note               TEXT,
    source_key               TEXT NOT NULL
        CONSTRAINT locations_source_fk REFERENCES sources (key),
    -- the record's id in its source (医療機関コード, 事業所番号 …)
    source_record_id         TEXT NOT NULL,
    -- when an import last wrote this row (UTC, RFC 3339)
    imported_at              TEXT NOT NULL,
    -- SHA-256 of the record without imported_at: tells unchanged from updated on re-import
    content_hash             TEXT NOT NULL,
    CONSTRAINT locations_source_record_unique UNIQUE (source_key, source_record_id),
    CONSTRAINT locations_lon_lat_both CHECK ((lon IS NULL) = (lat IS NULL))
);
CREATE INDEX locations_kind_name_idx ON locations (kind, name, id);
CREATE INDEX locations_municipality_idx ON locations (municipality_code);
CREATE INDEX locations_stated_municipality_idx ON locations (stated_municipality_code);
CREATE INDEX locations_organization_idx ON locations (organization_id);

-- HSDS service, offered at one location. location_id is kept here (as well as
-- in service_at_location) so that the key is unique per location and child
-- rows go when the location is replaced.
CREATE TABLE services (
    id                    TEXT PRIMARY KEY,
    organization_id       TEXT NOT NULL
        CONSTRAINT services_organization_fk REFERENCES organizations (id) ON DELETE CASCADE,
    location_id           TEXT NOT NULL
        CONSTRAINT services_location_fk REFERENCES locations (id) ON DELETE CASCADE,
    -- order of the service inside its facility, as the source lists them
    position              INTEGER NOT NULL,
    -- stable key of the service inside its facility (welfare service type, or 'main')
    key                   TEXT NOT NULL,
    name                  TEXT NOT NULL,
    -- welfare service type code (data/taxonomy.toml service_types)
    service_type          TEXT,
    age_min_years         INTEGER CONSTRAINT services_age_min_range CHECK (age_min_years BETWEEN 0 AND 255),
    age_max_years         INTEGER CONSTRAINT services_age_max_range CHECK (age_max_years BETWEEN 0 AND 255),
    accepting_new_clients TEXT NOT NULL DEFAULT 'unknown'
        CONSTRAINT services_accepting_enum CHECK (accepting_new_clients IN ('yes', 'no', 'unknown')),
    -- short-stay beds, when stated
    respite_beds          INTEGER CONSTRAINT services_respite_beds_range CHECK (respite_beds >= 0),
    -- when and by which organisation (never a person) the facts above were confirmed
    verified_on           TEXT,
    verified_by           TEXT,
    CONSTRAINT services_location_key_unique UNIQUE (location_id, key),
    CONSTRAINT services_verified_both CHECK ((verified_on IS NULL) = (verified_by IS NULL))
);
CREATE INDEX services_organization_idx ON services (organization_id);

-- HSDS service_at_location: links a service to where it is delivered.
CREATE TABLE service_at_location (
    service_id  TEXT NOT NULL
        CONSTRAINT service_at_location_service_fk REFERENCES services (id) ON DELETE CASCADE,
    location_id TEXT NOT NULL
        CONSTRAINT service_at_location_location_fk REFERENCES locations (id) ON DELETE CASCADE,
    CONSTRAINT service_at_location_pk PRIMARY KEY (service_id, location_id)
);
CREATE INDEX service_at_location_location_idx ON service_at_location (location_id);

-- HSDS phone of a location.
CREATE TABLE phones (
    location_id TEXT NOT NULL
        CONSTRAINT phones_location_fk REFERENCES locations (id) ON DELETE CASCADE,
    -- order as the source lists the numbers
    position    INTEGER NOT NULL,
    number      TEXT NOT NULL,
    label       TEXT,
    -- staff_only numbers (e.g. direct lines between desks) never leave the staff API
    visibility  TEXT NOT NULL DEFAULT 'public'
        CONSTRAINT phones_visibility_enum CHECK (visibility IN ('public', 'staff_only')),
    CONSTRAINT phones_pk PRIMARY KEY (location_id, position)
);

-- HSDS schedule of a service (simplified to weekly opening hours).
CREATE TABLE schedules (
    service_id  TEXT NOT NULL
        CONSTRAINT schedules_service_fk REFERENCES services (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    -- iCalendar BYDAY codes, comma-separated (MO,TU,…), as HSDS byday
    byday       TEXT NOT NULL,
    opens_at    TEXT,
    closes_at   TEXT,
    description TEXT,
    CONSTRAINT schedules_pk PRIMARY KEY (service_id, position)
);

-- Care capabilities (医療的ケア判定スコア items) a service is stated to handle
-- or not. Only explicitly stated facts are stored: no row means unknown.
CREATE TABLE service_capabilities (
    service_id  TEXT NOT NULL
        CONSTRAINT service_capabilities_service_fk REFERENCES services (id) ON DELETE CASCADE,
    -- order as stated, so a record reads back exactly as written
    position    INTEGER NOT NULL,
    -- taxonomy code (data/taxonomy.toml capabilities)
    capability  TEXT NOT NULL,
    answer      TEXT NOT NULL
        CONSTRAINT service_capabilities_answer_enum CHECK (answer IN ('yes', 'no', 'unknown')),
    verified_on TEXT,
    verified_by TEXT,
    -- staff-only remark (conditions agreed by phone …): never public
    staff_note  TEXT,
    CONSTRAINT service_capabilities_pk PRIMARY KEY (service_id, capability),
    CONSTRAINT service_capabilities_verified_both CHECK ((verified_on IS NULL) = (verified_by IS NULL))
);
CREATE INDEX service_capabilities_capability_idx ON service_capabilities (capability, answer);
