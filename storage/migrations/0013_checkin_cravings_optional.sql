-- Cravings become optional: NULL means "not given" and is left out of averages and the chart.
-- Rows stored before this kept 0 for "not given"; they stay 0, because a 0 that was really
-- typed cannot be told apart from one that was not.
-- PostgreSQL drops the constraint in place; SQLite cannot, so it rebuilds the table.
-- postgresql: ALTER TABLE checkins ALTER COLUMN cravings DROP NOT NULL;
-- sqlite only {
CREATE TABLE checkins_new (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    local_date   TEXT NOT NULL,          -- YYYY-MM-DD in the member's zone at check-in time
    created_at   TEXT NOT NULL,          -- UTC instant
    mood         INTEGER NOT NULL CHECK (mood BETWEEN 1 AND 5),
    cravings     INTEGER CHECK (cravings BETWEEN 0 AND 10),  -- NULL: not given
    note         TEXT,                   -- private; blanked by the retention sweep
    shared       INTEGER NOT NULL DEFAULT 0
);
INSERT INTO checkins_new (id, platform, community_id, user_id, local_date, created_at, mood,
                          cravings, note, shared)
    SELECT id, platform, community_id, user_id, local_date, created_at, mood, cravings, note, shared
    FROM checkins;
DROP TABLE checkins;
ALTER TABLE checkins_new RENAME TO checkins;
CREATE INDEX checkins_member_day ON checkins (platform, community_id, user_id, local_date);
CREATE INDEX checkins_community_day ON checkins (platform, community_id, local_date);
CREATE INDEX checkins_created ON checkins (created_at);
-- }
