-- A delivery row describes its latest attempt. The attempt that delivers (or filters) an event is written there only,
-- not also as an hb_attempt row, which now keeps the attempts that failed: a delivery finished at the first try
-- costs the store one row write instead of two. Rows from before this migration keep their attempts in hb_attempt
-- (last_duration_ms NULL).
ALTER TABLE hb_delivery ADD COLUMN last_started_at BIGINT;
ALTER TABLE hb_delivery ADD COLUMN last_duration_ms BIGINT;
ALTER TABLE hb_delivery ADD COLUMN last_http_status INT;
ALTER TABLE hb_delivery ADD COLUMN last_response VARCHAR(2000);
ALTER TABLE hb_delivery ADD COLUMN last_instance_id VARCHAR(200);
