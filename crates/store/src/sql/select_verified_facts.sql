-- Facts a desk has confirmed, laid over the imported ones; both backends append their own WHERE clause.
SELECT location_id, service_key, field, answer, verified_on, verified_by, staff_note
FROM verified_facts
