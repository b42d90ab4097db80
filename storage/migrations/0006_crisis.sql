-- Crisis support: safety plans, per-member alert/cooldown state, concern reports, and
-- community-specific resources. Instants are UTC ISO-8601 text.

-- A member's Stanley-Brown style safety plan: one row per filled section.
CREATE TABLE crisis_safety_plans (
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    section      TEXT NOT NULL,
    text         TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (platform, community_id, user_id, section)
);

-- Per member: the 24 h cooldown of automatic messages, the 1 h merge window of moderator
-- alerts (and what was merged into it), and the last "let a moderator know".
CREATE TABLE crisis_member_state (
    platform       TEXT NOT NULL,
    community_id   TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    display_name   TEXT NOT NULL DEFAULT '',
    last_auto_at   TEXT,            -- last automatic private message that was delivered
    alert_at       TEXT,            -- last alert posted about this member
    alert_level    TEXT,            -- its level: concern | urgent
    pending_count  INTEGER NOT NULL DEFAULT 0,  -- flagged messages merged since alert_at
    pending_level  TEXT,
    pending_link   TEXT,            -- link to the latest merged message (never its text)
    summary_due_at TEXT,            -- when the merged follow-up is posted; NULL: nothing pending
    notify_at      TEXT,            -- last time the member asked for a moderator
    PRIMARY KEY (platform, community_id, user_id)
);

CREATE INDEX crisis_member_state_due ON crisis_member_state (platform, summary_due_at);

-- "I'm worried about someone": seen by moderators only, kept to spot misuse.
CREATE TABLE crisis_concern_reports (
    id            INTEGER PRIMARY KEY,
    platform      TEXT NOT NULL,
    community_id  TEXT NOT NULL,
    reporter_id   TEXT NOT NULL,
    reporter_name TEXT NOT NULL,
    subject_id    TEXT,             -- NULL once the named member deleted their data
    subject_name  TEXT NOT NULL,
    note          TEXT,
    alerted       INTEGER NOT NULL, -- 1 when the alert reached the moderators' channel
    created_at    TEXT NOT NULL
);

CREATE INDEX crisis_concern_by_reporter
    ON crisis_concern_reports (platform, community_id, reporter_id, created_at);
CREATE INDEX crisis_concern_by_subject
    ON crisis_concern_reports (platform, community_id, subject_id, created_at);
CREATE INDEX crisis_concern_recent ON crisis_concern_reports (platform, community_id, created_at);

-- Resources a community's moderators add (a local crisis team, the group's on-call peer).
CREATE TABLE crisis_community_resources (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    name         TEXT NOT NULL,
    contact      TEXT NOT NULL,
    hours        TEXT,
    url          TEXT,
    created_at   TEXT NOT NULL
);

CREATE INDEX crisis_community_resources_by_community
    ON crisis_community_resources (platform, community_id, id);
