-- Chat messages the crisis listener acted on, with the highest level it acted at, so that an
-- edit of one never brings a second alert at the same level. Message ids and levels only,
-- never text; rows older than 30 days are removed as new ones are written.
CREATE TABLE crisis_flagged_messages (
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    message_id   TEXT NOT NULL,
    level        TEXT NOT NULL,     -- concern | urgent
    flagged_at   TEXT NOT NULL,
    PRIMARY KEY (platform, community_id, user_id, message_id)
);

CREATE INDEX crisis_flagged_messages_age ON crisis_flagged_messages (flagged_at);
