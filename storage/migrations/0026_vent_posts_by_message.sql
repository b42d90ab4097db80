-- An anonymous post deleted outside the bot (by hand on Discord, redacted on Matrix) is found by
-- its message id, so its author link goes with it: one index lookup per deleted message.
CREATE INDEX vent_posts_by_message ON vent_posts (platform, community_id, message_id);
