-- Number of locations matching a FacilityFilter; parameters as list_ids.sql.
SELECT count(*)
FROM locations
WHERE (?1 IS NULL OR kind = ?1)
  AND (?2 IS NULL
       OR municipality_code = ?2
       OR stated_municipality_code = ?2
       -- a designated city: its wards, as the stored region tables list them
       OR municipality_code IN (SELECT ward_code FROM designated_city_wards WHERE city_code = ?2)
       OR stated_municipality_code IN (SELECT ward_code FROM designated_city_wards WHERE city_code = ?2))
  AND (?3 OR status = 'active')
