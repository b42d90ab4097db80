-- Anonymous posts (issue 22). Who wrote a post lives only in vent_authors, kept as long as the
-- post and at most vent.keep_days, and goes with /mydata delete. Aliases and blocks hold keyed
-- hashes ("marks") of member ids under a per-community secret: nobody can work an alias or a
-- block back to a member, nor compare one with the other. Instants are UTC ISO-8601 text.

CREATE TABLE vent_communities (
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    secret       TEXT NOT NULL,
    last_number  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (platform, community_id)
);

-- One anonymous post or reply as the public sees it: a number and an alias, never a member.
CREATE TABLE vent_posts (
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    number       INTEGER NOT NULL,
    alias        INTEGER NOT NULL,
    channel_id   TEXT NOT NULL,
    message_id   TEXT,
    reply_to     INTEGER,
    posted_at    TEXT NOT NULL,
    removed      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (platform, community_id, number)
);

-- The link from a post to its author; forget_at is at most vent.keep_days after posting.
CREATE TABLE vent_authors (
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    number       INTEGER NOT NULL,
    user_id      TEXT NOT NULL,
    forget_at    TEXT NOT NULL,
    PRIMARY KEY (platform, community_id, number)
);
CREATE INDEX vent_authors_forget ON vent_authors (forget_at);
CREATE INDEX vent_authors_member ON vent_authors (platform, community_id, user_id);

-- "Anonymous member #alias" for one member in one week (week: the Monday, YYYY-MM-DD).
CREATE TABLE vent_aliases (
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    week         TEXT NOT NULL,
    member_mark  TEXT NOT NULL,
    alias        INTEGER NOT NULL,
    PRIMARY KEY (platform, community_id, week, member_mark),
    UNIQUE (platform, community_id, week, alias)
);

-- Members a moderator blocked from anonymous posting by a post's number, without learning who.
CREATE TABLE vent_blocks (
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    member_mark  TEXT NOT NULL,
    post_number  INTEGER NOT NULL,
    blocked_at   TEXT NOT NULL,
    PRIMARY KEY (platform, community_id, member_mark)
);

-- Per-member daily counts (kind: post, answer); day is the member's local date.
CREATE TABLE vent_usage (
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    day          TEXT NOT NULL,
    kind         TEXT NOT NULL,
    used         INTEGER NOT NULL,
    PRIMARY KEY (platform, community_id, user_id, day, kind)
);

-- Moderators who reached out privately about a post (user_id: the moderator), with how many
-- messages went each way today, so neither side can flood the other.
CREATE TABLE vent_relays (
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    number       INTEGER NOT NULL,
    user_id      TEXT NOT NULL,
    day          TEXT NOT NULL,
    sent         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (platform, community_id, number, user_id)
);
