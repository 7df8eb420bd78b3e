-- The key of an ordered subscription's delivery (its orderingKey's value, '' for fifo; NULL: not ordered): a claim
-- hands out a delivery only when no delivery received before it with the same key is still pending (or dead, with
-- orderingOnFailure=block). Claims walk the subscription's pending deliveries by event id; no index of its own, so
-- that unordered deliveries cost nothing more to write.
ALTER TABLE hb_delivery ADD COLUMN ordering_key VARCHAR(200);
