-- Every N03 unit with its GeoJSON boundary.
SELECT code, prefecture_name, subprefecture_name, county_or_city, name, geometry
FROM municipalities
ORDER BY code
