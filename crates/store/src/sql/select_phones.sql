SELECT location_id, position, number, label, visibility
FROM phones
