INSERT INTO phones (location_id, position, number, label, visibility)
SELECT * FROM UNNEST($1::uuid[], $2::integer[], $3::text[], $4::text[], $5::text[])
