INSERT INTO service_capabilities (service_id, position, capability, answer, verified_on, verified_by, staff_note)
SELECT * FROM UNNEST($1::uuid[], $2::integer[], $3::text[], $4::text[], $5::date[], $6::text[], $7::text[])
