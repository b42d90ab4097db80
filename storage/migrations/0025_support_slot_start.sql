-- When a supporter's next rota slot begins: then they hear privately what is already waiting
-- in the support queue (as at /duty on). A due instant, moved on to the next slot each time.
ALTER TABLE support_supporters ADD COLUMN slot_at TEXT;

CREATE INDEX support_supporters_slot ON support_supporters (slot_at);
