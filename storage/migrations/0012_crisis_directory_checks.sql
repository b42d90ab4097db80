-- The crisis directory, checked by the people closest to each community (issue 17).
-- Instants and days are UTC ISO-8601 text.

-- A community's moderators checked one directory entry against its source on `checked_on`.
-- `fingerprint` is the entry's contact details then: a changed number drops the check.
CREATE TABLE crisis_directory_checks (
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    entry_id     TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    checked_on   TEXT NOT NULL,
    user_id      TEXT,             -- the moderator; NULL once they deleted their data
    PRIMARY KEY (platform, community_id, entry_id)
);

-- A member says a directory entry is wrong: kept for the community's moderators.
CREATE TABLE crisis_directory_reports (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    community_id TEXT NOT NULL,
    entry_id     TEXT NOT NULL,
    reporter_id  TEXT NOT NULL,
    note         TEXT NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE INDEX crisis_directory_reports_recent
    ON crisis_directory_reports (platform, community_id, created_at);
CREATE INDEX crisis_directory_reports_by_reporter
    ON crisis_directory_reports (platform, community_id, reporter_id, created_at);
