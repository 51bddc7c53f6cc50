-- One N03 unit; its boundary ($7, GeoJSON) is stored as a MultiPolygon in EPSG:4326.
INSERT INTO municipalities
    (code, prefecture_code, prefecture_name, subprefecture_name, county_or_city, name, geom, source_file, imported_at)
VALUES ($1, $2, $3, $4, $5, $6,
    public.ST_Multi(public.ST_SetSRID(public.ST_GeomFromGeoJSON($7), 4326)), $8, $9)
