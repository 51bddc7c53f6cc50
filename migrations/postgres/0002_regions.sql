-- Regions (issue 4): prefecture → 二次医療圏 (secondary medical region) →
-- municipality / ward (N03 unit), with boundaries and population, and how each
-- location was placed in them.
-- Append-only: never edit this file once released; add 0004_… instead (0003 is taken).
-- migrations/sqlite/0002_regions.sql holds the same schema for SQLite.
--
-- The region table (data/regions/*.toml) and the boundaries (MLIT N03) are
-- imported separately and in either order, so membership rows do not reference
-- municipalities: a region may list a unit whose boundary is not loaded yet.

-- 都道府県, from the [prefecture] section of each region table.
CREATE TABLE prefectures (
    -- JIS X 0401 two-digit code, e.g. '14'
    code    text PRIMARY KEY CONSTRAINT prefectures_code_format CHECK (code ~ '^[0-9]{2}$'),
    name_ja text NOT NULL,
    name_en text
);

-- 二次医療圏 (secondary medical regions) as authored in data/regions/*.toml.
CREATE TABLE secondary_medical_regions (
    -- four digits: prefecture code + serial, e.g. '1407' 湘南東部
    code            text PRIMARY KEY
        CONSTRAINT secondary_medical_regions_code_format CHECK (code ~ '^[0-9]{4}$'),
    prefecture_code text NOT NULL
        CONSTRAINT secondary_medical_regions_prefecture_fk REFERENCES prefectures (code) ON DELETE CASCADE,
    -- order in the authored file, so the table reads back as written
    position        integer NOT NULL,
    name_ja         text NOT NULL,
    name_en         text,
    -- false when no source at hand confirms the code (the name and membership may still be right)
    code_verified   boolean NOT NULL DEFAULT true
);
CREATE INDEX secondary_medical_regions_prefecture_idx ON secondary_medical_regions (prefecture_code, position);

-- Core hospitals (中核病院) for pediatric home care, by name, where a source
-- states them; no row means unknown, not "none".
CREATE TABLE region_core_hospitals (
    region_code text NOT NULL
        CONSTRAINT region_core_hospitals_region_fk REFERENCES secondary_medical_regions (code) ON DELETE CASCADE,
    position    integer NOT NULL,
    name        text NOT NULL,
    CONSTRAINT region_core_hospitals_pk PRIMARY KEY (region_code, position)
);

-- Which 二次医療圏 each N03 unit (municipality or ward) belongs to. The primary
-- key makes a unit belong to at most one region, across all prefectures.
CREATE TABLE region_municipalities (
    municipality_code text PRIMARY KEY
        CONSTRAINT region_municipalities_code_format CHECK (municipality_code ~ '^[0-9]{5}$'),
    region_code       text NOT NULL
        CONSTRAINT region_municipalities_region_fk REFERENCES secondary_medical_regions (code) ON DELETE CASCADE,
    -- order inside the region as authored
    position          integer NOT NULL
);
CREATE INDEX region_municipalities_region_idx ON region_municipalities (region_code, position);

-- 政令指定都市 (designated cities): population and some sources are published
-- for the whole city only, so the city code must be known with its wards.
CREATE TABLE designated_cities (
    -- city-level code, e.g. '14100' 横浜市
    code            text PRIMARY KEY,
    prefecture_code text NOT NULL
        CONSTRAINT designated_cities_prefecture_fk REFERENCES prefectures (code) ON DELETE CASCADE,
    position        integer NOT NULL,
    name_ja         text NOT NULL
);

-- The wards (区) of each designated city, by N03 code.
CREATE TABLE designated_city_wards (
    ward_code text PRIMARY KEY,
    city_code text NOT NULL
        CONSTRAINT designated_city_wards_city_fk REFERENCES designated_cities (code) ON DELETE CASCADE,
    position  integer NOT NULL
);
CREATE INDEX designated_city_wards_city_idx ON designated_city_wards (city_code, position);

-- N03 units (行政区域) with their boundaries, replaced per prefecture by
-- `renkei import n03`. 二次医療圏 geometry is not stored: it is the union of
-- its units (regions_view computes it for GIS users; the service at load time).
CREATE TABLE municipalities (
    -- N03_007, five digits, e.g. '14207' 茅ヶ崎市, '14101' 横浜市鶴見区
    code               text PRIMARY KEY
        CONSTRAINT municipalities_code_format CHECK (code ~ '^[0-9]{5}$'),
    -- first two digits of code; an import replaces every unit of the prefectures it holds
    prefecture_code    text NOT NULL
        CONSTRAINT municipalities_prefecture_of_code CHECK (prefecture_code = substr(code, 1, 2)),
    -- N03_001 都道府県名
    prefecture_name    text NOT NULL,
    -- N03_002 支庁・振興局名 (Hokkaido and some islands only)
    subprefecture_name text,
    -- N03_003 郡・政令市名, e.g. 横浜市 for a ward
    county_or_city     text,
    -- N03_004 (or the ward name), e.g. 鶴見区, 茅ヶ崎市
    name               text NOT NULL,
    -- boundary, WGS 84 (EPSG:4326), x = longitude
    geom               public.geometry(MultiPolygon, 4326) NOT NULL,
    -- file the boundary came from, and when it was imported
    source_file        text NOT NULL,
    imported_at        timestamptz NOT NULL
);
CREATE INDEX municipalities_prefecture_idx ON municipalities (prefecture_code);
CREATE INDEX municipalities_geom_idx ON municipalities USING gist (geom);

-- Population per municipality or designated city (SSDSE-A gives 政令市 as whole
-- cities, so codes such as '14100' appear here, not their wards).
CREATE TABLE municipal_populations (
    code     text PRIMARY KEY CONSTRAINT municipal_populations_code_format CHECK (code ~ '^[0-9]{5}$'),
    name     text NOT NULL,
    -- persons
    total    bigint NOT NULL CONSTRAINT municipal_populations_total_range CHECK (total >= 0),
    -- children under 15, persons
    under_15 bigint NOT NULL CONSTRAINT municipal_populations_under_15_range CHECK (under_15 BETWEEN 0 AND total),
    -- reference year of the count (e.g. 2020 for the 2020 国勢調査)
    year     integer NOT NULL,
    -- dataset the numbers come from, e.g. 'SSDSE-A-2026 (国勢調査 2020)'
    source   text NOT NULL
);

-- How the position of a location was placed in a municipality (point in
-- polygon): 'inside'; 'nearest' (outside every polygon but within 500 m of this
-- one: assigned and flagged); 'suspect' (farther: not assigned, coordinates
-- probably wrong). NULL when not placed (no position, or no boundaries loaded).
ALTER TABLE locations
    ADD COLUMN assignment_method text
        CONSTRAINT locations_assignment_method_enum CHECK (assignment_method IN ('inside', 'nearest', 'suspect')),
    -- metres from the position to the border of the municipality it was placed
    -- in (0 inside); for 'suspect', to the nearest municipality
    ADD COLUMN assignment_distance_m double precision
        CONSTRAINT locations_assignment_distance_range CHECK (assignment_distance_m >= 0);
CREATE INDEX locations_region_idx ON locations (region_code);

-- For QGIS and other GIS clients: one row per N03 unit with its 二次医療圏.
CREATE VIEW municipalities_view AS
SELECT
    m.code,
    m.prefecture_name,
    m.county_or_city,
    m.name,
    coalesce(m.county_or_city, '') || m.name AS full_name,
    rm.region_code,
    r.name_ja AS region_name_ja,
    m.geom
FROM municipalities m
LEFT JOIN region_municipalities rm ON rm.municipality_code = m.code
LEFT JOIN secondary_medical_regions r ON r.code = rm.region_code;

COMMENT ON VIEW municipalities_view IS
    'renkei N03 municipalities / wards with their 二次医療圏 (secondary medical region); MultiPolygon in EPSG:4326';

-- For QGIS and other GIS clients: one row per 二次医療圏 with its dissolved
-- boundary (union of the loaded units; NULL until boundaries are imported) and
-- the number of active facilities placed in it, in total and by kind (JSON).
CREATE VIEW regions_view AS
SELECT
    r.code,
    r.name_ja,
    r.name_en,
    p.name_ja AS prefecture_name,
    r.code_verified,
    (SELECT count(*) FROM locations l WHERE l.region_code = r.code AND l.status = 'active') AS facilities,
    (SELECT jsonb_object_agg(kind, n) FROM (
        SELECT l.kind, count(*) AS n FROM locations l
        WHERE l.region_code = r.code AND l.status = 'active' GROUP BY l.kind) counts) AS facilities_by_kind,
    (SELECT public.ST_Multi(public.ST_Union(m.geom))::public.geometry(MultiPolygon, 4326)
     FROM region_municipalities rm JOIN municipalities m ON m.code = rm.municipality_code
     WHERE rm.region_code = r.code) AS geom
FROM secondary_medical_regions r
JOIN prefectures p ON p.code = r.prefecture_code;

COMMENT ON VIEW regions_view IS
    'renkei 二次医療圏 (secondary medical regions) with facility counts and the union of their municipalities; MultiPolygon in EPSG:4326';
