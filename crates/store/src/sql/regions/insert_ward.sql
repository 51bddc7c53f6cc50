INSERT INTO designated_city_wards (ward_code, city_code, position) VALUES ($1, $2, $3)
