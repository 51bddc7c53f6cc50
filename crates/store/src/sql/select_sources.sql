SELECT key, name, publisher, licence, attribution, url, demo
FROM sources
ORDER BY key
