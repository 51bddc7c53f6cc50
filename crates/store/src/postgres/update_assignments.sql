-- Sets the placement (point in polygon) of many locations in one statement;
-- rows whose stored placement is already the same are not touched, so the
-- number of affected rows is the number that changed.
UPDATE locations AS l
SET municipality_code = a.municipality_code,
    region_code = a.region_code,
    assignment_method = a.method,
    assignment_distance_m = a.distance_m
FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::float8[])
    AS a (id, municipality_code, region_code, method, distance_m)
WHERE l.id = a.id
  AND (l.municipality_code IS DISTINCT FROM a.municipality_code
    OR l.region_code IS DISTINCT FROM a.region_code
    OR l.assignment_method IS DISTINCT FROM a.method
    OR l.assignment_distance_m IS DISTINCT FROM a.distance_m)
