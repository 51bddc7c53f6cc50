-- Services of a chunk and their service_at_location links, in one statement.
WITH inserted AS (
    INSERT INTO services (
        id, organization_id, location_id, position, key, name, service_type,
        age_min_years, age_max_years, accepting_new_clients, respite_beds, verified_on, verified_by
    )
    SELECT * FROM UNNEST(
        $1::uuid[], $2::uuid[], $3::uuid[], $4::integer[], $5::text[], $6::text[], $7::text[],
        $8::smallint[], $9::smallint[], $10::text[], $11::bigint[], $12::date[], $13::text[]
    )
    RETURNING id, location_id
)
INSERT INTO service_at_location (service_id, location_id)
SELECT id, location_id FROM inserted
