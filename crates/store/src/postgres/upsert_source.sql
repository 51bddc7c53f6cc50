-- Inserts or updates a source; returns a row only when something changed.
INSERT INTO sources (key, name, publisher, licence, attribution, url, demo)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (key) DO UPDATE SET
    name = excluded.name,
    publisher = excluded.publisher,
    licence = excluded.licence,
    attribution = excluded.attribution,
    url = excluded.url,
    demo = excluded.demo
WHERE (sources.name, sources.publisher, sources.licence, sources.attribution, sources.url, sources.demo)
    IS DISTINCT FROM (excluded.name, excluded.publisher, excluded.licence, excluded.attribution, excluded.url, excluded.demo)
RETURNING key
