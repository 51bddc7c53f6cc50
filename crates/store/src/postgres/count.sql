-- Number of locations matching a FacilityFilter; parameters as list_ids.sql.
SELECT count(*)
FROM locations
WHERE ($1::text IS NULL OR kind = $1)
  AND ($2::text IS NULL
       OR municipality_code BETWEEN $2 AND $3
       OR stated_municipality_code BETWEEN $2 AND $3)
  AND ($4::boolean OR status = 'active')
