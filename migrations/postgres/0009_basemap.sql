-- renkei's own base map and the places people name instead of an address
-- (#18): railway stations and lines (国土数値情報 鉄道データ N02, and
-- polylines under CC BY-SA 4.0, whose licence each row keeps), and postcode
-- points (日本郵便 KEN_ALL joined to 町丁目 points). The vector tiles'
-- `basemap` layer, printed maps and the geocoder read them.

-- One row per station and line (N02_005c) at the middle of its platform line.
CREATE TABLE stations (
    station_code TEXT NOT NULL,
    -- N02_005g: one station served by several lines shares it.
    group_code   TEXT NOT NULL,
    name         TEXT NOT NULL,
    line_name    TEXT NOT NULL,
    operator     TEXT NOT NULL,
    lon          DOUBLE PRECISION NOT NULL,
    lat          DOUBLE PRECISION NOT NULL,
    -- File the row was imported from, for provenance.
    source_file  TEXT NOT NULL,
    geom         geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
    CONSTRAINT stations_pk PRIMARY KEY (station_code),
    CONSTRAINT stations_lon_range CHECK (lon BETWEEN -180 AND 180),
    CONSTRAINT stations_lat_range CHECK (lat BETWEEN -90 AND 90)
);

-- One row per line feature; `coordinates` is the GeoJSON MultiLineString
-- coordinates array ([[[lon, lat], …], …]). `licence` and `attribution` travel
-- with each row because share-alike geometry must be credited wherever it is drawn.
CREATE TABLE rail_lines (
    line_id      TEXT NOT NULL,
    name         TEXT NOT NULL,
    operator     TEXT NOT NULL,
    coordinates  TEXT NOT NULL,
    licence      TEXT NOT NULL,
    attribution  TEXT NOT NULL,
    source_file  TEXT NOT NULL,
    CONSTRAINT rail_lines_pk PRIMARY KEY (line_id)
);

-- One representative point per postcode (seven digits), for the geocoder.
CREATE TABLE postcode_points (
    postcode        TEXT NOT NULL,
    prefecture_code TEXT NOT NULL,
    -- Municipality as written after the prefecture, and the town (empty for a whole municipality).
    city            TEXT NOT NULL,
    town            TEXT NOT NULL,
    lon             DOUBLE PRECISION NOT NULL,
    lat             DOUBLE PRECISION NOT NULL,
    source_file     TEXT NOT NULL,
    geom         geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
    CONSTRAINT postcode_points_pk PRIMARY KEY (postcode),
    CONSTRAINT postcode_points_digits CHECK (length(postcode) = 7),
    CONSTRAINT postcode_points_lon_range CHECK (lon BETWEEN -180 AND 180),
    CONSTRAINT postcode_points_lat_range CHECK (lat BETWEEN -90 AND 90)
);

CREATE INDEX stations_geom_idx ON stations USING gist (geom);
CREATE INDEX postcode_points_geom_idx ON postcode_points USING gist (geom);
