INSERT INTO schedules (service_id, position, byday, opens_at, closes_at, description)
SELECT * FROM UNNEST($1::uuid[], $2::integer[], $3::text[], $4::text[], $5::text[], $6::text[])
