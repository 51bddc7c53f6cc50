-- renkei directory, PostgreSQL + PostGIS. Aligned with Open Referral HSDS 3.0
-- (organization, location, service, service_at_location, phone, schedule),
-- plus what pediatric home care needs (service_capabilities).
-- Append-only: never edit this file once released; add 0002_… instead.
-- migrations/sqlite/0001_directory.sql holds the same schema for SQLite.
--
-- Tables are created in the first schema of search_path (public by default;
-- tests use a schema of their own). PostGIS always lives in public.

CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public;

-- One row; bumped in every write transaction (which also sends NOTIFY
-- renkei_changes) so that replicas notice writes they missed with one cheap read.
CREATE TABLE store_state (
    id           integer PRIMARY KEY CONSTRAINT store_state_single_row CHECK (id = 1),
    data_version bigint NOT NULL DEFAULT 0
);
INSERT INTO store_state (id, data_version) VALUES (1, 0);

-- Facility kinds with labels, copied from data/taxonomy.toml each time the
-- store opens, so views and GIS users get readable labels.
CREATE TABLE facility_kinds (
    code     text PRIMARY KEY,
    label_ja text NOT NULL,
    label_en text NOT NULL
);

-- Datasets records come from, with the licence each record inherits.
CREATE TABLE sources (
    key         text PRIMARY KEY,
    name        text NOT NULL,
    publisher   text NOT NULL,
    licence     text NOT NULL,
    -- credit line the licence asks for, shown next to the data
    attribution text NOT NULL,
    url         text,
    -- true for the authored demo directory: not a complete or verified list
    demo        boolean NOT NULL DEFAULT false
);

-- HSDS organization. One row per location (id derived from the location's
-- source record), so replacing a record never touches another record's row.
CREATE TABLE organizations (
    id   uuid PRIMARY KEY,
    name text NOT NULL,
    url  text
);

-- HSDS location: one facility, the unit renkei lists and maps.
CREATE TABLE locations (
    -- UUID v5 of (source_key, source_record_id): stable across imports and copies
    id                       uuid PRIMARY KEY,
    organization_id          uuid NOT NULL
        CONSTRAINT locations_organization_fk REFERENCES organizations (id) ON DELETE CASCADE,
    -- taxonomy code (data/taxonomy.toml kinds)
    kind                     text NOT NULL,
    name                     text NOT NULL,
    -- reading in katakana, for sorting and search by sound
    name_kana                text,
    address                  text NOT NULL,
    -- seven digits, no hyphen: importers normalise 〒253-0041 to 2530041
    postal_code              text
        CONSTRAINT locations_postal_code_format CHECK (postal_code ~ '^[0-9]{7}$'),
    -- WGS 84 degrees; both NULL when the source has no position
    lon                      double precision CONSTRAINT locations_lon_range CHECK (lon BETWEEN -180 AND 180),
    lat                      double precision CONSTRAINT locations_lat_range CHECK (lat BETWEEN -90 AND 90),
    -- the same position as a PostGIS point, for QGIS and spatial SQL; derived, never written
    geom                     public.geometry(Point, 4326)
        GENERATED ALWAYS AS (
            CASE WHEN lon IS NOT NULL AND lat IS NOT NULL
                 THEN public.ST_SetSRID(public.ST_MakePoint(lon, lat), 4326) END
        ) STORED,
    -- municipality code as the source states it (may disagree with the position)
    stated_municipality_code text,
    -- municipality the position falls in (point-in-polygon), when assigned
    municipality_code        text,
    -- 二次医療圏 (secondary medical region) the position falls in
    region_code              text,
    url                      text,
    status                   text NOT NULL DEFAULT 'active'
        CONSTRAINT locations_status_enum CHECK (status IN ('active', 'closed')),
    -- date the facility was found closed (kept, not deleted, for history)
    closed_on                date,
    -- staff-only remark: never in a public response or view
    staff_note               text,
    source_key               text NOT NULL
        CONSTRAINT locations_source_fk REFERENCES sources (key),
    -- the record's id in its source (医療機関コード, 事業所番号 …)
    source_record_id         text NOT NULL,
    -- when an import last wrote this row
    imported_at              timestamptz NOT NULL,
    -- SHA-256 of the record without imported_at: tells unchanged from updated on re-import
    content_hash             text NOT NULL,
    CONSTRAINT locations_source_record_unique UNIQUE (source_key, source_record_id),
    CONSTRAINT locations_lon_lat_both CHECK ((lon IS NULL) = (lat IS NULL))
);
-- COLLATE "C" sorts like SQLite (code-point order), so both backends page alike.
CREATE INDEX locations_kind_name_idx ON locations (kind, name COLLATE "C", id);
CREATE INDEX locations_municipality_idx ON locations (municipality_code);
CREATE INDEX locations_stated_municipality_idx ON locations (stated_municipality_code);
CREATE INDEX locations_organization_idx ON locations (organization_id);
CREATE INDEX locations_geom_idx ON locations USING gist (geom);

