-- Core tables: community settings, member settings, members seen, platform state.
CREATE TABLE community_settings (
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    key          TEXT NOT NULL,
    value        TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (platform, community_id, key)
);

CREATE TABLE member_settings (
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    key          TEXT NOT NULL,
    value        TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (platform, community_id, user_id, key)
);

CREATE TABLE members (
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    display_name TEXT NOT NULL,
    first_seen   TEXT NOT NULL,
    last_seen    TEXT NOT NULL,
    PRIMARY KEY (platform, community_id, user_id)
);

-- Adapter bookkeeping that is not about any person (sync tokens, command-set hashes).
CREATE TABLE platform_state (
    platform TEXT NOT NULL,
    key      TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (platform, key)
);
