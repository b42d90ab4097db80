-- Support sessions (issue 21): a member's request for someone to talk to, the queue it waits
-- in, the session a peer supporter claims, anonymous feedback, and supporters' own settings.
-- Instants are UTC ISO-8601 text. Nothing a member and supporter say in the session is stored:
-- they talk in the private space itself.

-- One request. status: waiting -> active -> closed, or waiting -> cancelled.
-- `note` is what the member wrote for the supporter; it is shown only in the private space.
CREATE TABLE support_requests (
    id             INTEGER PRIMARY KEY,
    platform       TEXT NOT NULL,
    community_id   TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    display_name   TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL,
    topics         TEXT NOT NULL DEFAULT '',
    minutes        INTEGER NOT NULL,
    note           TEXT,
    status         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    claimed_at     TEXT,
    closed_at      TEXT,
    supporter_id   TEXT,
    handoffs       INTEGER NOT NULL DEFAULT 0,
    outcome        TEXT,
    ended_by       TEXT,
    last_place     INTEGER,
    next_update_at TEXT
);

CREATE INDEX support_requests_by_member ON support_requests (platform, community_id, user_id);
CREATE INDEX support_requests_by_status ON support_requests (platform, community_id, status);
CREATE INDEX support_requests_due ON support_requests (next_update_at);

-- "How was this?": optional, 1-5 and a word. Shown to nobody with a name; only counted.
CREATE TABLE support_feedback (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    request_id   INTEGER NOT NULL,
    rating       INTEGER NOT NULL,
    word         TEXT,
    created_at   TEXT NOT NULL,
    UNIQUE (platform, community_id, request_id)
);

-- A supporter's own settings: how many sessions at once, "call me when nobody is on", and
-- the start of the duty stretch they were last nudged about.
CREATE TABLE support_supporters (
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    max_sessions INTEGER NOT NULL DEFAULT 1,
    call_me      INTEGER NOT NULL DEFAULT 0,
    nudged_for   TEXT,
    PRIMARY KEY (platform, community_id, user_id)
);
