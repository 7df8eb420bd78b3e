-- Which instance made each attempt: several instances may share one store.
ALTER TABLE hb_attempt ADD COLUMN instance_id VARCHAR(200);
