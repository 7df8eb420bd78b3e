package io.hookbridge.inbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The inbox tables and every statement run on them. All writes go through {@link GroupCommit}, so concurrent requests
 * share commits; the database is the truth about every event and delivery.
 */
public final class InboxStore implements AutoCloseable {

    static final String PENDING = "pending";
    static final String DELIVERED = "delivered";
    static final String DEAD = "dead";
    static final String FILTERED = "filtered";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> HEADERS = new TypeReference<>() {
    };
    private static final int MAX_ERROR = 2000;

    private final DataSource dataSource;
    private final String instance;
    private final GroupCommit writer;
    private final Clock clock;
    private final String insertKey;
    private final String selectDue;
    private final String insertSubscription;
    private final String lastSuccess;
    private final String lastFailure;

    /** {@code instance} names this process in the attempt log (several may share a PostgreSQL store). */
    InboxStore(DataSource dataSource, Dialect dialect, String instance, GroupCommit.Observer observer, Clock clock) {
        this.dataSource = dataSource;
        this.instance = instance;
        this.writer = new GroupCommit(dataSource, 512, 10_000, observer);
        this.clock = clock;
        this.insertKey = INSERT_KEY + dialect.ignoreConflict("inbox, idempotency_key");
        this.selectDue = SELECT_DUE + dialect.skipLocked;
        this.insertSubscription = INSERT_SUBSCRIPTION + dialect.ignoreConflict("id");
        // instances recording attempts of several subscriptions at once would lock these rows in different orders
        // (a deadlock); a row another instance is updating right now already gets a fresh enough time
        this.lastSuccess = LAST_SUCCESS + dialect.skipLocked + ")";
        this.lastFailure = LAST_FAILURE + dialect.skipLocked + ")";
    }

