INSERT INTO region_municipalities (municipality_code, region_code, position) VALUES ($1, $2, $3)
