INSERT INTO designated_cities (code, prefecture_code, position, name_ja) VALUES ($1, $2, $3, $4)
