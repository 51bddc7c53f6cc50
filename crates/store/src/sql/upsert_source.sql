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
WHERE sources.name IS DISTINCT FROM excluded.name
   OR sources.publisher IS DISTINCT FROM excluded.publisher
   OR sources.licence IS DISTINCT FROM excluded.licence
   OR sources.attribution IS DISTINCT FROM excluded.attribution
   OR sources.url IS DISTINCT FROM excluded.url
   OR sources.demo IS DISTINCT FROM excluded.demo
RETURNING key
