-- Matrix adapter: the direct room the bot shares with each member, remembered so that every
-- private message reaches the same room. A direct room is per person, not per community.
CREATE TABLE matrix_direct_rooms (
    user_id    TEXT NOT NULL PRIMARY KEY,
    room_id    TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX matrix_direct_rooms_room ON matrix_direct_rooms (room_id);
