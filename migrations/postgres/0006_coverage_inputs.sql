-- Inputs of the coverage analysis (issue 9) beyond boundaries and municipal
-- population: children per mesh cell, and the municipalities each provider
-- declares it serves.

-- Population per JIS X 0410 mesh cell from e-Stat 地域メッシュ統計 (国勢調査).
-- When present, coverage counts children per cell from here instead of
-- spreading municipal counts over the cells.
CREATE TABLE mesh_populations (
    -- 8-digit 3rd mesh (about 1 km) or 9-digit half mesh (about 500 m) code.
    mesh_code   TEXT PRIMARY KEY,
    total       BIGINT NOT NULL,
    -- Children aged 0–14 (persons).
    under_15    BIGINT NOT NULL,
    -- Census year of the counts, e.g. 2020.
    year        INTEGER NOT NULL,
    -- Dataset as the file names it (table id and survey).
    source      TEXT NOT NULL,
    -- File the row came from, for provenance.
    source_file TEXT NOT NULL,
    CONSTRAINT mesh_populations_code_digits CHECK (length(mesh_code) IN (8, 9)),
    CONSTRAINT mesh_populations_counts CHECK (total >= 0 AND under_15 >= 0)
);

-- HSDS service_area: a municipality (or designated city, whose code covers its
-- wards) that a provider says it serves, e.g. a visiting-nurse station's
-- 訪問地域. Coverage can count these instead of distance (basis=service_area).
CREATE TABLE service_areas (
    location_id       uuid NOT NULL
        CONSTRAINT service_areas_location_fk REFERENCES locations (id) ON DELETE CASCADE,
    municipality_code TEXT NOT NULL,
    -- File the declaration was imported from.
    source_file       TEXT NOT NULL,
    CONSTRAINT service_areas_pk PRIMARY KEY (location_id, municipality_code),
    CONSTRAINT service_areas_code_digits CHECK (length(municipality_code) = 5)
);
