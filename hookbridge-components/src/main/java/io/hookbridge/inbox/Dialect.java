package io.hookbridge.inbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The databases the inbox runs on, and the little SQL that differs between them. HSQLDB is embedded and owned by one
 * process; PostgreSQL is shared by several instances, so its claims skip rows another instance has locked and its
 * inserts tolerate a row another instance committed first.
 */
enum Dialect {

    HSQLDB("hsqldb", "", false, false, "MERGE INTO hb_idempotency k USING (VALUES (CAST(? AS VARCHAR(200)), "
            + "CAST(? AS VARCHAR(300)), CAST(? AS VARCHAR(40)))) AS v (inbox, idempotency_key, event_id) "
            + "ON k.inbox = v.inbox AND k.idempotency_key = v.idempotency_key "
            + "WHEN NOT MATCHED THEN INSERT VALUES v.inbox, v.idempotency_key, v.event_id", null, null),
    POSTGRESQL("postgresql", " FOR UPDATE SKIP LOCKED", true, true, "INSERT INTO hb_idempotency (inbox, "
            + "idempotency_key, event_id) VALUES (?, ?, ?) ON CONFLICT (inbox, idempotency_key) DO NOTHING",
            "UPDATE hb_subscription s SET rate_next_at = GREATEST(COALESCE(s.rate_next_at, 0), c.now) + ? "
            + "FROM (SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT) AS now) c "
            + "WHERE s.id = ? RETURNING s.rate_next_at - ? - c.now",
            "SELECT pg_advisory_xact_lock(hashtext(?))");

    /** The folder of this database's own migrations under {@code db/migration} (beside {@code common}). */
    final String migrations;
    /**
     * Appended to a query that takes row locks (claims, subscription outcome times): rows another instance has
     * locked are skipped, not waited for.
     */
    final String skipLocked;
    private final boolean onConflict;
    /**
     * Whether two sessions write side by side. HSQLDB serialises them on its own locks (measured: an ingest commit
     * waited 30-100 ms for the bookkeeping session's), so there ingest and bookkeeping share one writer, ingest first.
     */
    final boolean concurrentWriters;
    /**
     * Records an idempotency key (inbox, key, event id) unless the inbox has it already: then its update count is 0.
     * Not failing on a known key, it can run in a batch with other events' keys.
     */
    final String insertIdempotencyKey;
    /**
     * Reserves the next slot of a rate-limited subscription (parameters: interval, subscription, interval; answers the
     * microseconds to wait), by the database's clock; null where one process owns the store and keeps the slots.
     */
    final String reserveRateSlot;
    /**
     * Makes an ordered subscription's claims take turns until the claiming transaction ends (parameter: the
     * subscription); null where one process owns the store, whose claims run on one writer anyway.
     */
    final String lockOrderedClaims;

    Dialect(String migrations, String skipLocked, boolean onConflict, boolean concurrentWriters,
            String insertIdempotencyKey, String reserveRateSlot, String lockOrderedClaims) {
        this.migrations = migrations;
        this.skipLocked = skipLocked;
        this.onConflict = onConflict;
        this.concurrentWriters = concurrentWriters;
        this.insertIdempotencyKey = insertIdempotencyKey;
        this.reserveRateSlot = reserveRateSlot;
        this.lockOrderedClaims = lockOrderedClaims;
    }

    /**
     * Appended to an insert whose row may exist already: with PostgreSQL it then inserts nothing (the update count
     * says so) instead of failing, since a failed statement would abort the whole group-commit transaction. Empty for
     * HSQLDB, where a failed statement is undone alone and the transaction goes on.
     */
    String ignoreConflict(String uniqueColumns) {
        return onConflict ? " ON CONFLICT (" + uniqueColumns + ") DO NOTHING" : "";
    }

    static Dialect of(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("hsql")) {
            return HSQLDB;
        }
        if (product.contains("postgres")) {
            return POSTGRESQL;
        }
        throw new IllegalStateException("The inbox store supports HSQLDB and PostgreSQL, not " + product);
    }
}
