-- One page of location ids matching a FacilityFilter, in list order.
-- $1 kind, $2 municipality code (a designated city includes its wards),
-- $3 include closed, $4 limit, $5 offset.
SELECT id
FROM locations
WHERE ($1::text IS NULL OR kind = $1)
  AND ($2::text IS NULL
       OR municipality_code = $2
       OR stated_municipality_code = $2
       -- a designated city: its wards, as the stored region tables list them
       OR municipality_code IN (SELECT ward_code FROM designated_city_wards WHERE city_code = $2)
       OR stated_municipality_code IN (SELECT ward_code FROM designated_city_wards WHERE city_code = $2))
  AND ($3::boolean OR status = 'active')
ORDER BY kind, name COLLATE "C", id
LIMIT $4 OFFSET $5
