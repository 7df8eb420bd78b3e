package io.hookbridge.inbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the inbox remembers, for operators: events with their deliveries, attempt logs, subscription figures. Read-only
 * queries on their own connections, outside the group commit; pages are keyed by event id, which sorts by time.
 */
public final class InboxHistory {

    /** Event bodies up to this size are shown whole (if they are text); larger ones as a preview. */
    static final int BODY_SHOWN = 64 * 1024;
    static final int PREVIEW = 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;
    private final Clock clock;
    private final int countLimit;

    /** {@code countLimit}: the most deliveries per subscription and state that {@link #figures} count. */
    public InboxHistory(DataSource dataSource, Clock clock, int countLimit) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.countLimit = countLimit;
    }

    /**
     * Which events to list; null fields do not filter. {@code idempotencyKey} is the provider's delivery id. Times are
     * epoch milliseconds.
     */
    public record EventFilter(String inbox, String source, String type, String idempotencyKey, DeliveryStatus status,
            Long from, Long to, String before, int limit) {
    }

    /** Which deliveries to list or replay; null fields do not filter; {@code before} is a page cursor. */
    public record DeliveryFilter(String subscription, DeliveryStatus status, String inbox, String source, String type,
            Long from, Long to, String before, int limit) {
        /** An event's deliveries: one per subscription. */
        static final DeliveryFilter ALL = new DeliveryFilter(null, null, null, null, null, null, null, null, 10_000);
    }

    /** An event in a list: what it is, its size, and how many of its deliveries are in each state. */
    public record EventSummary(String id, String inbox, String source, String type, String idempotencyKey,
            String receivedAt, String contentType, long size, Map<String, Integer> deliveries) {
        EventSummary withDeliveries(Map<String, Integer> counts) {
            return new EventSummary(id, inbox, source, type, idempotencyKey, receivedAt, contentType, size, counts);
        }
    }

    /**
     * One event: its headers, its body as text when that is small UTF-8 (else {@code bodyPreviewBase64}, the start of
     * it, and whether that was cut), and each of its deliveries.
     */
    public record EventDetail(String id, String inbox, String source, String type, String idempotencyKey,
            String receivedAt, String contentType, Map<String, String> headers, long size,
            @JsonInclude(JsonInclude.Include.NON_NULL) String body,
            @JsonInclude(JsonInclude.Include.NON_NULL) String bodyPreviewBase64,
            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean bodyTruncated, List<DeliveryView> deliveries) {
        EventDetail withDeliveries(List<DeliveryView> list) {
            return new EventDetail(id, inbox, source, type, idempotencyKey, receivedAt, contentType, headers, size, body,
                    bodyPreviewBase64, bodyTruncated, list);
        }
    }

    /** A delivery of an event to a subscription; {@code nextAttemptAt} only while it is not finished. */
    public record DeliveryView(String eventId, String subscription, String status, int attempts, String nextAttemptAt,
            String updatedAt, String lastError) {
    }

    /** A subscription the store knows, with its backlog and when it last succeeded and failed. */
    public record SubscriptionView(String id, String inbox, String createdAt, boolean paused, String pausedAt,
            String pausedReason, String lastSuccessAt, String lastFailureAt, String lastFailure, Backlog deliveries,
            Long oldestPendingAgeSeconds) {
        SubscriptionView withBacklog(Backlog backlog, Long oldestAgeSeconds) {
            return new SubscriptionView(id, inbox, createdAt, paused, pausedAt, pausedReason, lastSuccessAt,
                    lastFailureAt, lastFailure, backlog, oldestAgeSeconds);
        }
    }

    /** A subscription's unfinished deliveries (of which retrying) and dead ones, up to the count limit. */
    public record Backlog(long pending, long retrying, long dead) {
    }

    /** A key of an ordered subscription held by its oldest unfinished delivery, which has failed; waiting behind it. */
    public record HeldKey(String key, String eventId, String status, int attempts, String nextAttemptAt,
            String lastError, int waiting) {
        HeldKey oneMoreWaiting() {
            return new HeldKey(key, eventId, status, attempts, nextAttemptAt, lastError, waiting + 1);
        }
    }

    /**
     * Newest first, at most {@code limit}, older than the cursor {@code before} (an event id). Every page is read in
     * index order and stops at its end, however many events the store holds: by the primary key, or by
     * {@code (source, id)} when a source is named; a provider delivery id is looked up by its key in each inbox.
     */
    public List<EventSummary> events(EventFilter f) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + EVENT_COLUMNS + ", OCTET_LENGTH(e.body) FROM hb_event e "
                + "WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        where(sql, args, "e.inbox = ?", f.inbox());
        where(sql, args, "e.source = ?", f.source());
        where(sql, args, "e.event_type = ?", f.type());
        if (f.idempotencyKey() != null) {
            List<String> ids = eventIdsOfKey(f.inbox(), f.idempotencyKey());
            if (ids.isEmpty()) {
                return List.of();
            }
            sql.append(" AND e.id IN (").append(String.join(", ", Collections.nCopies(ids.size(), "?"))).append(")");
            args.addAll(ids);
        }
        timeRange(sql, args, "e.id", f.from(), f.to());
        where(sql, args, "e.id < ?", f.before());
        if (f.status() != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM hb_delivery d WHERE d.event_id = e.id AND ")
                    .append(statusCondition(f.status(), args, "d.status")).append(")");
        }
        // with the source fixed, (source, id) is the order of its index: read backwards, not sorted
        sql.append(f.source() != null ? " ORDER BY e.source DESC, e.id DESC LIMIT ?" : " ORDER BY e.id DESC LIMIT ?");
        args.add(f.limit());
        List<EventSummary> events = query(sql.toString(), args, rs -> new EventSummary(rs.getString(1),
                rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), Times.iso(rs.getLong(6)),
                rs.getString(7), rs.getLong(8), null));
        // the page's deliveries in one query, counted by event and state
        Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
        if (!events.isEmpty()) {
            List<String> ids = events.stream().map(EventSummary::id).toList();
            for (DeliveryView d : deliveries(new DeliveryFilter(null, null, null, null, null, null, null, null,
                    DeliveryFilter.ALL.limit() * ids.size()), ids)) {
                counts.computeIfAbsent(d.eventId(), id -> new TreeMap<>()).merge(d.status(), 1, Integer::sum);
            }
        }
        List<EventSummary> withCounts = new ArrayList<>(events.size());
        for (EventSummary e : events) {
            withCounts.add(e.withDeliveries(counts.getOrDefault(e.id(), Map.of())));
        }
        return withCounts;
    }

    /** The events with a provider delivery id: a primary key lookup in each inbox the store knows, or the one named. */
    private List<String> eventIdsOfKey(String inbox, String key) throws SQLException {
        List<String> inboxes = inbox != null ? List.of(inbox)
                : query("SELECT DISTINCT inbox FROM hb_subscription", List.of(), rs -> rs.getString(1));
        List<String> ids = new ArrayList<>();
        for (String name : inboxes) {
            ids.addAll(query("SELECT event_id FROM hb_idempotency WHERE inbox = ? AND idempotency_key = ?",
                    List.of(name, key), rs -> rs.getString(1)));
        }
        return ids;
    }

    /** What a list of events and an event's detail both show, columns 1 to 7. */
    private static final String EVENT_COLUMNS = "e.id, e.inbox, e.source, e.event_type, e.idempotency_key, "
            + "e.received_at, e.content_type";

    /** One event: headers, body (or a safe preview), and each delivery; null if there is no such event. */
    public EventDetail event(String id) throws SQLException {
        List<EventDetail> found = query("SELECT " + EVENT_COLUMNS + ", e.headers, e.body FROM hb_event e "
                + "WHERE e.id = ?", List.of(id), rs -> {
                    byte[] body = rs.getBytes(9);
                    // the text of a body when it is small UTF-8; otherwise the start of it in base64
                    String text = body.length <= BODY_SHOWN ? utf8(body) : null;
                    return new EventDetail(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), Times.iso(rs.getLong(6)), rs.getString(7), headers(rs.getString(8)),
                            body.length, text,
                            text != null ? null : Base64.getEncoder().encodeToString(
                                    Arrays.copyOf(body, Math.min(body.length, PREVIEW))),
                            text != null ? null : body.length > PREVIEW, null);
                });
        if (found.isEmpty()) {
            return null;
        }
        return found.get(0).withDeliveries(deliveries(DeliveryFilter.ALL, id));
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notText) {
            return null;
        }
    }

    /** Deliveries, newest event first; {@code eventId} non-null lists one event's. */
    public List<DeliveryView> deliveries(DeliveryFilter f, String eventId) throws SQLException {
        return deliveries(f, eventId == null ? null : List.of(eventId));
    }

    /** Deliveries, newest event first; {@code eventIds} non-null lists those events' only, by event and subscription. */
    private List<DeliveryView> deliveries(DeliveryFilter f, List<String> eventIds) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT d.event_id, d.subscription, d.status, d.attempts, "
                + "d.next_attempt_at, d.updated_at, d.last_error, " + PAUSED_SUBSCRIPTION + " FROM hb_delivery d");
        List<Object> args = new ArrayList<>();
        boolean joinEvent = f.inbox() != null || f.source() != null || f.type() != null;
        if (joinEvent) {
            sql.append(" JOIN hb_event e ON e.id = d.event_id");
        }
        sql.append(" WHERE 1 = 1");
        if (eventIds != null) {
            sql.append(" AND d.event_id IN (").append(String.join(", ", Collections.nCopies(eventIds.size(), "?")))
                    .append(")");
            args.addAll(eventIds);
        }
        deliveryFilter(sql, args, f, true);
        sql.append(eventIds != null ? " ORDER BY d.event_id, d.subscription LIMIT ?"
                : " ORDER BY d.event_id DESC, d.subscription DESC LIMIT ?");
        args.add(f.limit());
        return query(sql.toString(), args, rs -> {
            String status = rs.getString(3);
            int attempts = rs.getInt(4);
            boolean pending = DeliveryStatus.PENDING.value().equals(status);
            return new DeliveryView(rs.getString(1), rs.getString(2), pending && rs.getBoolean(8)
                    ? DeliveryStatus.PAUSED.value() : pending && attempts > 0 ? DeliveryStatus.RETRYING.value() : status,
                    attempts, pending ? Times.iso(rs.getLong(5)) : null, Times.iso(rs.getLong(6)), rs.getString(7));
        });
    }

    /** The number of deliveries a filter matches (for a dry run of a bulk replay). */
    public int countDeliveries(DeliveryFilter f) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM hb_delivery d");
        List<Object> args = new ArrayList<>();
        if (f.inbox() != null || f.source() != null || f.type() != null) {
            sql.append(" JOIN hb_event e ON e.id = d.event_id");
        }
        sql.append(" WHERE 1 = 1");
        deliveryFilter(sql, args, f, false);
        return query(sql.toString(), args, rs -> rs.getInt(1)).get(0);
    }

    /**
     * The WHERE conditions of a delivery filter, for listing, counting and bulk replay alike. {@code newestFirst}: a
     * page of the list, read along the primary key and stopped at its end; the subscription and status are then
     * compared as values, since were an index on them used, the database would read and sort every delivery they match
     * first (seconds and the heap, at a million).
     */
    static void deliveryFilter(StringBuilder sql, List<Object> args, DeliveryFilter f, boolean newestFirst) {
        String subscription = newestFirst ? "CONCAT(d.subscription, '')" : "d.subscription";
        where(sql, args, subscription + " = ?", f.subscription());
        where(sql, args, "e.inbox = ?", f.inbox());
        where(sql, args, "e.source = ?", f.source());
        where(sql, args, "e.event_type = ?", f.type());
        timeRange(sql, args, "d.event_id", f.from(), f.to());
        // a delivery cursor is "eventId.subscription" (event ids hold no dot); an event id alone starts below it
        int dot = f.before() == null ? -1 : f.before().indexOf('.');
        if (dot < 0) {
            where(sql, args, "d.event_id < ?", f.before());
        } else {
            sql.append(" AND (d.event_id < ? OR d.event_id = ? AND d.subscription < ?)");
            args.add(f.before().substring(0, dot));
            args.add(f.before().substring(0, dot));
            args.add(f.before().substring(dot + 1));
        }
        if (f.status() != null) {
            String status = newestFirst ? "CONCAT(d.status, '')" : "d.status";
            sql.append(" AND ").append(statusCondition(f.status(), args, status));
        }
    }

    /** Whether the store knows that subscription (a primary key lookup, no figures counted). */
    public boolean knows(String subscription) throws SQLException {
        return !query("SELECT 1 FROM hb_subscription WHERE id = ?", List.of(subscription), rs -> true).isEmpty();
    }

    /** Every subscription the store knows, with its figures. */
    public List<SubscriptionView> subscriptions() throws SQLException {
        List<SubscriptionView> subs = new ArrayList<>();
        for (SubscriptionView s : query("SELECT id, inbox, created_at, paused_at, paused_reason, last_success_at, "
                + "last_failure_at, last_failure FROM hb_subscription ORDER BY id", List.of(), rs -> new SubscriptionView(
                        rs.getString(1), rs.getString(2), Times.iso(rs.getLong(3)), rs.getObject(4) != null,
                        Times.iso(rs.getObject(4, Long.class)), rs.getString(5), Times.iso(rs.getObject(6, Long.class)),
                        Times.iso(rs.getObject(7, Long.class)), rs.getString(8), null, null))) {
            Figures f = figures(s.id());
            subs.add(s.withBacklog(new Backlog(f.pending(), f.retrying(), f.dead()), f.oldestPendingReceivedAt() == null
                    ? null : (clock.millis() - f.oldestPendingReceivedAt()) / 1000));
        }
        return subs;
    }

    /**
     * The keys of an ordered subscription that a failed delivery holds: for each key whose oldest unfinished delivery
     * has failed at least once (retrying, or dead), that delivery and how many deliveries of the key wait behind it;
     * among the subscription's oldest waiting deliveries (as many as a claim reads).
     */
    public List<HeldKey> heldKeys(String subscription) throws SQLException {
        Map<String, HeldKey> heads = new LinkedHashMap<>();
        query(InboxStore.oldestWaiting("ordering_key, event_id, status, attempts, next_attempt_at, last_error",
                " AND ordering_key IS NOT NULL", true), List.of(subscription, subscription, InboxStore.ORDERED_SCAN),
                rs -> {
                    HeldKey head = heads.get(rs.getString(1));
                    heads.put(rs.getString(1), head != null ? head.oneMoreWaiting() // the key's oldest came first
                            : new HeldKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                                    DeliveryStatus.DEAD.value().equals(rs.getString(3)) ? null
                                            : Times.iso(rs.getLong(5)), rs.getString(6), 0));
                    return null;
                });
        return heads.values().stream().filter(h -> h.attempts() > 0).toList();
    }

    /**
     * A subscription's unfinished deliveries (of which retrying: after a failed attempt), dead ones and the receive
     * time of the oldest unfinished one. Finished deliveries are not counted: there are many, and the metrics count
     * them as they happen. Counts stop at the count limit: beyond it, pending and dead are that limit, and retrying
     * and the oldest are those of the limit's worth of pending deliveries due first.
     */
    public record Figures(long pending, long retrying, long dead, Long oldestPendingReceivedAt) {
        static final Figures NONE = new Figures(0, 0, 0, null);
    }

    /**
     * Each one's figures, read with the (subscription, status) index and at most the count limit of rows per query:
     * counting a backlog of hundreds of thousands row by row took HSQLDB's row cache from the writer (acks stalled).
     */
    public Map<String, Figures> figures(Collection<String> subscriptions) throws SQLException {
        Map<String, Figures> figures = new LinkedHashMap<>();
        for (String subscription : subscriptions) {
            figures.put(subscription, figures(subscription));
        }
        return figures;
    }

    /** The due first of a subscription's pending deliveries, read in the due index's order (see SELECT_DUE). */
    static final String PENDING_FIGURES = "SELECT COUNT(*), SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END), "
            + "MIN(event_id) FROM (SELECT attempts, event_id FROM hb_delivery WHERE subscription = ? "
            + "AND status = 'pending' ORDER BY subscription, status, next_attempt_at LIMIT ?) p";

    private Figures figures(String subscription) throws SQLException {
        Figures pending = query(PENDING_FIGURES, List.of(subscription, countLimit),
                rs -> new Figures(rs.getLong(1), rs.getLong(2), 0,
                        rs.getString(3) == null ? null : EventIds.time(rs.getString(3)))).get(0);
        long dead = query("SELECT COUNT(*) FROM (SELECT 1 FROM hb_delivery WHERE subscription = ? AND status = 'dead' "
                + "LIMIT ?) d", List.of(subscription, countLimit), rs -> rs.getLong(1)).get(0);
        return new Figures(pending.pending(), pending.retrying(), dead, pending.oldestPendingReceivedAt());
    }

    /** Whether the delivery's subscription is paused. */
    private static final String PAUSED_SUBSCRIPTION = "EXISTS (SELECT 1 FROM hb_subscription s "
            + "WHERE s.id = d.subscription "
            + "AND s.paused_at IS NOT NULL)";

    /**
     * pending (not finished: waiting, retrying or paused), retrying (pending after a failure), paused (pending on a
     * paused subscription), delivered, dead or filtered.
     */
    static String statusCondition(DeliveryStatus status, List<Object> args, String column) {
        return switch (status) {
            case RETRYING -> column + " = 'pending' AND d.attempts > 0 AND NOT " + PAUSED_SUBSCRIPTION;
            case PAUSED -> column + " = 'pending' AND " + PAUSED_SUBSCRIPTION;
            default -> {
                args.add(status.value());
                yield column + " = ?";
            }
        };
    }

    private static void where(StringBuilder sql, List<Object> args, String condition, Object value) {
        if (value != null) {
            sql.append(" AND ").append(condition);
            args.add(value);
        }
    }

    /** A time range as a range of event ids, which begin with their receive time. */
    private static void timeRange(StringBuilder sql, List<Object> args, String idColumn, Long from, Long to) {
        if (from != null) {
            sql.append(" AND ").append(idColumn).append(" >= ?");
            args.add(EventIds.lowest(from));
        }
        if (to != null) {
            sql.append(" AND ").append(idColumn).append(" < ?");
            args.add(EventIds.lowest(to));
        }
    }


    @FunctionalInterface
    private interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, List<Object> args, Row<T> row) throws SQLException {
        List<T> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row.map(rs));
                }
            }
        }
        return out;
    }

    private static Map<String, String> headers(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() {
            });
        } catch (IOException e) {
            return Map.of();
        }
    }
}
