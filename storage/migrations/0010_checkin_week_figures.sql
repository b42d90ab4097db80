-- Anonymous weekly check-in figures, kept once first shown so that they never change
-- afterwards (a later change could be traced to one member). Community data, not about anyone.
CREATE TABLE checkin_week_figures (
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    week_start   TEXT NOT NULL,          -- Monday, YYYY-MM-DD, community-local
    members      INTEGER NOT NULL,
    checkins     INTEGER NOT NULL,
    avg_mood     REAL,
    PRIMARY KEY (platform, community_id, week_start)
);
