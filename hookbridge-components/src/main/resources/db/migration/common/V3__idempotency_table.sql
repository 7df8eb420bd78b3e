-- Providers' delivery ids get a table of their own. They arrive in random order, and with their unique index on the
-- event table a lookup walked that index through whole event rows, bodies and all (HSQLDB keeps index nodes in the
-- rows): small rows keep the walk in memory. Purged with their events.
CREATE TABLE hb_idempotency (
    inbox           VARCHAR(200) NOT NULL,
    idempotency_key VARCHAR(300) NOT NULL,
    event_id        VARCHAR(40)  NOT NULL,
    PRIMARY KEY (inbox, idempotency_key)
);
INSERT INTO hb_idempotency (inbox, idempotency_key, event_id)
    SELECT inbox, idempotency_key, id FROM hb_event WHERE idempotency_key IS NOT NULL;
DROP INDEX hb_event_idempotency;
