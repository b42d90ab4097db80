-- Facilitators' scheduled prompts, their delivery history, skipped dates and the prompt bank.
CREATE TABLE prompts (
    id            INTEGER PRIMARY KEY,
    platform      TEXT NOT NULL,
    community_id  TEXT NOT NULL,
    created_by    TEXT,                        -- NULL once its author deleted their data
    text          TEXT,                        -- NULL: post the next prompt from the bank
    schedule      TEXT NOT NULL,               -- canonical bot.recurrence text, community zone
    channel_id    TEXT,                        -- NULL: the community's prompts channel
    thread        INTEGER NOT NULL DEFAULT 0,
    state         TEXT NOT NULL DEFAULT 'active',  -- active | paused | finished
    paused_reason TEXT,                        -- facilitator | failures
    failures      INTEGER NOT NULL DEFAULT 0,  -- consecutive failed deliveries
    next_at       TEXT,                        -- UTC instant of the next post; NULL unless active
    created_at    TEXT NOT NULL
);

CREATE INDEX prompts_by_next_at ON prompts (next_at);

CREATE INDEX prompts_by_community ON prompts (platform, community_id);

-- One row per handled occurrence: posted, failed, skipped, missed, rate-limited, posting.
CREATE TABLE prompt_runs (
    id         INTEGER PRIMARY KEY,
    prompt_id  INTEGER NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    due_at     TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    detail     TEXT,
    message_id TEXT,
    at         TEXT NOT NULL
);

CREATE INDEX prompt_runs_by_prompt ON prompt_runs (prompt_id, due_at);

CREATE INDEX prompt_runs_by_outcome ON prompt_runs (outcome, at);

CREATE TABLE prompt_skips (
    prompt_id INTEGER NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    day       TEXT NOT NULL,
    PRIMARY KEY (prompt_id, day)
);

CREATE TABLE prompt_bank (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    created_by   TEXT,
    text         TEXT NOT NULL,
    uses         INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL
);

CREATE INDEX prompt_bank_by_rotation ON prompt_bank (platform, community_id, uses, id);
