-- A prompt is kept once in a community's bank, so the same add arriving twice (a retried
-- interaction, or two processes at once) stores it once: bank_add inserts with
-- ON CONFLICT DO NOTHING. Copies already stored are merged into the oldest.
DELETE FROM prompt_bank WHERE id NOT IN (
    SELECT MIN(id) FROM prompt_bank GROUP BY platform, community_id, text
);
-- sqlite only {
CREATE UNIQUE INDEX prompt_bank_text ON prompt_bank (platform, community_id, text);
-- }
-- A PostgreSQL index entry holds about 2.7 kB, less than a 1,800-character prompt can take.
-- postgresql: CREATE UNIQUE INDEX prompt_bank_text ON prompt_bank (platform, community_id, md5(text));
