-- New locations of a batch with their placement, loaded with COPY (text
-- format, one row per line); geom is generated from lon and lat.
COPY locations (
    id, organization_id, kind, name, name_kana, address, postal_code, lon, lat,
    stated_municipality_code, municipality_code, region_code, url, status, closed_on,
    staff_note, source_key, source_record_id, imported_at, content_hash,
    assignment_method, assignment_distance_m
) FROM STDIN