    private static final String INSERT_KEY = "INSERT INTO hb_idempotency (inbox, idempotency_key, event_id) "
            + "VALUES (?, ?, ?)";
    private static final String FIND_KEY = "SELECT event_id FROM hb_idempotency WHERE inbox = ? AND idempotency_key = ?";
    private static final String INSERT_EVENT = "INSERT INTO hb_event (id, inbox, idempotency_key, event_type, source, "
            + "content_type, headers, body, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_DELIVERY = "INSERT INTO hb_delivery (event_id, subscription, status, attempts, "
            + "next_attempt_at, lease_until, updated_at) VALUES (?, ?, 'pending', 0, ?, ?, ?)";
    private static final String SELECT_DUE = "SELECT event_id, attempts, schedule_offset FROM hb_delivery "
            + "WHERE subscription = ? AND status = 'pending' AND next_attempt_at <= ? "
            + "AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_attempt_at LIMIT ?";
    private static final String LEASE = "UPDATE hb_delivery SET lease_until = ? WHERE event_id = ? AND subscription = ?";
    private static final String INSERT_ATTEMPT = "INSERT INTO hb_attempt (event_id, subscription, attempt, started_at, "
            + "duration_ms, verdict, http_status, error, response, instance_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_DELIVERY = "UPDATE hb_delivery SET status = ?, attempts = ?, next_attempt_at = ?, "
            + "lease_until = NULL, updated_at = ?, last_error = ? WHERE event_id = ? AND subscription = ? AND attempts = ?";
    private static final String FIND_SUBSCRIPTION = "SELECT paused_at FROM hb_subscription WHERE id = ?";
    private static final String INSERT_SUBSCRIPTION = "INSERT INTO hb_subscription (id, inbox, created_at) VALUES (?, ?, ?)";
    /**
     * A subscription's latest success and failure are written at most once per this many milliseconds: a busy
     * subscription does not rewrite (and, on a shared database, lock) its row on every attempt.
     */
    static final long LAST_OUTCOME_RESOLUTION_MS = 1000;
    private static final String LAST_SUCCESS = "UPDATE hb_subscription SET last_success_at = ? WHERE id = "
            + "(SELECT id FROM hb_subscription WHERE id = ? AND (last_success_at IS NULL OR last_success_at < ?)";
    private static final String LAST_FAILURE = "UPDATE hb_subscription SET last_failure_at = ?, last_failure = ? "
            + "WHERE id = (SELECT id FROM hb_subscription WHERE id = ? AND (last_failure_at IS NULL OR last_failure_at < ?)";
    private static final String UPDATE_PAUSE = "UPDATE hb_subscription SET paused_at = ?, paused_reason = ? WHERE id = ?";

    /**
     * Stores the event and one pending delivery per subscription in one transaction, unless the provider sent this
     * idempotency key to this inbox before. {@code leaseUntil} (per subscription, may be null) marks the deliveries
     * that this instance hands to its consumers in memory right after the commit.
     */
    public CompletableFuture<IngestResult> ingest(Event e, Map<String, Long> leaseUntilBySubscription) {
        String headers = toJson(e.headers());
        return writer.submit(tx -> {
            if (e.idempotencyKey() != null) {
                String first = claimKey(tx, e);
                if (first != null) {
                    return new IngestResult(first, true);
                }
            }
            PreparedStatement event = tx.prepare(INSERT_EVENT);
            event.setString(1, e.id());
            event.setString(2, e.inbox());
            event.setString(3, e.idempotencyKey());
            event.setString(4, e.type());
            event.setString(5, e.source());
            event.setString(6, e.contentType());
            event.setString(7, headers);
            event.setBytes(8, e.body());
            event.setLong(9, e.receivedAt());
            event.executeUpdate();
            PreparedStatement delivery = tx.prepare(INSERT_DELIVERY);
            for (Map.Entry<String, Long> sub : leaseUntilBySubscription.entrySet()) {
                delivery.setString(1, e.id());
                delivery.setString(2, sub.getKey());
                delivery.setLong(3, e.receivedAt());
                setNullableLong(delivery, 4, sub.getValue());
                delivery.setLong(5, e.receivedAt());
                delivery.executeUpdate();
            }
            return new IngestResult(e.id(), false);
        });
    }

    /**
     * Records the idempotency key of {@code e} for it, unless an event has it already: then answers that event's id.
     * One insert, no lookup first: a redelivery is the exception.
     */
    private String claimKey(GroupCommit.Transaction tx, Event e) throws SQLException {
        PreparedStatement insert = tx.prepare(insertKey);
        insert.setString(1, e.inbox());
        insert.setString(2, e.idempotencyKey());
        insert.setString(3, e.id());
        try {
            if (insert.executeUpdate() == 1) {
                return null;
            }
            // PostgreSQL: another instance or an earlier event has the key (if uncommitted, the insert waited for it)
        } catch (SQLIntegrityConstraintViolationException taken) {
            // HSQLDB: the failed statement is undone alone, the transaction goes on
        }
        PreparedStatement find = tx.prepare(FIND_KEY);
        find.setString(1, e.inbox());
        find.setString(2, e.idempotencyKey());
        try (ResultSet rs = find.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("idempotency key " + e.idempotencyKey() + " neither stored nor found");
            }
            return rs.getString(1);
        }
    }

    /** What a poll got: the deliveries it leased, and whether the subscription is paused (by any instance). */
    record Claim(List<Delivery> due, boolean paused) {
    }

