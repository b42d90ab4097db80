-- How many private messages moderators sent today to the author of an anonymous post, all
-- moderators together: one row per post, counted by one conditional upsert, so two bot
-- processes can never both take the last message of the day (vent_relays keeps who wrote).
CREATE TABLE vent_relay_counts (
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    number       INTEGER NOT NULL,
    day          TEXT NOT NULL,
    sent         INTEGER NOT NULL,
    PRIMARY KEY (platform, community_id, number)
);
