-- Accountability partners: the opt-in pool, proposals, partnerships, blocks, SOS counts.

-- Members waiting for a partner. The row stays while a proposal is pending (a decline or a
-- timeout returns the member to the pool) and goes when a partnership starts.
CREATE TABLE partner_pool (
    platform      TEXT NOT NULL,
    community_id  TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    focus         TEXT NOT NULL,
    intro         TEXT,                      -- shown only to members they are proposed with
    frequency     TEXT NOT NULL,
    language      TEXT,                      -- primary language subtag, e.g. "en"
    joined_at     TEXT NOT NULL,             -- UTC instant
    first_in_line INTEGER NOT NULL DEFAULT 0, -- left over last round: goes first next round
    PRIMARY KEY (platform, community_id, user_id)
);

-- One proposed pair (or trio). expires_at is set only while the proposal is pending.
CREATE TABLE partner_proposals (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT,
    status       TEXT NOT NULL DEFAULT 'pending', -- pending accepted declined expired cancelled
    closed_at    TEXT
);
CREATE INDEX partner_proposals_due ON partner_proposals (platform, expires_at);

CREATE TABLE partner_proposal_members (
    proposal_id  INTEGER NOT NULL REFERENCES partner_proposals (id) ON DELETE CASCADE,
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    answer       TEXT,                       -- NULL until answered: accept or decline
    PRIMARY KEY (proposal_id, user_id)
);
CREATE INDEX partner_proposal_members_user ON partner_proposal_members (platform, community_id, user_id);

CREATE TABLE partnerships (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    ended_at     TEXT                        -- NULL while active
);

-- One row per member of a partnership, with that member's nudge bookkeeping.
CREATE TABLE partnership_members (
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    platform       TEXT NOT NULL,
    community_id   TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    left_at        TEXT,                     -- when this member's partnership ended
    nudge_check_at TEXT,                     -- next daily look at the partner's check-ins
    nudged_on      TEXT,                     -- partner's local date of the last nudge (one per lapse)
    PRIMARY KEY (partnership_id, user_id)
);
CREATE INDEX partnership_members_user ON partnership_members (platform, community_id, user_id);
CREATE INDEX partnership_members_nudge ON partnership_members (platform, nudge_check_at);

-- "Never propose me with this member." Only the member who blocked sees it.
CREATE TABLE partner_blocks (
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    blocked_id   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (platform, community_id, user_id, blocked_id)
);
CREATE INDEX partner_blocks_blocked ON partner_blocks (platform, community_id, blocked_id);

-- SOS messages sent per member-local day (persisted so a restart does not reset the limit).
CREATE TABLE partner_sos (
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    local_date   TEXT NOT NULL,
    sent         INTEGER NOT NULL,
    PRIMARY KEY (platform, community_id, user_id)
);

-- Messages owed to a member after another member's data was deleted (sent by a due source).
CREATE TABLE partner_notices (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    kind         TEXT NOT NULL,              -- partnership_ended proposal_closed
    due_at       TEXT NOT NULL
);
CREATE INDEX partner_notices_due ON partner_notices (platform, due_at);

-- Weekly matching per community (community data, not about any member).
CREATE TABLE partner_schedules (
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    spec         TEXT NOT NULL,              -- "weekly mon 09:00", community-local
    next_run_at  TEXT NOT NULL,
    PRIMARY KEY (platform, community_id)
);
CREATE INDEX partner_schedules_due ON partner_schedules (platform, next_run_at);
