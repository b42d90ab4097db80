-- Meetings: recurring group sessions, their cancelled dates, members' RSVPs, attendance counts
-- and the meeting finder's outside meetings.
CREATE TABLE meetings (
    id             INTEGER PRIMARY KEY,
    platform       TEXT NOT NULL,
    community_id   TEXT NOT NULL,
    created_by     TEXT,                       -- the facilitator; NULL once they deleted their data
    title          TEXT NOT NULL,
    description    TEXT,
    schedule       TEXT NOT NULL,              -- canonical bot.recurrence text, community zone
    length_minutes INTEGER NOT NULL,
    where_channel  TEXT,                       -- a channel or room of this community, or
    where_link     TEXT,                       -- a link (one of the two is set)
    cap            INTEGER,                    -- most RSVPs per occurrence; NULL: no limit
    state          TEXT NOT NULL DEFAULT 'active',  -- active | cancelled | finished
    next_at        TEXT,                       -- UTC start of the next occurrence not yet opened
    native_id      TEXT,                       -- the platform's listing (scheduled event, pin)
    native_at      TEXT,                       -- the start that listing shows
    created_at     TEXT NOT NULL
);

CREATE INDEX meetings_by_next_at ON meetings (next_at);

CREATE INDEX meetings_by_community ON meetings (platform, community_id);

-- One cancelled or skipped occurrence, by its UTC start.
CREATE TABLE meeting_cancellations (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    starts_at  TEXT NOT NULL,
    kind       TEXT NOT NULL,                  -- cancelled | skipped
    PRIMARY KEY (meeting_id, starts_at)
);

-- A member's RSVP to one occurrence: a reminder before (stage remind), "it's starting" at the
-- start (stage start); the row is deleted once the start notice went out.
CREATE TABLE meeting_rsvps (
    platform       TEXT NOT NULL,
    community_id   TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    meeting_id     INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    starts_at      TEXT NOT NULL,
    remind_minutes INTEGER NOT NULL,           -- 0: no reminder before
    stage          TEXT NOT NULL,              -- remind | start
    next_at        TEXT,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (platform, community_id, user_id, meeting_id, starts_at)
);

CREATE INDEX meeting_rsvps_by_next_at ON meeting_rsvps (next_at);

CREATE INDEX meeting_rsvps_by_occurrence ON meeting_rsvps (meeting_id, starts_at);

-- How many came, as the facilitator counted: a number, linked to nobody.
CREATE TABLE meeting_attendance (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    starts_at  TEXT NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, starts_at)
);

-- The meeting finder: groups outside this community, on their own schedule and zone.
CREATE TABLE outside_meetings (
    id           INTEGER PRIMARY KEY,
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

CREATE INDEX outside_meetings_by_community ON outside_meetings (platform, community_id);
