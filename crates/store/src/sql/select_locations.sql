-- Locations with what a facility takes from its organisation and source.
-- Both backends append their own WHERE clause (all, or a list of ids).
SELECT
    l.id,
    l.organization_id,
    l.kind,
    l.name,
    l.name_kana,
    l.address,
    l.postal_code,
    l.lon,
    l.lat,
    l.stated_municipality_code,
    l.municipality_code,
    l.region_code,
    l.url,
    l.status,
    l.closed_on,
    l.staff_note,
    l.source_key,
    l.source_record_id,
    l.imported_at,
    l.content_hash,
    o.name AS organization_name,
    o.url AS organization_url,
    s.licence,
    s.attribution,
    s.demo,
    g.precision AS geocoded_precision
FROM locations l
JOIN organizations o ON o.id = l.organization_id
JOIN sources s ON s.key = l.source_key
LEFT JOIN location_geocodes g ON g.location_id = l.id
