INSERT INTO region_core_hospitals (region_code, position, name) VALUES ($1, $2, $3)
