SELECT
    id,
    organization_id,
    location_id,
    position,
    key,
    name,
    service_type,
    age_min_years,
    age_max_years,
    accepting_new_clients,
    respite_beds,
    verified_on,
    verified_by
FROM services
