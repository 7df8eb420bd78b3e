-- On PostgreSQL, the delivery index by subscription covers the rows that queries look for by subscription: pending
-- ones (claims, backlogs) and dead ones (failure lists); delivered rows, nearly all of them, are in no index but the
-- primary key. Two gains: an attempt outcome writes one index entry, not two; and the outcome's update, which names a
-- delivery by its primary key and no status, cannot be planned on this index. With the full index, a plan made before
-- the table's first ANALYZE could walk a subscription's whole index for each update (measured: 1.8 ms per outcome,
-- 830 pages read, deliveries at a quarter of their rate, until autovacuum analysed the table).
DROP INDEX hb_delivery_due;
CREATE INDEX hb_delivery_pending ON hb_delivery (subscription, next_attempt_at) WHERE status = 'pending';
CREATE INDEX hb_delivery_dead ON hb_delivery (subscription, event_id) WHERE status = 'dead';
