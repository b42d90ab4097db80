-- The alert life cycle (issue 17): who is on duty, the weekly rota, every alert with its
-- delivery, claim, outcome and escalation, and anonymous monthly counts of outcomes.
-- Instants are UTC ISO-8601 text; rota times are wall-clock minutes in the responder's zone.

-- A responder's own switch: on since an instant, or off until an instant (a rota slot's end).
CREATE TABLE crisis_duty (
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    on_since     TEXT,
    off_until    TEXT,
    PRIMARY KEY (platform, community_id, user_id)
);

-- A weekly slot: weekday 0 = Monday; start and end in minutes after local midnight in `zone`
-- (an end at or before the start ends the next day).
CREATE TABLE crisis_rota (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    weekday      INTEGER NOT NULL,
    start_min    INTEGER NOT NULL,
    end_min      INTEGER NOT NULL,
    zone         TEXT NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE INDEX crisis_rota_by_community ON crisis_rota (platform, community_id);

-- One alert to the moderators. `user_id` is the member it is about, `reporter_id` who filed
-- a concern report. The text is kept (template and values) until it is delivered once.
CREATE TABLE crisis_alerts (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    kind         TEXT NOT NULL,      -- urgent | concern | notify | report
    urgent       INTEGER NOT NULL,
    user_id      TEXT,
    reporter_id  TEXT,
    report_id    INTEGER,
    template     TEXT NOT NULL,
    values_json  TEXT NOT NULL,
    channel_id   TEXT,
    message_id   TEXT,
    created_at   TEXT NOT NULL,
    delivered_at TEXT,               -- NULL: waiting for an alerts channel or the platform
    claimed_by   TEXT,
    claimed_name TEXT,
    claimed_at   TEXT,
    closed_at    TEXT,
    outcome      TEXT,               -- reached-them | resources-sent | no-contact | false-alarm
    stage        INTEGER NOT NULL DEFAULT 0,
    next_at      TEXT                -- the next escalation or reminder; NULL: none
);

CREATE INDEX crisis_alerts_next ON crisis_alerts (platform, next_at);
CREATE INDEX crisis_alerts_waiting ON crisis_alerts (platform, delivered_at);
CREATE INDEX crisis_alerts_recent ON crisis_alerts (platform, community_id, created_at);

-- Outcomes per month, without names: what /crisis stats shows, kept when members leave.
CREATE TABLE crisis_alert_outcomes (
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    month        TEXT NOT NULL,      -- YYYY-MM (UTC)
    outcome      TEXT NOT NULL,
    count        INTEGER NOT NULL,
    PRIMARY KEY (platform, community_id, month, outcome)
);
