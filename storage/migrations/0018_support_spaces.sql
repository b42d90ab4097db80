-- Support sessions, second slice: the private space a session was opened in, so closing the
-- session closes the space (archived on Discord, left on Matrix), and a session whose space
-- never opened (a crash between claim and opening) is found and opened again. `space` is the
-- platform's handle, 'private' when the platform could not open one and each person was
-- written to privately, NULL while it is being opened.
ALTER TABLE support_requests ADD COLUMN space TEXT;

-- When a supporter's current duty stretch began, and when they are due the "you've been on
-- duty a long time" nudge (a due instant; cleared once it has run).
ALTER TABLE support_supporters ADD COLUMN duty_since TEXT;
ALTER TABLE support_supporters ADD COLUMN nudge_at TEXT;

CREATE INDEX support_supporters_nudge ON support_supporters (nudge_at);
