-- One N03 unit; its boundary ($7) is stored as GeoJSON text.
INSERT INTO municipalities
    (code, prefecture_code, prefecture_name, subprefecture_name, county_or_city, name, geometry, source_file, imported_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
