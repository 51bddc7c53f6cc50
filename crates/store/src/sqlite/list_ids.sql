-- One page of location ids matching a FacilityFilter, in list order.
-- ?1 kind, ?2/?3 municipality code range (a designated city spans its wards),
-- ?4 include closed, ?5 limit, ?6 offset.
SELECT id
FROM locations
WHERE (?1 IS NULL OR kind = ?1)
  AND (?2 IS NULL
       OR municipality_code BETWEEN ?2 AND ?3
       OR stated_municipality_code BETWEEN ?2 AND ?3)
  AND (?4 OR status = 'active')
ORDER BY kind, name, id
LIMIT ?5 OFFSET ?6
