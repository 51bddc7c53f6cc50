-- Sets many locations' placements in one statement, from a JSON array of
-- [id, municipality, region, method, distance_m]; rows already placed the
-- same way are not touched, so the affected rows are the changed ones.
UPDATE locations
SET municipality_code = a.municipality_code,
    region_code = a.region_code,
    assignment_method = a.method,
    assignment_distance_m = a.distance_m
FROM (SELECT value ->> 0 AS id, value ->> 1 AS municipality_code, value ->> 2 AS region_code,
             value ->> 3 AS method, value ->> 4 AS distance_m
      FROM json_each($1)) AS a
WHERE locations.id = a.id
  AND (locations.municipality_code IS NOT a.municipality_code
    OR locations.region_code IS NOT a.region_code
    OR locations.assignment_method IS NOT a.method
    OR locations.assignment_distance_m IS NOT a.distance_m)
