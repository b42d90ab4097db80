-- A meeting's number (and an outside meeting's) is never given again after it is removed:
-- members were told "!meeting leave 1", and an old number must not reach another group's
-- meeting. PostgreSQL's identity columns never reuse a number already; SQLite reuses the
-- highest rowid unless the key is AUTOINCREMENT, which only a rebuilt table can get. The rows
-- that point at a meeting are rebuilt with it (dropping meetings first would cascade to them).
-- PostgreSQL has nothing to change (a migration needs one statement there).
-- postgresql: SELECT 1;
-- sqlite only {
CREATE TABLE meetings_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    platform       TEXT NOT NULL,
    community_id   TEXT NOT NULL,
    created_by     TEXT,
    title          TEXT NOT NULL,
    description    TEXT,
    schedule       TEXT NOT NULL,
    length_minutes INTEGER NOT NULL,
    where_channel  TEXT,
    where_link     TEXT,
    cap            INTEGER,
    state          TEXT NOT NULL DEFAULT 'active',
    next_at        TEXT,
    native_id      TEXT,
    native_at      TEXT,
    created_at     TEXT NOT NULL,
    listing_until  TEXT
);
INSERT INTO meetings_new (id, platform, community_id, created_by, title, description, schedule,
                          length_minutes, where_channel, where_link, cap, state, next_at,
                          native_id, native_at, created_at, listing_until)
    SELECT id, platform, community_id, created_by, title, description, schedule, length_minutes,
           where_channel, where_link, cap, state, next_at, native_id, native_at, created_at,
           listing_until
    FROM meetings;
CREATE TABLE meeting_cancellations_new (
    meeting_id INTEGER NOT NULL REFERENCES meetings_new (id) ON DELETE CASCADE,
    starts_at  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    PRIMARY KEY (meeting_id, starts_at)
);
INSERT INTO meeting_cancellations_new (meeting_id, starts_at, kind)
    SELECT meeting_id, starts_at, kind FROM meeting_cancellations;
CREATE TABLE meeting_rsvps_new (
    platform       TEXT NOT NULL,
    community_id   TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    meeting_id     INTEGER NOT NULL REFERENCES meetings_new (id) ON DELETE CASCADE,
    starts_at      TEXT NOT NULL,
    remind_minutes INTEGER NOT NULL,
    stage          TEXT NOT NULL,
    next_at        TEXT,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (platform, community_id, user_id, meeting_id, starts_at)
);
INSERT INTO meeting_rsvps_new (platform, community_id, user_id, meeting_id, starts_at,
                               remind_minutes, stage, next_at, created_at)
    SELECT platform, community_id, user_id, meeting_id, starts_at, remind_minutes, stage, next_at,
           created_at
    FROM meeting_rsvps;
CREATE TABLE meeting_attendance_new (
    meeting_id INTEGER NOT NULL REFERENCES meetings_new (id) ON DELETE CASCADE,
    starts_at  TEXT NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, starts_at)
);
INSERT INTO meeting_attendance_new (meeting_id, starts_at, count)
    SELECT meeting_id, starts_at, count FROM meeting_attendance;
CREATE TABLE outside_meetings_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    created_by   TEXT,
    name         TEXT NOT NULL,
    organisation TEXT NOT NULL,
    schedule     TEXT NOT NULL,
    zone         TEXT NOT NULL,
    language     TEXT NOT NULL,
    link         TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
INSERT INTO outside_meetings_new (id, platform, community_id, created_by, name, organisation,
                                  schedule, zone, language, link, created_at)
    SELECT id, platform, community_id, created_by, name, organisation, schedule, zone, language,
           link, created_at
    FROM outside_meetings;
DROP TABLE meeting_cancellations;
DROP TABLE meeting_rsvps;
DROP TABLE meeting_attendance;
DROP TABLE meetings;
DROP TABLE outside_meetings;
-- Renaming meetings_new also renames the references to it in the three tables below.
ALTER TABLE meetings_new RENAME TO meetings;
ALTER TABLE meeting_cancellations_new RENAME TO meeting_cancellations;
ALTER TABLE meeting_rsvps_new RENAME TO meeting_rsvps;
ALTER TABLE meeting_attendance_new RENAME TO meeting_attendance;
ALTER TABLE outside_meetings_new RENAME TO outside_meetings;
CREATE INDEX meetings_by_next_at ON meetings (next_at);
CREATE INDEX meetings_by_community ON meetings (platform, community_id);
CREATE INDEX meetings_by_listing_until ON meetings (listing_until);
CREATE INDEX meeting_rsvps_by_next_at ON meeting_rsvps (next_at);
CREATE INDEX meeting_rsvps_by_occurrence ON meeting_rsvps (meeting_id, starts_at);
CREATE INDEX outside_meetings_by_community ON outside_meetings (platform, community_id);
-- }
