-- Milestones: recovery counters, every run of each counter, and each celebration (an outbox).
-- Instants are UTC ISO-8601 text in whole seconds; local dates are YYYY-MM-DD; zones IANA names.
CREATE TABLE milestone_counters (
    id                 INTEGER PRIMARY KEY,
    platform           TEXT NOT NULL,
    community_id       TEXT NOT NULL,
    user_id            TEXT NOT NULL,
    name               TEXT NOT NULL,
    name_key           TEXT NOT NULL,  -- the name case-folded: one counter per name per member
    visibility         TEXT NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'public')),
    zone               TEXT NOT NULL,  -- the member's zone when next_at was computed
    run_id             INTEGER NOT NULL DEFAULT 0,  -- the current run (milestone_runs.id)
    celebrated_through TEXT NOT NULL,  -- milestones at or before this instant are handled
    next_at            TEXT,           -- the next milestone's instant; NULL when there is none
    next_step          TEXT,           -- the next milestone, as a ladder step such as '30d'
    created_at         TEXT NOT NULL,
    UNIQUE (platform, community_id, user_id, name_key)
);

-- The one sweep asks "which counters are due?" per platform: MIN(next_at) and next_at <= now.
CREATE INDEX milestone_counters_due ON milestone_counters (platform, next_at);

CREATE TABLE milestone_runs (
    id           INTEGER PRIMARY KEY,
    counter_id   INTEGER NOT NULL REFERENCES milestone_counters (id) ON DELETE CASCADE,
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    start_date   TEXT NOT NULL,  -- the member's local date the run began
    start_time   TEXT,           -- local HH:MM, NULL when the run began at the start of the day
    started_at   TEXT NOT NULL,
    ended_at     TEXT,           -- the next run's start; NULL for the current run
    length_days  INTEGER,        -- completed days, set when the run ends
    note         TEXT,           -- the member's private note about the reset
    reset_at     TEXT            -- when the member reported the reset
);

CREATE INDEX milestone_runs_by_counter ON milestone_runs (counter_id, started_at);

-- One row per milestone reached: 'pending' until delivered, then 'delivered'; 'missed' when it
-- was more than a day late; 'cancelled' when the run was reset or corrected first.
CREATE TABLE milestone_celebrations (
    id           INTEGER PRIMARY KEY,
    counter_id   INTEGER NOT NULL REFERENCES milestone_counters (id) ON DELETE CASCADE,
    run_id       INTEGER NOT NULL REFERENCES milestone_runs (id) ON DELETE CASCADE,
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    step         TEXT NOT NULL,
    due_at       TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'missed', 'cancelled')),
    handled_at   TEXT,
    UNIQUE (run_id, step, due_at)
);

CREATE INDEX milestone_celebrations_pending ON milestone_celebrations (platform, status, due_at);
