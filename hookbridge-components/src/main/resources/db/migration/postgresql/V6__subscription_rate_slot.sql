-- A rate-limited subscription's next free slot (epoch microseconds, by the database's clock), shared by the
-- instances so that its rateLimit holds for all of them together. HSQLDB stores are owned by one process, which keeps
-- the slots in memory.
ALTER TABLE hb_subscription ADD COLUMN rate_next_at BIGINT;
