SELECT service_id, position, byday, opens_at, closes_at, description
FROM schedules
