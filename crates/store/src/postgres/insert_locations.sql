-- All locations of a chunk in one statement: one array per column.
INSERT INTO locations (
    id, organization_id, kind, name, name_kana, address, postal_code, lon, lat,
    stated_municipality_code, municipality_code, region_code, url, status, closed_on,
    staff_note, source_key, source_record_id, imported_at, content_hash
)
SELECT * FROM UNNEST(
    $1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
    $8::double precision[], $9::double precision[], $10::text[], $11::text[], $12::text[],
    $13::text[], $14::text[], $15::date[], $16::text[], $17::text[], $18::text[],
    $19::timestamptz[], $20::text[]
)
