
-- Ends the INSERT INTO locations of a batch (SQLite: VALUES …, PostgreSQL:
-- SELECT FROM UNNEST …): a record already stored is updated in place; its
-- assignment method and distance are left to the placement update.
ON CONFLICT (id) DO UPDATE SET
    organization_id = excluded.organization_id,
    kind = excluded.kind,
    name = excluded.name,
    name_kana = excluded.name_kana,
    address = excluded.address,
    postal_code = excluded.postal_code,
    lon = excluded.lon,
    lat = excluded.lat,
    stated_municipality_code = excluded.stated_municipality_code,
    municipality_code = excluded.municipality_code,
    region_code = excluded.region_code,
    url = excluded.url,
    status = excluded.status,
    closed_on = excluded.closed_on,
    staff_note = excluded.staff_note,
    imported_at = excluded.imported_at,
    content_hash = excluded.content_hash
