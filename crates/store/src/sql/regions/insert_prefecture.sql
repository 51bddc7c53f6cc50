-- One prefecture of a region table (its old rows were deleted, cascading to its regions).
INSERT INTO prefectures (code, name_ja, name_en) VALUES ($1, $2, $3)
