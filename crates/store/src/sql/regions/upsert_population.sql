-- One municipality's population; a later import of the same code replaces it.
INSERT INTO municipal_populations (code, name, total, under_15, year, source)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (code) DO UPDATE SET
    name = excluded.name, total = excluded.total, under_15 = excluded.under_15,
    year = excluded.year, source = excluded.source
