-- The regional rollout (全県展開, issue 21): per area, its stage history,
-- council, 課題 (problems) and 取組 (actions). Organisations only: no column
-- holds the name of a person or a family.
--
-- `origin` says who wrote a row: 'file' (renkei import rollout, which
-- replaces the file rows of its prefecture) or 'command' (renkei rollout
-- advance|issue|action|note, kept across re-imports). `example` marks what
-- an authored file states without a cited public source.

-- An area: a 二次医療圏 or a named group of its municipalities.
CREATE TABLE rollout_areas (
    area_key            TEXT    NOT NULL CONSTRAINT rollout_areas_pk PRIMARY KEY,
    prefecture          TEXT    NOT NULL,
    -- Order of the areas in their file.
    position            INTEGER NOT NULL,
    name_ja             TEXT    NOT NULL,
    region_code         TEXT    NOT NULL,
    -- Space-separated municipality codes; empty when the area is the whole 二次医療圏.
    municipality_codes  TEXT    NOT NULL,
    -- The organisation running the council (事務局).
    secretariat         TEXT,
    source              TEXT,
    example             INTEGER NOT NULL CHECK (example IN (0, 1))
);

CREATE TABLE rollout_core_hospitals (
    area_key     TEXT    NOT NULL
        CONSTRAINT rollout_core_hospitals_area_fk REFERENCES rollout_areas (area_key) DEFERRABLE INITIALLY DEFERRED,
    position     INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    -- The directory facility, when linked (not a foreign key: a re-import of
    -- the directory must not fail on it).
    facility_id  TEXT,
    CONSTRAINT rollout_core_hospitals_pk PRIMARY KEY (area_key, position)
);

-- Every stage an area entered, with the date; read in (entered_on, id) order.
CREATE TABLE rollout_stage_transitions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    area_key        TEXT    NOT NULL
        CONSTRAINT rollout_stage_transitions_area_fk REFERENCES rollout_areas (area_key) DEFERRABLE INITIALLY DEFERRED,
    stage           TEXT    NOT NULL
        CONSTRAINT rollout_stage_transitions_stage_enum CHECK (stage IN ('outreach', 'area_selected',
            'lead_body_decided', 'partners_visited', 'council_set_up', 'issues_extracted',
            'solutions_discussed', 'actions_adopted', 'actions_underway', 'progress_review')),
    entered_on      TEXT    NOT NULL,
    -- 'day', or 'fiscal_year' when a source gives only the 年度 (entered_on is then 1 April).
    date_precision  TEXT    NOT NULL
        CONSTRAINT rollout_stage_transitions_precision_enum CHECK (date_precision IN ('day', 'fiscal_year')),
    -- Required by the application when the area moves back.
    reason          TEXT,
    -- An organisation or account label, never a person's name.
    recorded_by     TEXT,
    source          TEXT,
    example         INTEGER NOT NULL CHECK (example IN (0, 1)),
    origin          TEXT    NOT NULL
        CONSTRAINT rollout_stage_transitions_origin_enum CHECK (origin IN ('file', 'command'))
);

CREATE INDEX rollout_stage_transitions_area_idx ON rollout_stage_transitions (area_key, entered_on, id);

CREATE TABLE rollout_council_members (
    area_key      TEXT    NOT NULL
        CONSTRAINT rollout_council_members_area_fk REFERENCES rollout_areas (area_key) DEFERRABLE INITIALLY DEFERRED,
    position      INTEGER NOT NULL,
    organisation  TEXT    NOT NULL,
    category      TEXT    NOT NULL,
    example       INTEGER NOT NULL CHECK (example IN (0, 1)),
    CONSTRAINT rollout_council_members_pk PRIMARY KEY (area_key, position)
);

CREATE TABLE rollout_meetings (
    area_key        TEXT    NOT NULL
        CONSTRAINT rollout_meetings_area_fk REFERENCES rollout_areas (area_key) DEFERRABLE INITIALLY DEFERRED,
    position        INTEGER NOT NULL,
    held_on         TEXT    NOT NULL,
    date_precision  TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    -- Attending organisations, one per line.
    attending       TEXT    NOT NULL,
    summary         TEXT    NOT NULL,
    source          TEXT,
    example         INTEGER NOT NULL CHECK (example IN (0, 1)),
    CONSTRAINT rollout_meetings_pk PRIMARY KEY (area_key, position)
);

-- 課題: read in seq order (file order, then commands in the order they were made).
CREATE TABLE rollout_issues (
    issue_key    TEXT    NOT NULL CONSTRAINT rollout_issues_pk PRIMARY KEY,
    area_key     TEXT    NOT NULL
        CONSTRAINT rollout_issues_area_fk REFERENCES rollout_areas (area_key) DEFERRABLE INITIALLY DEFERRED,
    seq          INTEGER NOT NULL,
    title        TEXT    NOT NULL,
    category     TEXT    NOT NULL,
    -- The 年度 it was raised: the calendar year the fiscal year starts in.
    raised_in    INTEGER NOT NULL,
    recorded_by  TEXT,
    example      INTEGER NOT NULL CHECK (example IN (0, 1)),
    origin       TEXT    NOT NULL
        CONSTRAINT rollout_issues_origin_enum CHECK (origin IN ('file', 'command'))
);

CREATE TABLE rollout_actions (
    action_key   TEXT    NOT NULL CONSTRAINT rollout_actions_pk PRIMARY KEY,
    issue_key    TEXT    NOT NULL
        CONSTRAINT rollout_actions_issue_fk REFERENCES rollout_issues (issue_key) DEFERRABLE INITIALLY DEFERRED,
    seq          INTEGER NOT NULL,
    title        TEXT    NOT NULL,
    -- The organisation carrying it out.
    owner        TEXT    NOT NULL,
    fiscal_year  INTEGER NOT NULL,
    -- Status as adopted; a progress note may change it (rollout_progress_notes.status).
    status       TEXT    NOT NULL,
    recorded_by  TEXT,
    example      INTEGER NOT NULL CHECK (example IN (0, 1)),
    origin       TEXT    NOT NULL
        CONSTRAINT rollout_actions_origin_enum CHECK (origin IN ('file', 'command'))
);

-- 進捗確認: notes on an action, year after year; a note may set a new status.
CREATE TABLE rollout_progress_notes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    action_key   TEXT    NOT NULL
        CONSTRAINT rollout_progress_notes_action_fk REFERENCES rollout_actions (action_key) DEFERRABLE INITIALLY DEFERRED,
    noted_on     TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    status       TEXT,
    recorded_by  TEXT,
    example      INTEGER NOT NULL CHECK (example IN (0, 1)),
    origin       TEXT    NOT NULL
        CONSTRAINT rollout_progress_notes_origin_enum CHECK (origin IN ('file', 'command'))
);

-- Prefecture-level events (a support centre opening …).
CREATE TABLE rollout_milestones (
    prefecture      TEXT    NOT NULL,
    position        INTEGER NOT NULL,
    happened_on     TEXT    NOT NULL,
    date_precision  TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    source          TEXT,
    example         INTEGER NOT NULL CHECK (example IN (0, 1)),
    CONSTRAINT rollout_milestones_pk PRIMARY KEY (prefecture, position)
);
