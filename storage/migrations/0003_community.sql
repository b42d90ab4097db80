-- Community configuration: the audit log of every change a moderator (or facilitator) made.
-- user_id is the person who made the change; when they delete their data it becomes '' and
-- actor_name becomes 'deleted member' (the record of the change itself stays: see docs/privacy.md).
CREATE TABLE community_audit (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    actor_name   TEXT NOT NULL,
    action       TEXT NOT NULL,
    old_value    TEXT,
    new_value    TEXT,
    at           TEXT NOT NULL
);

CREATE INDEX community_audit_by_time ON community_audit (platform, community_id, at);

CREATE INDEX community_audit_by_actor ON community_audit (platform, user_id);
