-- Milestone celebrations are claimed like every other due item (storage/due.py): deliver_at is
-- when a pending celebration is to be told (its milestone's instant, later when a failed send is
-- retried) and NULL once it is delivered, missed or cancelled; due_at stays the milestone's own
-- instant (how late it is, and one celebration per run, step and instant).
ALTER TABLE milestone_celebrations ADD COLUMN deliver_at TEXT;
UPDATE milestone_celebrations SET deliver_at = due_at WHERE status = 'pending';
DROP INDEX milestone_celebrations_pending;
CREATE INDEX milestone_celebrations_due ON milestone_celebrations (platform, deliver_at);