-- HSDS service, offered at one location. location_id is kept here (as well as
-- in service_at_location) so that the key is unique per location and child
-- rows go when the location is replaced.
CREATE TABLE services (
    id                    uuid PRIMARY KEY,
    organization_id       uuid NOT NULL
        CONSTRAINT services_organization_fk REFERENCES organizations (id) ON DELETE CASCADE,
    location_id           uuid NOT NULL
        CONSTRAINT services_location_fk REFERENCES locations (id) ON DELETE CASCADE,
    -- order of the service inside its facility, as the source lists them
    position              integer NOT NULL,
    -- stable key of the service inside its facility (welfare service type, or 'main')
    key                   text NOT NULL,
    name                  text NOT NULL,
    -- welfare service type code (data/taxonomy.toml service_types)
    service_type          text,
    age_min_years         smallint CONSTRAINT services_age_min_range CHECK (age_min_years BETWEEN 0 AND 255),
    age_max_years         smallint CONSTRAINT services_age_max_range CHECK (age_max_years BETWEEN 0 AND 255),
    accepting_new_clients text NOT NULL DEFAULT 'unknown'
        CONSTRAINT services_accepting_enum CHECK (accepting_new_clients IN ('yes', 'no', 'unknown')),
    -- short-stay beds, when stated
    respite_beds          bigint CONSTRAINT services_respite_beds_range CHECK (respite_beds >= 0),
    -- when and by which organisation (never a person) the facts above were confirmed
    verified_on           date,
    verified_by           text,
    CONSTRAINT services_location_key_unique UNIQUE (location_id, key),
    CONSTRAINT services_verified_both CHECK ((verified_on IS NULL) = (verified_by IS NULL))
);
CREATE INDEX services_organization_idx ON services (organization_id);

-- HSDS service_at_location: links a service to where it is delivered.
CREATE TABLE service_at_location (
    service_id  uuid NOT NULL
        CONSTRAINT service_at_location_service_fk REFERENCES services (id) ON DELETE CASCADE,
    location_id uuid NOT NULL
        CONSTRAINT service_at_location_location_fk REFERENCES locations (id) ON DELETE CASCADE,
    CONSTRAINT service_at_location_pk PRIMARY KEY (service_id, location_id)
);
CREATE INDEX service_at_location_location_idx ON service_at_location (location_id);

-- HSDS phone of a location.
CREATE TABLE phones (
    location_id uuid NOT NULL
        CONSTRAINT phones_location_fk REFERENCES locations (id) ON DELETE CASCADE,
    -- order as the source lists the numbers
    position    integer NOT NULL,
    number      text NOT NULL,
    label       text,
    -- staff_only numbers (e.g. direct lines between desks) never leave the staff API
    visibility  text NOT NULL DEFAULT 'public'
        CONSTRAINT phones_visibility_enum CHECK (visibility IN ('public', 'staff_only')),
    CONSTRAINT phones_pk PRIMARY KEY (location_id, position)
);

-- HSDS schedule of a service (simplified to weekly opening hours).
CREATE TABLE schedules (
    service_id  uuid NOT NULL
        CONSTRAINT schedules_service_fk REFERENCES services (id) ON DELETE CASCADE,
    position    integer NOT NULL,
    -- iCalendar BYDAY codes, comma-separated (MO,TU,…), as HSDS byday
    byday       text NOT NULL,
    opens_at    text,
    closes_at   text,
    description text,
    CONSTRAINT schedules_pk PRIMARY KEY (service_id, position)
);

-- Care capabilities (医療的ケア判定スコア items) a service is stated to handle
-- or not. Only explicitly stated facts are stored: no row means unknown.
CREATE TABLE service_capabilities (
    service_id  uuid NOT NULL
        CONSTRAINT service_capabilities_service_fk REFERENCES services (id) ON DELETE CASCADE,
    -- order as stated, so a record reads back exactly as written
    position    integer NOT NULL,
    -- taxonomy code (data/taxonomy.toml capabilities)
    capability  text NOT NULL,
    answer      text NOT NULL
        CONSTRAINT service_capabilities_answer_enum CHECK (answer IN ('yes', 'no', 'unknown')),
    verified_on date,
    verified_by text,
    -- staff-only remark (conditions agreed by phone …): never public
    staff_note  text,
    CONSTRAINT service_capabilities_pk PRIMARY KEY (service_id, capability),
    CONSTRAINT service_capabilities_verified_both CHECK ((verified_on IS NULL) = (verified_by IS NULL))
);
CREATE INDEX service_capabilities_capability_idx ON service_capabilities (capability, answer);

-- For QGIS and other GIS clients: one readable row per facility with its point.
-- Public columns only: staff_note, staff-only phones and capability notes are
-- deliberately absent.
CREATE VIEW facilities_view AS
SELECT
    l.id,
    l.kind,
    k.label_ja AS kind_label_ja,
    l.name,
    l.address,
    l.municipality_code,
    l.region_code,
    l.status,
    s.name AS source,
    s.licence,
    l.geom
FROM locations l
JOIN sources s ON s.key = l.source_key
LEFT JOIN facility_kinds k ON k.code = l.kind;

COMMENT ON VIEW facilities_view IS
    'renkei facilities for GIS clients: public columns only, point geometry in EPSG:4326';

-- A regions view (二次医療圏 / municipality polygons with facility counts) goes
-- here once a later migration adds the regions tables.
