-- Staff accounts (#16): the organisations staff work for, their accounts,
-- the audit log every write adds one row to, and signed-in sessions.

-- An organisation staff work for: the prefecture, a consultation desk
-- (医療的ケア児支援センター, 地域相談窓口, 市町村窓口, 相談支援事業所), a region's council.
CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL
        CONSTRAINT organisations_name_key UNIQUE,
    -- prefecture, desk, region or other.
    kind        TEXT NOT NULL
        CONSTRAINT organisations_kind_enum CHECK (kind IN ('prefecture', 'desk', 'region', 'other')),
    created_at  TEXT NOT NULL
);

-- One person's sign-in. The e-mail is stored lower-cased; the password only
-- as an argon2id PHC string.
CREATE TABLE accounts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id  INTEGER NOT NULL
        CONSTRAINT accounts_organisation_fk REFERENCES organisations (id),
    email            TEXT NOT NULL
        CONSTRAINT accounts_email_key UNIQUE,
    password_hash    TEXT NOT NULL,
    role             TEXT NOT NULL
        CONSTRAINT accounts_role_enum CHECK (role IN ('admin', 'region_editor', 'desk_staff', 'disabled')),
    -- '*' for every area, else 二次医療圏 (4 digits) and municipality (5 digits) codes separated by spaces.
    scope            TEXT NOT NULL DEFAULT '*',
    -- Failed sign-ins since the last success; reaching the limit locks the account until locked_until.
    failed_logins    INTEGER NOT NULL DEFAULT 0,
    locked_until     TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

-- One row per write: who (account, organisation), when, what (action and
-- record) and the record before and after, as JSON. account_id is NULL for
-- the command line's own writes (the first admin, imports).
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            TEXT NOT NULL,
    account_id    INTEGER
        CONSTRAINT audit_log_account_fk REFERENCES accounts (id),
    organisation  TEXT NOT NULL,
    -- e.g. account.add, account.disable, facility.edit.
    action        TEXT NOT NULL,
    -- e.g. account, facility.
    record_kind   TEXT NOT NULL,
    record_id     TEXT NOT NULL,
    -- The 二次医療圏 of the record, for the per-region export; NULL when it has none.
    region_code   TEXT,
    before_json   TEXT,
    after_json    TEXT
);

CREATE INDEX audit_log_record_idx ON audit_log (record_kind, record_id, id);
CREATE INDEX audit_log_region_at_idx ON audit_log (region_code, at);

-- Signed-in sessions, written by tower-sessions' SQLite store (its own
-- layout: id, MessagePack data, expiry as a Unix timestamp in seconds).
CREATE TABLE staff_sessions (
    id           TEXT PRIMARY KEY NOT NULL,
    data         BLOB NOT NULL,
    expiry_date  INTEGER NOT NULL
);
