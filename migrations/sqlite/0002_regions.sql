-- Regions (issue 4): prefecture → 二次医療圏 (secondary medical region) →
-- municipality / ward (N03 unit), with boundaries and population, and how each
-- location was placed in them.
-- Append-only: never edit this file once released; add 0004_… instead (0003 is taken).
-- migrations/postgres/0002_regions.sql holds the same schema for PostgreSQL.
--
-- The region table (data/regions/*.toml) and the boundaries (MLIT N03) are
-- imported separately and in either order, so membership rows do not reference
-- municipalities: a region may list a unit whose boundary is not loaded yet.

-- 都道府県, from the [prefecture] section of each region table.
CREATE TABLE prefectures (
    -- JIS X 0401 two-digit code, e.g. '14'
    code    TEXT PRIMARY KEY
        CONSTRAINT prefectures_code_format CHECK (length(code) = 2 AND code NOT GLOB '*[^0-9]*'),
    name_ja TEXT NOT NULL,
    name_en TEXT
);

-- 二次医療圏 (secondary medical regions) as authored in data/regions/*.toml.
CREATE TABLE secondary_medical_regions (
    -- four digits: prefecture code + serial, e.g. '1407' 湘南東部
    code            TEXT PRIMARY KEY
        CONSTRAINT secondary_medical_regions_code_format CHECK (length(code) = 4 AND code NOT GLOB '*[^0-9]*'),
    prefecture_code TEXT NOT NULL
        CONSTRAINT secondary_medical_regions_prefecture_fk REFERENCES prefectures (code) ON DELETE CASCADE,
    -- order in the authored file, so the table reads back as written
    position        INTEGER NOT NULL,
    name_ja         TEXT NOT NULL,
    name_en         TEXT,
    -- 0 when no source at hand confirms the code (the name and membership may still be right)
    code_verified   INTEGER NOT NULL DEFAULT 1
        CONSTRAINT secondary_medical_regions_code_verified_bool CHECK (code_verified IN (0, 1))
);
CREATE INDEX secondary_medical_regions_prefecture_idx ON secondary_medical_regions (prefecture_code, position);

-- Core hospitals (中核病院) for pediatric home care, by name, where a source
-- states them; no row means unknown, not "none".
CREATE TABLE region_core_hospitals (
    region_code TEXT NOT NULL
        CONSTRAINT region_core_hospitals_region_fk REFERENCES secondary_medical_regions (code) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    CONSTRAINT region_core_hospitals_pk PRIMARY KEY (region_code, position)
);

-- Which 二次医療圏 each N03 unit (municipality or ward) belongs to. The primary
-- key makes a unit belong to at most one region, across all prefectures.
CREATE TABLE region_municipalities (
    municipality_code TEXT PRIMARY KEY
        CONSTRAINT region_municipalities_code_format CHECK (length(municipality_code) = 5 AND municipality_code NOT GLOB '*[^0-9]*'),
    region_code       TEXT NOT NULL
        CONSTRAINT region_municipalities_region_fk REFERENCES secondary_medical_regions (code) ON DELETE CASCADE,
    -- order inside the region as authored
    position          INTEGER NOT NULL
);
CREATE INDEX region_municipalities_region_idx ON region_municipalities (region_code, position);

-- 政令指定都市 (designated cities): population and some sources are published
-- for the whole city only, so the city code must be known with its wards.
CREATE TABLE designated_cities (
    -- city-level code, e.g. '14100' 横浜市
    code            TEXT PRIMARY KEY,
    prefecture_code TEXT NOT NULL
        CONSTRAINT designated_cities_prefecture_fk REFERENCES prefectures (code) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    name_ja         TEXT NOT NULL
);

-- The wards (区) of each designated city, by N03 code.
CREATE TABLE designated_city_wards (
    ward_code TEXT PRIMARY KEY,
    city_code TEXT NOT NULL
        CONSTRAINT designated_city_wards_city_fk REFERENCES designated_cities (code) ON DELETE CASCADE,
    position  INTEGER NOT NULL
);
CREATE INDEX designated_city_wards_city_idx ON designated_city_wards (city_code, position);

-- N03 units (行政区域) with their boundaries, replaced per prefecture by
-- `renkei import n03`. 二次医療圏 geometry is not stored: it is the union of
-- its units, computed when the service loads (so it never goes stale).
CREATE TABLE municipalities (
    -- N03_007, five digits, e.g. '14207' 茅ヶ崎市, '14101' 横浜市鶴見区
    code               TEXT PRIMARY KEY
        CONSTRAINT municipalities_code_format CHECK (length(code) = 5 AND code NOT GLOB '*[^0-9]*'),
    -- first two digits of code; an import replaces every unit of the prefectures it holds
    prefecture_code    TEXT NOT NULL
        CONSTRAINT municipalities_prefecture_of_code CHECK (prefecture_code = substr(code, 1, 2)),
    -- N03_001 都道府県名
    prefecture_name    TEXT NOT NULL,
    -- N03_002 支庁・振興局名 (Hokkaido and some islands only)
    subprefecture_name TEXT,
    -- N03_003 郡・政令市名, e.g. 横浜市 for a ward
    county_or_city     TEXT,
    -- N03_004 (or the ward name), e.g. 鶴見区, 茅ヶ崎市
    name               TEXT NOT NULL,
    -- GeoJSON MultiPolygon geometry object, WGS 84, longitude first (RFC 7946)
    geometry           TEXT NOT NULL,
    -- file the boundary came from, and when it was imported (UTC, RFC 3339)
    source_file        TEXT NOT NULL,
    imported_at        TEXT NOT NULL
);
CREATE INDEX municipalities_prefecture_idx ON municipalities (prefecture_code);

-- Population per municipality or designated city (SSDSE-A gives 政令市 as whole
-- cities, so codes such as '14100' appear here, not their wards).
CREATE TABLE municipal_populations (
    code        TEXT PRIMARY KEY
        CONSTRAINT municipal_populations_code_format CHECK (length(code) = 5 AND code NOT GLOB '*[^0-9]*'),
    name        TEXT NOT NULL,
    -- persons
    total       INTEGER NOT NULL CONSTRAINT municipal_populations_total_range CHECK (total >= 0),
    -- children under 15, persons
    under_15    INTEGER NOT NULL CONSTRAINT municipal_populations_under_15_range CHECK (under_15 BETWEEN 0 AND total),
    -- reference year of the count (e.g. 2020 for the 2020 国勢調査)
    year        INTEGER NOT NULL,
    -- dataset the numbers come from, e.g. 'SSDSE-A-2026 (国勢調査 2020)'
    source      TEXT NOT NULL
);

-- How the position of a location was placed in a municipality (point in
-- polygon): 'inside'; 'nearest' (outside every polygon but within 500 m of this
-- one: assigned and flagged); 'suspect' (farther: not assigned, coordinates
-- probably wrong). NULL when not placed (no position, or no boundaries loaded).
ALTER TABLE locations ADD COLUMN assignment_method TEXT
    CONSTRAINT locations_assignment_method_enum CHECK (assignment_method IN ('inside', 'nearest', 'suspect'));
-- metres from the position to the border of the municipality it was placed in
-- (0 inside); for 'suspect', to the nearest municipality
ALTER TABLE locations ADD COLUMN assignment_distance_m REAL
    CONSTRAINT locations_assignment_distance_range CHECK (assignment_distance_m >= 0);
CREATE INDEX locations_region_idx ON locations (region_code);
