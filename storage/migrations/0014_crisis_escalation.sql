-- Going up a level is never held back by the 24 h cooldown or the hour's merge window.
-- last_auto_level: how serious the last automatic private message was (1 concern, 2 urgent,
-- 3 overdose); alert_signs: the kinds of danger (detector rule families) already alerted in the
-- current window, comma-separated.
ALTER TABLE crisis_member_state ADD COLUMN last_auto_level INTEGER;
ALTER TABLE crisis_member_state ADD COLUMN alert_signs TEXT;
