-- Inserts or updates a source; returns a row only when something changed.
INSERT INTO sources (key, name, publisher, licence, attribution, url, demo)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
ON CONFLICT (key) DO UPDATE SET
    name = excluded.name,
    publisher = excluded.publisher,
    licence = excluded.licence,
    attribution = excluded.attribution,
    url = excluded.url,
    demo = excluded.demo
WHERE sources.name IS NOT excluded.name
   OR sources.publisher IS NOT excluded.publisher
   OR sources.licence IS NOT excluded.licence
   OR sources.attribution IS NOT excluded.attribution
   OR sources.url IS NOT excluded.url
   OR sources.demo IS NOT excluded.demo
RETURNING key
