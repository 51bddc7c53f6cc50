-- Every N03 unit with its boundary as GeoJSON; 15 decimals keep the
-- coordinates exactly as written.
SELECT code, prefecture_name, subprefecture_name, county_or_city, name,
    public.ST_AsGeoJSON(geom, 15)
FROM municipalities
ORDER BY code
