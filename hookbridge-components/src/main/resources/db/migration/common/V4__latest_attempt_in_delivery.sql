-- A delivery row describes its latest attempt; hb_attempt keeps the attempts before it, each moved there when the
-- next one is recorded. Most deliveries finish at the first attempt, and then cost the store one row write instead
-- of two; a failed first attempt costs no more than a successful one. Rows from before this migration keep all their
-- attempts in hb_attempt (last_duration_ms NULL).
ALTER TABLE hb_delivery ADD COLUMN last_started_at BIGINT;
ALTER TABLE hb_delivery ADD COLUMN last_duration_ms BIGINT;
ALTER TABLE hb_delivery ADD COLUMN last_verdict VARCHAR(16);
ALTER TABLE hb_delivery ADD COLUMN last_http_status INT;
ALTER TABLE hb_delivery ADD COLUMN last_response VARCHAR(2000);
ALTER TABLE hb_delivery ADD COLUMN last_instance_id VARCHAR(200);
