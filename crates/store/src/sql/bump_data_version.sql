-- Every committed write bumps the data version once, so replicas notice it.
UPDATE store_state SET data_version = data_version + 1 WHERE id = 1 RETURNING data_version
