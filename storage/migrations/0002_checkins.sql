-- Daily check-ins, check-in reminders and the community's daily check-in post.

-- One row per check-in; several a day are allowed, the local day counts once.
CREATE TABLE checkins (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    local_date   TEXT NOT NULL,          -- YYYY-MM-DD in the member's zone at check-in time
    created_at   TEXT NOT NULL,          -- UTC instant
    mood         INTEGER NOT NULL CHECK (mood BETWEEN 1 AND 5),
    cravings     INTEGER NOT NULL CHECK (cravings BETWEEN 0 AND 10),
    note         TEXT,                   -- private; blanked by the retention sweep
    shared       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX checkins_member_day ON checkins (platform, community_id, user_id, local_date);
CREATE INDEX checkins_community_day ON checkins (platform, community_id, local_date);
CREATE INDEX checkins_created ON checkins (created_at);

-- One row per member and local day with a check-in: streaks and "first today" read this,
-- so their cost follows the number of days, not of check-ins.
CREATE TABLE checkin_days (
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    local_date   TEXT NOT NULL,
    shared       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (platform, community_id, user_id, local_date)
);

-- One daily reminder per member; the sweep asks for rows with next_remind_at <= now.
CREATE TABLE checkin_reminders (
    platform           TEXT NOT NULL,
    community_id       TEXT NOT NULL,
    user_id            TEXT NOT NULL,
    remind_time        TEXT NOT NULL,    -- HH:MM, member's local wall time
    next_remind_at     TEXT NOT NULL,    -- UTC instant
    last_reminded_date TEXT,             -- member's local date of the last reminder sent
    updated_at         TEXT NOT NULL,
    PRIMARY KEY (platform, community_id, user_id)
);
CREATE INDEX checkin_reminders_due ON checkin_reminders (platform, next_remind_at);

-- The community's daily check-in post (community data, not about any member).
CREATE TABLE checkin_posts (
    platform         TEXT NOT NULL,
    community_id     TEXT NOT NULL,
    post_time        TEXT NOT NULL,      -- HH:MM, community's local wall time
    next_post_at     TEXT NOT NULL,      -- UTC instant
    last_posted_date TEXT,               -- community's local date of the last post
    PRIMARY KEY (platform, community_id)
);
CREATE INDEX checkin_posts_due ON checkin_posts (platform, next_post_at);