    /**
     * Claims up to {@code limit} due deliveries of a subscription, oldest first, and leases them until
     * {@code leaseUntil} so that no poll, of this instance or another, hands them out again meanwhile; nothing if the
     * subscription is paused. Only ids: bodies are read by the worker that delivers them, so a backlog never sits in
     * memory.
     */
    CompletableFuture<Claim> claimDue(String subscription, long now, int limit, long leaseUntil) {
        return writer.submit(tx -> {
            List<Delivery> due = new ArrayList<>();
            PreparedStatement paused = tx.prepare(FIND_SUBSCRIPTION);
            paused.setString(1, subscription);
            try (ResultSet rs = paused.executeQuery()) {
                if (rs.next() && rs.getObject(1) != null) {
                    return new Claim(due, true);
                }
            }
            if (limit == 0) {
                return new Claim(due, false);
            }
            PreparedStatement select = tx.prepare(selectDue);
            select.setString(1, subscription);
            select.setLong(2, now);
            select.setLong(3, now);
            select.setInt(4, limit);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    due.add(new Delivery(rs.getString(1), subscription, rs.getInt(2), rs.getInt(3), null));
                }
            }
            PreparedStatement lease = tx.prepare(LEASE);
            for (Delivery d : due) {
                lease.setLong(1, leaseUntil);
                lease.setString(2, d.eventId());
                lease.setString(3, subscription);
                lease.executeUpdate();
            }
            return new Claim(due, false);
        });
    }

    /** Gives deliveries back without an attempt (this instance cannot work on them now): they are due again. */
    public CompletableFuture<Void> release(String subscription, Collection<String> eventIds) {
        return writer.submit(tx -> {
            PreparedStatement release = tx.prepare(LEASE);
            for (String id : eventIds) {
                release.setNull(1, Types.BIGINT);
                release.setString(2, id);
                release.setString(3, subscription);
                release.executeUpdate();
            }
            return null;
        });
    }

    /** Forgets every lease: only for a store this process owns alone, at start-up after a crash. */
    public CompletableFuture<Integer> releaseAllLeases() {
        return writer.submit(tx -> {
            try (Statement s = tx.connection().createStatement()) {
                return s.executeUpdate("UPDATE hb_delivery SET lease_until = NULL WHERE lease_until IS NOT NULL");
            }
        });
    }

    /**
     * Records one attempt and its consequence in one transaction: the delivery's new state ({@code status} with
     * {@code nextAttemptAt} when it stays pending), the attempt log row and, for a 410, the paused subscription.
     * Returns false, recording nothing, when another attempt was recorded since this one started (e.g. a slow
     * attempt outlived its lease): the newer word stands.
     */
    public CompletableFuture<Boolean> recordAttempt(Delivery d, long startedAt, long durationMs, AttemptResult result,
            String status, long nextAttemptAt) {
        int attempt = d.attempts() + 1;
        String error = truncate(result.error());
        return writer.submit(tx -> {
            PreparedStatement update = tx.prepare(UPDATE_DELIVERY);
            update.setString(1, status);
            update.setInt(2, attempt);
            update.setLong(3, nextAttemptAt);
            update.setLong(4, startedAt + durationMs);
            update.setString(5, error);
            update.setString(6, d.eventId());
            update.setString(7, d.subscription());
            update.setInt(8, d.attempts());
            if (update.executeUpdate() == 0) {
                return false;
            }
            PreparedStatement log = tx.prepare(INSERT_ATTEMPT);
            log.setString(1, d.eventId());
            log.setString(2, d.subscription());
            log.setInt(3, attempt);
            log.setLong(4, startedAt);
            log.setLong(5, durationMs);
            log.setString(6, result.verdict().name().toLowerCase());
            if (result.status() == null) {
                log.setNull(7, Types.INTEGER);
            } else {
                log.setInt(7, result.status());
            }
            log.setString(8, error);
            log.setString(9, truncate(result.response()));
            log.setString(10, instance);
            log.executeUpdate();
            long finished = startedAt + durationMs;
            if (result.verdict() == Verdict.DELIVERED) {
                PreparedStatement success = tx.prepare(lastSuccess);
                success.setLong(1, finished);
                success.setString(2, d.subscription());
                success.setLong(3, finished - LAST_OUTCOME_RESOLUTION_MS);
                success.executeUpdate();
            } else if (result.verdict() != Verdict.FILTERED) {
                PreparedStatement failure = tx.prepare(lastFailure);
                failure.setLong(1, finished);
                failure.setString(2, error);
                failure.setString(3, d.subscription());
                failure.setLong(4, finished - LAST_OUTCOME_RESOLUTION_MS);
                failure.executeUpdate();
            }
            if (result.verdict() == Verdict.PAUSE) {
                updatePause(tx, d.subscription(), finished, error);
            }
            return true;
        });
    }

    private static final String REPLAY = "UPDATE hb_delivery SET status = 'pending', schedule_offset = attempts, "
            + "next_attempt_at = ?, lease_until = NULL, updated_at = ? WHERE event_id = ? AND subscription = ?";

    /**
     * Replays deliveries: due now whatever their state, the retry schedule starting over, the event id unchanged (so
     * receivers recognise it). {@code subscriptions} null means all of the event's.
     */
    public CompletableFuture<Integer> replay(String eventId, Collection<String> subscriptions) {
        return writer.submit(tx -> {
            List<String> subs = new ArrayList<>();
            PreparedStatement find = tx.prepare("SELECT subscription FROM hb_delivery WHERE event_id = ?");
            find.setString(1, eventId);
            try (ResultSet rs = find.executeQuery()) {
                while (rs.next()) {
                    if (subscriptions == null || subscriptions.contains(rs.getString(1))) {
                        subs.add(rs.getString(1));
                    }
                }
            }
            return replay(tx, subs.stream().map(sub -> new String[] { eventId, sub }).toList());
        });
    }

    /**
     * Replays what a filter matches, one batch per transaction so that ingest keeps flowing between them; returns the
     * number replayed.
     */
    public int replayMatching(InboxHistory.DeliveryFilter filter, int batch) throws Exception {
        int total = 0;
        String before = filter.before();
        while (true) {
            InboxHistory.DeliveryFilter page = new InboxHistory.DeliveryFilter(filter.subscription(), filter.status(),
                    filter.inbox(), filter.source(), filter.type(), filter.from(), filter.to(), before, batch);
            StringBuilder sql = new StringBuilder("SELECT d.event_id, d.subscription FROM hb_delivery d");
            if (filter.inbox() != null || filter.source() != null || filter.type() != null) {
                sql.append(" JOIN hb_event e ON e.id = d.event_id");
            }
            sql.append(" WHERE 1 = 1");
            List<Object> args = new ArrayList<>();
            InboxHistory.deliveryFilter(sql, args, page);
            sql.append(" ORDER BY d.event_id DESC, d.subscription LIMIT ?");
            args.add(batch);
            List<String[]> keys = writer.submit(tx -> {
                // everything the job uses is made inside it: it may run twice (after a batch rollback)
                List<String[]> found = new ArrayList<>();
                PreparedStatement select = tx.prepare(sql.toString());
                for (int i = 0; i < args.size(); i++) {
                    select.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        found.add(new String[] { rs.getString(1), rs.getString(2) });
                    }
                }
                replay(tx, found);
                return found;
            }).get(60, java.util.concurrent.TimeUnit.SECONDS);
            total += keys.size();
            if (keys.size() < batch) {
                return total;
            }
            // the next page starts after the last delivery of this one, even within one event
            String[] last = keys.get(keys.size() - 1);
            before = last[0] + "." + last[1];
        }
    }

    private int replay(GroupCommit.Transaction tx, List<String[]> keys) throws SQLException {
        long now = clock.millis();
        PreparedStatement update = tx.prepare(REPLAY);
        int count = 0;
        for (String[] key : keys) {
            update.setLong(1, now);
            update.setLong(2, now);
            update.setString(3, key[0]);
            update.setString(4, key[1]);
            count += update.executeUpdate();
        }
        return count;
    }

    /**
     * Deletes up to {@code limit} events (with their deliveries and attempts) received before {@code cutoff} whose
     * deliveries are all finished, keeping those with a dead delivery received after {@code deadCutoff}. Only events
     * of {@code source}, or, with {@code source} null, of every source not in {@code otherSources}.
     */
    public CompletableFuture<Integer> purge(long cutoff, long deadCutoff, String source, Collection<String> otherSources,
            int limit) {
        // ids begin with the receive time: the ranges run on the primary key (or the source index), not a scan
        StringBuilder sql = new StringBuilder("SELECT e.id, e.inbox, e.idempotency_key FROM hb_event e WHERE e.id < ?");
        List<Object> args = new ArrayList<>(List.of(EventIds.lowest(cutoff)));
        if (source != null) {
            sql.append(" AND e.source = ?");
            args.add(source);
        } else if (!otherSources.isEmpty()) {
            sql.append(" AND (e.source IS NULL OR e.source NOT IN (")
                    .append(String.join(", ", java.util.Collections.nCopies(otherSources.size(), "?"))).append("))");
            args.addAll(otherSources);
        }
        sql.append(" AND NOT EXISTS (SELECT 1 FROM hb_delivery d WHERE d.event_id = e.id AND (d.status = 'pending' "
                + "OR (d.status = 'dead' AND e.id >= ?))) ORDER BY e.id LIMIT ?");
        args.add(EventIds.lowest(deadCutoff));
        args.add(limit);
        return writer.submit(tx -> {
            List<String> ids = new ArrayList<>();
            List<String[]> keys = new ArrayList<>();
            PreparedStatement select = tx.prepare(sql.toString());
            for (int i = 0; i < args.size(); i++) {
                select.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                    if (rs.getString(3) != null) {
                        keys.add(new String[] { rs.getString(2), rs.getString(3) });
                    }
                }
            }
            if (ids.isEmpty()) {
                return 0; // an empty batch is an error to some drivers
            }
            if (!keys.isEmpty()) {
                PreparedStatement forget = tx.prepare("DELETE FROM hb_idempotency WHERE inbox = ? AND idempotency_key = ?");
                for (String[] key : keys) {
                    forget.setString(1, key[0]);
                    forget.setString(2, key[1]);
                    forget.addBatch();
                }
                forget.executeBatch();
            }
            for (String table : new String[] { "hb_attempt", "hb_delivery" }) {
                PreparedStatement delete = tx.prepare("DELETE FROM " + table + " WHERE event_id = ?");
                for (String id : ids) {
                    delete.setString(1, id);
                    delete.addBatch();
                }
                delete.executeBatch();
            }
            PreparedStatement delete = tx.prepare("DELETE FROM hb_event WHERE id = ?");
            for (String id : ids) {
                delete.setString(1, id);
                delete.addBatch();
            }
            delete.executeBatch();
            return ids.size();
        });
    }

    /** Makes the subscription known (it receives deliveries from now on); returns whether it is paused. */
    public CompletableFuture<Boolean> register(String subscription, String inbox, long now) {
        return writer.submit(tx -> {
            PreparedStatement find = tx.prepare(FIND_SUBSCRIPTION);
            find.setString(1, subscription);
            try (ResultSet rs = find.executeQuery()) {
                if (rs.next()) {
                    return rs.getObject(1) != null;
                }
            }
            PreparedStatement insert = tx.prepare(insertSubscription);
            insert.setString(1, subscription);
            insert.setString(2, inbox);
            insert.setLong(3, now);
            insert.executeUpdate();
            return false;
        });
    }

    /** Pauses ({@code reason} non-null) or resumes a subscription. */
    public CompletableFuture<Void> setPaused(String subscription, long now, String reason) {
        return writer.submit(tx -> {
            updatePause(tx, subscription, reason == null ? null : now, reason);
            return null;
        });
    }

    private static void updatePause(GroupCommit.Transaction tx, String subscription, Long pausedAt, String reason)
            throws SQLException {
        PreparedStatement ps = tx.prepare(UPDATE_PAUSE);
        setNullableLong(ps, 1, pausedAt);
        ps.setString(2, truncate(reason));
        ps.setString(3, subscription);
        ps.executeUpdate();
    }

    /** One stored event, or null. */
    public Event event(String eventId) throws SQLException {
        return read("SELECT id, inbox, idempotency_key, event_type, source, content_type, headers, body, received_at "
                + "FROM hb_event WHERE id = ?", rs -> rs.next()
                        ? new Event(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), fromJson(rs.getString(7)), rs.getBytes(8), rs.getLong(9))
                        : null, eventId);
    }

    /** The state of one delivery, or null if there is none. */
    public DeliveryState delivery(String eventId, String subscription) throws SQLException {
        return read("SELECT status, attempts, next_attempt_at, last_error FROM hb_delivery "
                + "WHERE event_id = ? AND subscription = ?", rs -> rs.next()
                        ? new DeliveryState(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getString(4))
                        : null, eventId, subscription);
    }

    /** The attempt log of one delivery, oldest first. */
    public List<Attempt> attempts(String eventId, String subscription) throws SQLException {
        return read("SELECT attempt, started_at, duration_ms, verdict, http_status, error, response, instance_id "
                + "FROM hb_attempt WHERE event_id = ? AND subscription = ? ORDER BY attempt", rs -> {
                    List<Attempt> list = new ArrayList<>();
                    while (rs.next()) {
                        list.add(new Attempt(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getString(4),
                                rs.getObject(5, Integer.class), rs.getString(6), rs.getString(7), rs.getString(8)));
                    }
                    return list;
                }, eventId, subscription);
    }

    /** Number of deliveries of a subscription per status. */
    public Map<String, Integer> countByStatus(String subscription) throws SQLException {
        return read("SELECT status, COUNT(*) FROM hb_delivery WHERE subscription = ? GROUP BY status", rs -> {
            Map<String, Integer> counts = new LinkedHashMap<>();
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getInt(2));
            }
            return counts;
        }, subscription);
    }

    /** The stored type of an event, or null. */
    public String eventType(String eventId) throws SQLException {
        return read("SELECT event_type FROM hb_event WHERE id = ?", rs -> rs.next() ? rs.getString(1) : null, eventId);
    }

    /** The number of events stored in an inbox. */
    public int countEvents(String inbox) throws SQLException {
        return read("SELECT COUNT(*) FROM hb_event WHERE inbox = ?", rs -> rs.next() ? rs.getInt(1) : 0, inbox);
    }

    /** Whether the subscription is paused. */
    public boolean isPaused(String subscription) throws SQLException {
        return read("SELECT paused_at FROM hb_subscription WHERE id = ?", rs -> rs.next() && rs.getObject(1) != null,
                subscription);
    }

    @FunctionalInterface
    private interface Rows<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Runs a query outside the writer (reads see committed data only) with string parameters. */
    private <T> T read(String sql, Rows<T> rows, String... parameters) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rows.read(rs);
            }
        }
    }

    @Override
    public void close() {
        writer.close();
    }

    /** One attempt as logged, with the instance that made it. */
    public record Attempt(int attempt, long startedAt, long durationMs, String verdict, Integer httpStatus,
            String error, String response, String instance) {
    }

    /** A delivery's state as stored. */
    public record DeliveryState(String status, int attempts, long nextAttemptAt, String lastError) {
    }

    private static void setNullableLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    private static String truncate(String s) {
        return s == null || s.length() <= MAX_ERROR ? s : s.substring(0, MAX_ERROR);
    }

    private static String toJson(Map<String, String> headers) {
        try {
            return JSON.writeValueAsString(headers);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Map<String, String> fromJson(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, HEADERS);
        } catch (IOException e) {
            throw new IllegalStateException("Unreadable stored headers", e);
        }
    }
}
