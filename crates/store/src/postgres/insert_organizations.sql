INSERT INTO organizations (id, name, url)
SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::text[])
ON CONFLICT (id) DO UPDATE SET name = excluded.name, url = excluded.url
