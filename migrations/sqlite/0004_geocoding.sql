-- Offline geocoding: 町丁目 (town) representative points, and how each
-- geocoded location was placed, so that a position found from an address is
-- never shown as if the source had given it.

-- One representative point per town, e.g. from 位置参照情報 / Geolonia 住所データ.
CREATE TABLE town_points (
    municipality_code TEXT NOT NULL,
    town              TEXT NOT NULL,
    lon               REAL NOT NULL,
    lat               REAL NOT NULL,
    -- File the point was imported from, for provenance.
    source_file       TEXT NOT NULL,
    CONSTRAINT town_points_pk PRIMARY KEY (municipality_code, town),
    CONSTRAINT town_points_lon_range CHECK (lon BETWEEN -180 AND 180),
    CONSTRAINT town_points_lat_range CHECK (lat BETWEEN -90 AND 90)
);

-- Present only for locations whose source gave no coordinates.
CREATE TABLE location_geocodes (
    location_id TEXT PRIMARY KEY
        CONSTRAINT location_geocodes_location_fk REFERENCES locations (id) ON DELETE CASCADE,
    precision   TEXT NOT NULL,
    -- The names that matched, e.g. 茅ヶ崎市本村五丁目, so staff can check the placement.
    matched     TEXT NOT NULL,
    CONSTRAINT location_geocodes_precision_valid CHECK (precision IN ('town', 'municipality'))
);
