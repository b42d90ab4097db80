-- Meetings: the platform's listing (a Discord scheduled event, a pinned message) shows an
-- occurrence until it ends; then it moves on to the next start. NULL: nothing listed.
ALTER TABLE meetings ADD COLUMN listing_until TEXT;

CREATE INDEX meetings_by_listing_until ON meetings (listing_until);
