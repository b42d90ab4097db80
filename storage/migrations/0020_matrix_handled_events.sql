-- Matrix: the events the bot has handled, claimed before each is acted on, so that a process
-- taking over the account (or a restart after a crash between answering and storing the sync
-- token) never answers an event twice. Event ids only; old rows are pruned.
CREATE TABLE matrix_handled_events (
    event_id TEXT PRIMARY KEY,
    handled_at TEXT NOT NULL
);

CREATE INDEX matrix_handled_events_by_time ON matrix_handled_events (handled_at);
