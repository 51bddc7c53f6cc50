INSERT INTO secondary_medical_regions (code, prefecture_code, position, name_ja, name_en, code_verified)
VALUES ($1, $2, $3, $4, $5, $6)
