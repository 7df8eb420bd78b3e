package io.hookbridge.inbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
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

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> HEADERS = new TypeReference<>() {
    };
    private static final int MAX_ERROR = 2000;

    private final DataSource dataSource;
    private final GroupCommit writer;

    public InboxStore(DataSource dataSource) {
        this.dataSource = dataSource;
        this.writer = new GroupCommit(dataSource, 512, 10_000);
    }

    /** Creates the tables when they are missing. */
    public void createSchema() throws SQLException, IOException {
        String script;
        try (InputStream in = InboxStore.class.getResourceAsStream("/db/inbox-schema.sql")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String sql : script.split(";")) {
                String stripped = sql.lines().filter(l -> !l.trim().startsWith("--")).reduce("", (a, b) -> a + "\n" + b);
                if (!stripped.isBlank()) {
                    s.execute(stripped);
                }
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    /**
     * Stores the event and one pending delivery per subscription in one transaction, unless the provider sent this
     * idempotency key to this inbox before. {@code leaseUntil} (per subscription, may be null) marks the deliveries
     * that this instance hands to its consumers in memory right after the commit.
     */
    public CompletableFuture<IngestResult> ingest(Event e, Map<String, Long> leaseUntilBySubscription) {
        String headers = toJson(e.headers());
        return writer.submit(c -> {
            if (e.idempotencyKey() != null) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id FROM hb_event WHERE inbox = ? AND idempotency_key = ?")) {
                    ps.setString(1, e.inbox());
                    ps.setString(2, e.idempotencyKey());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            return new IngestResult(rs.getString(1), true);
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO hb_event (id, inbox, idempotency_key, event_type, "
                    + "source, content_type, headers, body, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, e.id());
                ps.setString(2, e.inbox());
                ps.setString(3, e.idempotencyKey());
                ps.setString(4, e.type());
                ps.setString(5, e.source());
                ps.setString(6, e.contentType());
                ps.setString(7, headers);
                ps.setBytes(8, e.body());
                ps.setLong(9, e.receivedAt());
                ps.executeUpdate();
            }
            if (!leaseUntilBySubscription.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO hb_delivery (event_id, subscription, status, "
                        + "attempts, next_attempt_at, lease_until, updated_at) VALUES (?, ?, 'pending', 0, ?, ?, ?)")) {
                    for (Map.Entry<String, Long> sub : leaseUntilBySubscription.entrySet()) {
                        ps.setString(1, e.id());
                        ps.setString(2, sub.getKey());
                        ps.setLong(3, e.receivedAt());
                        setNullableLong(ps, 4, sub.getValue());
                        ps.setLong(5, e.receivedAt());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            return new IngestResult(e.id(), false);
        });
    }

    /**
     * Claims up to {@code limit} due deliveries of a subscription, oldest first, and leases them until
     * {@code leaseUntil} so that no poll hands them out again meanwhile.
     */
    public CompletableFuture<List<Delivery>> claimDue(String subscription, long now, int limit, long leaseUntil) {
        return writer.submit(c -> {
            List<Delivery> due = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT e.id, e.inbox, e.idempotency_key, e.event_type, "
                    + "e.source, e.content_type, e.headers, e.body, e.received_at, d.attempts "
                    + "FROM hb_delivery d JOIN hb_event e ON e.id = d.event_id "
                    + "WHERE d.subscription = ? AND d.status = 'pending' AND d.next_attempt_at <= ? "
                    + "AND (d.lease_until IS NULL OR d.lease_until < ?) ORDER BY d.next_attempt_at LIMIT ?")) {
                ps.setString(1, subscription);
                ps.setLong(2, now);
                ps.setLong(3, now);
                ps.setInt(4, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Event e = new Event(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), fromJson(rs.getString(7)), rs.getBytes(8),
                                rs.getLong(9));
                        due.add(new Delivery(e, subscription, rs.getInt(10)));
                    }
                }
            }
            if (!due.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE hb_delivery SET lease_until = ? WHERE event_id = ? AND subscription = ?")) {
                    for (Delivery d : due) {
                        ps.setLong(1, leaseUntil);
                        ps.setString(2, d.event().id());
                        ps.setString(3, subscription);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            return due;
        });
    }

    /** Gives deliveries back without an attempt (this instance cannot work on them now): they are due again. */
    public CompletableFuture<Void> release(String subscription, Collection<String> eventIds) {
        return writer.submit(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE hb_delivery SET lease_until = NULL WHERE event_id = ? AND subscription = ?")) {
                for (String id : eventIds) {
                    ps.setString(1, id);
                    ps.setString(2, subscription);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Forgets every lease: only for a store this process owns alone, at start-up after a crash. */
    public CompletableFuture<Integer> releaseAllLeases() {
        return writer.submit(c -> {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate("UPDATE hb_delivery SET lease_until = NULL WHERE lease_until IS NOT NULL");
            }
        });
    }

    /**
     * Records one attempt and its consequence in one transaction: the attempt log row, the delivery's new state
     * ({@code status} with {@code nextAttemptAt} when it stays pending) and, for a 410, the paused subscription.
     */
    public CompletableFuture<Void> recordAttempt(Delivery d, long startedAt, long durationMs, AttemptResult result,
            String status, long nextAttemptAt) {
        int attempt = d.attempts() + 1;
        String error = truncate(result.error());
        return writer.submit(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO hb_attempt (event_id, subscription, attempt, "
                    + "started_at, duration_ms, verdict, http_status, error, response) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, d.event().id());
                ps.setString(2, d.subscription());
                ps.setInt(3, attempt);
                ps.setLong(4, startedAt);
                ps.setLong(5, durationMs);
                ps.setString(6, result.verdict().name().toLowerCase());
                if (result.status() == null) {
                    ps.setNull(7, Types.INTEGER);
                } else {
                    ps.setInt(7, result.status());
                }
                ps.setString(8, error);
                ps.setString(9, truncate(result.response()));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE hb_delivery SET status = ?, attempts = ?, "
                    + "next_attempt_at = ?, lease_until = NULL, updated_at = ?, last_error = ? "
                    + "WHERE event_id = ? AND subscription = ?")) {
                ps.setString(1, status);
                ps.setInt(2, attempt);
                ps.setLong(3, nextAttemptAt);
                ps.setLong(4, startedAt + durationMs);
                ps.setString(5, error);
                ps.setString(6, d.event().id());
                ps.setString(7, d.subscription());
                ps.executeUpdate();
            }
            if (result.verdict() == Verdict.PAUSE) {
                updatePause(c, d.subscription(), startedAt + durationMs, error);
            }
            return null;
        });
    }

    /** Makes the subscription known (it receives deliveries from now on); returns whether it is paused. */
    public CompletableFuture<Boolean> register(String subscription, String inbox, long now) {
        return writer.submit(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT paused_at FROM hb_subscription WHERE id = ?")) {
                ps.setString(1, subscription);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        rs.getLong(1);
                        return !rs.wasNull();
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO hb_subscription (id, inbox, created_at) VALUES (?, ?, ?)")) {
                ps.setString(1, subscription);
                ps.setString(2, inbox);
                ps.setLong(3, now);
                ps.executeUpdate();
            }
            return false;
        });
    }

    /** Pauses ({@code reason} non-null) or resumes a subscription. */
    public CompletableFuture<Void> setPaused(String subscription, long now, String reason) {
        return writer.submit(c -> {
            updatePause(c, subscription, reason == null ? null : now, reason);
            return null;
        });
    }

    private static void updatePause(Connection c, String subscription, Long pausedAt, String reason)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE hb_subscription SET paused_at = ?, paused_reason = ? WHERE id = ?")) {
            setNullableLong(ps, 1, pausedAt);
            ps.setString(2, truncate(reason));
            ps.setString(3, subscription);
            ps.executeUpdate();
        }
    }

    /** The state of one delivery, or null if there is none. */
    public DeliveryState delivery(String eventId, String subscription) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT status, attempts, next_attempt_at, last_error "
                     + "FROM hb_delivery WHERE event_id = ? AND subscription = ?")) {
            ps.setString(1, eventId);
            ps.setString(2, subscription);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? new DeliveryState(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getString(4))
                        : null;
            }
        }
    }

    /** The attempt log of one delivery, oldest first. */
    public List<Attempt> attempts(String eventId, String subscription) throws SQLException {
        List<Attempt> list = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT attempt, started_at, duration_ms, verdict, http_status, "
                     + "error, response FROM hb_attempt WHERE event_id = ? AND subscription = ? ORDER BY attempt")) {
            ps.setString(1, eventId);
            ps.setString(2, subscription);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new Attempt(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getString(4),
                            rs.getObject(5, Integer.class), rs.getString(6), rs.getString(7)));
                }
            }
        }
        return list;
    }

    /** Number of deliveries of a subscription per status. */
    public Map<String, Integer> countByStatus(String subscription) throws SQLException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT status, COUNT(*) FROM hb_delivery WHERE subscription = ? GROUP BY status")) {
            ps.setString(1, subscription);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return counts;
    }

    /** The stored type of an event, or null. */
    public String eventType(String eventId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT event_type FROM hb_event WHERE id = ?")) {
            ps.setString(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The number of events stored in an inbox. */
    public int countEvents(String inbox) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM hb_event WHERE inbox = ?")) {
            ps.setString(1, inbox);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Whether the subscription is paused. */
    public boolean isPaused(String subscription) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT paused_at FROM hb_subscription WHERE id = ?")) {
            ps.setString(1, subscription);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                rs.getLong(1);
                return !rs.wasNull();
            }
        }
    }

    @Override
    public void close() {
        writer.close();
    }

    /** One attempt as logged. */
    public record Attempt(int attempt, long startedAt, long durationMs, String verdict, Integer httpStatus,
            String error, String response) {
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
