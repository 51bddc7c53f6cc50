SELECT service_id, position, capability, answer, verified_on, verified_by, staff_note
FROM service_capabilities
