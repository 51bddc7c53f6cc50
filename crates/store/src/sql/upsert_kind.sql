-- Refreshes one facility kind's labels from the built-in taxonomy.
INSERT INTO facility_kinds (code, label_ja, label_en)
VALUES ($1, $2, $3)
ON CONFLICT (code) DO UPDATE SET label_ja = excluded.label_ja, label_en = excluded.label_en
