package io.hookbridge.inbox;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The inbox tables and every statement run on them. Writes go through {@link GroupCommit}, so concurrent requests
 * share commits, in two lanes: ingest, whose commit is what a provider's 202 waits for, and the delivery bookkeeping
 * (attempt records, claims, releases, pauses, replays, purges), which never holds an ingest up: on PostgreSQL each has
 * a writer of its own, on HSQLDB they share one that serves ingest first. The database is the truth about every event
 * and delivery.
 */
public final class InboxStore implements AutoCloseable {


    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> HEADERS = new TypeReference<>() {
    };
    private static final int MAX_ERROR = 2000;
    /** Events or attempt outcomes written per job: a backlog is written over several commits. */
    private static final int MAX_PER_JOB = 500;

    private final DataSource dataSource;
    private final boolean exclusive;
    private final String instance;
    private final List<GroupCommit> writers;
    private final GroupCommit.Lane ingestLane;
    private final GroupCommit.Lane bookkeeping;
    private final Clock clock;
    private final String insertKey;
    private final String selectDue;
    private final String insertSubscription;
    private final String lastSuccess;
    private final String lastFailure;
    private final String reserveRateSlot;
    private final String lockOrderedClaims;
    /** Where each rate-limited subscription's next slot starts (System.nanoTime in microseconds), when kept here. */
    private final Map<String, AtomicLong> rateSlots = new ConcurrentHashMap<>();
    private final BatchedWrites<Ingest, IngestResult> ingests;
    /** Attempt outcomes, written together by one bookkeeping job however many workers finish at once. */
    private final BatchedWrites<Outcome, Boolean> outcomes;

    /**
     * {@code instance} names this process in the attempt log (several may share a PostgreSQL store); {@code exclusive}
     * says that no other process uses the database; {@code commitInterval}, the least time between two commits of a
     * writer (see GroupCommit).
     */
    InboxStore(DataSource dataSource, Dialect dialect, boolean exclusive, String instance, Duration commitInterval,
            InboxMetrics metrics, Clock clock) {
        this.dataSource = dataSource;
        this.exclusive = exclusive;
        this.instance = instance;
        if (dialect.concurrentWriters) {
            GroupCommit ingest = new GroupCommit("ingest", dataSource, 512, 10_000, commitInterval,
                    metrics.commitObserver("ingest"));
            GroupCommit other = new GroupCommit("bookkeeping", dataSource, 512, 10_000, commitInterval,
                    metrics.commitObserver("bookkeeping"));
            this.writers = List.of(ingest, other);
            this.ingestLane = ingest.urgent();
            this.bookkeeping = other.urgent();
        } else {
            GroupCommit writer = new GroupCommit("writer", dataSource, 512, 10_000, commitInterval,
                    metrics.commitObserver("writer"));
            this.writers = List.of(writer);
            this.ingestLane = writer.urgent();
            this.bookkeeping = writer.background();
        }
        this.ingests = new BatchedWrites<>(ingestLane, MAX_PER_JOB, this::writeIngests);
        this.outcomes = new BatchedWrites<>(bookkeeping, MAX_PER_JOB, this::writeOutcomes);
        this.clock = clock;
        this.insertKey = dialect.insertIdempotencyKey;
        this.reserveRateSlot = dialect.reserveRateSlot;
        this.lockOrderedClaims = dialect.lockOrderedClaims;
        this.selectDue = SELECT_DUE + dialect.skipLocked;
        this.insertSubscription = INSERT_SUBSCRIPTION + dialect.ignoreConflict("id");
        // instances recording attempts of several subscriptions at once would lock these rows in different orders
        // (a deadlock); a row another instance is updating right now already gets a fresh enough time
        this.lastSuccess = LAST_SUCCESS + dialect.skipLocked + ")";
        this.lastFailure = LAST_FAILURE + dialect.skipLocked + ")";
    }

    private static final String FIND_KEY = "SELECT event_id FROM hb_idempotency WHERE inbox = ? AND idempotency_key = ?";
    private static final String INSERT_EVENT = "INSERT INTO hb_event (id, inbox, idempotency_key, event_type, source, "
            + "content_type, headers, body, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_DELIVERY = "INSERT INTO hb_delivery (event_id, subscription, status, attempts, "
            + "next_attempt_at, lease_until, updated_at, ordering_key) VALUES (?, ?, 'pending', 0, ?, ?, ?, ?)";
    /**
     * Ordered by all the columns of the due index, not only by time: HSQLDB reads rows in index order and stops at the
     * limit only then; ordered by time alone it read and sorted the subscription's whole backlog on every claim (75-360
     * ms a claim at 90,000 pending, on the writer that ingest waits for).
     */
    static final String SELECT_DUE = "SELECT event_id, attempts, schedule_offset FROM hb_delivery "
            + "WHERE subscription = ? AND status = 'pending' AND next_attempt_at <= ? "
            + "AND (lease_until IS NULL OR lease_until < ?) ORDER BY subscription, status, next_attempt_at LIMIT ?";
    private static final String LEASE = "UPDATE hb_delivery SET lease_until = ? WHERE event_id = ? AND subscription = ?";
    /**
     * Before an attempt is recorded: the one it replaces as the delivery's latest joins the log (if the row still is
     * where the attempt found it; rows from before V4 have their attempts in the log already).
     */
    private static final String LOG_PREVIOUS_ATTEMPT = "INSERT INTO hb_attempt (event_id, subscription, attempt, "
            + "started_at, duration_ms, verdict, http_status, error, response, instance_id) SELECT event_id, subscription, "
            + "attempts, last_started_at, last_duration_ms, last_verdict, last_http_status, last_error, last_response, "
            + "last_instance_id FROM hb_delivery WHERE event_id = ? AND subscription = ? AND attempts = ? "
            + "AND last_duration_ms IS NOT NULL";
    private static final String UPDATE_DELIVERY = "UPDATE hb_delivery SET status = ?, attempts = ?, next_attempt_at = ?, "
            + "lease_until = NULL, updated_at = ?, last_error = ?, last_started_at = ?, last_duration_ms = ?, "
            + "last_verdict = ?, last_http_status = ?, last_response = ?, last_instance_id = ? "
            + "WHERE event_id = ? AND subscription = ? AND attempts = ?";
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

    /** An event to store, with the deliveries to create for it. */
    private record Ingest(Event event, String headers, Map<String, Long> leaseUntilBySubscription,
            Map<String, String> orderingKeyBySubscription) {
    }

    /**
     * Stores the event and one pending delivery per subscription in one transaction, unless the provider sent this
     * idempotency key to this inbox before. {@code leaseUntil} (per subscription, may be null) marks the deliveries
     * that this instance hands to its consumers in memory right after the commit; {@code orderingKeyBySubscription}
     * the event's key for each ordered subscription. Events arriving together are written together, a few statements
     * per commit.
     */
    public CompletableFuture<IngestResult> ingest(Event e, Map<String, Long> leaseUntilBySubscription,
            Map<String, String> orderingKeyBySubscription) {
        return ingests.add(new Ingest(e, toJson(e.headers()), leaseUntilBySubscription, orderingKeyBySubscription));
    }

    private List<IngestResult> writeIngests(GroupCommit.Transaction tx, List<Ingest> batch) throws SQLException {
        IngestResult[] results = new IngestResult[batch.size()];
        markDuplicates(tx, batch, results);
        PreparedStatement event = tx.prepare(INSERT_EVENT);
        PreparedStatement delivery = tx.prepare(INSERT_DELIVERY);
        boolean events = false;
        boolean deliveries = false;
        for (int i = 0; i < batch.size(); i++) {
            if (results[i] != null) {
                continue;
            }
            Event e = batch.get(i).event();
            event.setString(1, e.id());
            event.setString(2, e.inbox());
            event.setString(3, e.idempotencyKey());
            event.setString(4, e.type());
            event.setString(5, e.source());
            event.setString(6, e.contentType());
            event.setString(7, batch.get(i).headers());
            event.setBytes(8, e.body());
            event.setLong(9, e.receivedAt());
            event.addBatch();
            events = true;
            for (Map.Entry<String, Long> sub : batch.get(i).leaseUntilBySubscription().entrySet()) {
                delivery.setString(1, e.id());
                delivery.setString(2, sub.getKey());
                delivery.setLong(3, e.receivedAt());
                setNullableLong(delivery, 4, sub.getValue());
                delivery.setLong(5, e.receivedAt());
                delivery.setString(6, batch.get(i).orderingKeyBySubscription().get(sub.getKey()));
                delivery.addBatch();
                deliveries = true;
            }
            results[i] = new IngestResult(e.id(), false);
        }
        // an empty batch is an error to some drivers
        if (events) {
            event.executeBatch();
        }
        if (deliveries) {
            delivery.executeBatch();
        }
        return Arrays.asList(results);
    }

    /**
     * Records the idempotency keys of the batch's events, and answers, for each event whose key the inbox has already
     * (from an earlier event, or one earlier in the batch), that event's id. One insert per key, no lookup first: a
     * redelivery is the exception.
     */
    private void markDuplicates(GroupCommit.Transaction tx, List<Ingest> batch, IngestResult[] results)
            throws SQLException {
        PreparedStatement insert = tx.prepare(insertKey);
        List<Event> keyed = new ArrayList<>();
        for (Ingest ingest : batch) {
            Event e = ingest.event();
            if (e.idempotencyKey() != null) {
                insert.setString(1, e.inbox());
                insert.setString(2, e.idempotencyKey());
                insert.setString(3, e.id());
                insert.addBatch();
                keyed.add(e);
            }
        }
        if (keyed.isEmpty()) {
            return;
        }
        int[] inserted = insert.executeBatch();
        for (int i = 0, k = 0; i < batch.size(); i++) {
            Event e = batch.get(i).event();
            if (e.idempotencyKey() == null) {
                continue;
            }
            // 0: the key was there (on PostgreSQL the insert waited for another instance's uncommitted one); a driver
            // rewriting batches may not say (SUCCESS_NO_INFO): then the stored key tells
            if (inserted[k++] != 1) {
                String first = findKey(tx, e);
                if (!first.equals(e.id())) {
                    results[i] = new IngestResult(first, true);
                }
            }
        }
    }

    private static String findKey(GroupCommit.Transaction tx, Event e) throws SQLException {
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
     * Claims up to {@code limit} due deliveries of a subscription, oldest first, leaving out those this process
     * {@code held} already; nothing if the subscription is paused. Only ids: bodies are read by the worker that
     * delivers them, so a backlog never sits in memory.
     * <p>
     * With a store shared by several instances, the claimed deliveries are leased until {@code leaseUntil} (skipping
     * rows another instance is claiming), so that no other instance takes them meanwhile. With a store this process
     * owns alone, nothing is written: what it holds, it knows, and a crash voids every lease anyway, so draining a
     * backlog costs no write per delivery. Either way the claim runs on the bookkeeping writer, in order with the
     * attempt outcomes: a delivery whose outcome is being written is still held, one whose outcome is written is no
     * longer due.
     */
    CompletableFuture<Claim> claimDue(String subscription, long now, int limit, long leaseUntil, Set<String> held) {
        return claim(subscription, limit, leaseUntil, tx -> {
            List<Delivery> due = new ArrayList<>();
            PreparedStatement select = tx.prepare(selectDue);
            select.setString(1, subscription);
            select.setLong(2, now);
            select.setLong(3, now);
            // unleased, the held ones are due too; they come first, being the oldest
            select.setInt(4, exclusive ? limit + held.size() : limit);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next() && due.size() < limit) {
                    if (!held.contains(rs.getString(1))) {
                        due.add(new Delivery(rs.getString(1), subscription, rs.getInt(2), rs.getInt(3), null));
                    }
                }
            }
            return due;
        });
    }

    /**
     * A claim's frame: nothing if the subscription is paused or there is no room, else what {@code due} finds, leased
     * to this instance on a shared store.
     */
    private CompletableFuture<Claim> claim(String subscription, int limit, long leaseUntil,
            GroupCommit.Work<List<Delivery>> due) {
        return bookkeeping.submit(tx -> {
            if (paused(tx, subscription)) {
                return new Claim(List.of(), true);
            }
            if (limit == 0) {
                return new Claim(List.of(), false);
            }
            List<Delivery> found = due.run(tx);
            lease(tx, subscription, found, leaseUntil);
            return new Claim(found, false);
        });
    }

    private static boolean paused(GroupCommit.Transaction tx, String subscription) throws SQLException {
        PreparedStatement paused = tx.prepare(FIND_SUBSCRIPTION);
        paused.setString(1, subscription);
        try (ResultSet rs = paused.executeQuery()) {
            return rs.next() && rs.getObject(1) != null;
        }
    }

    /** Leases claimed deliveries to this instance, on a shared store (see {@link #claimDue}). */
    private void lease(GroupCommit.Transaction tx, String subscription, List<Delivery> due, long leaseUntil)
            throws SQLException {
        if (exclusive || due.isEmpty()) {
            return;
        }
        PreparedStatement lease = tx.prepare(LEASE);
        for (Delivery d : due) {
            lease.setLong(1, leaseUntil);
            lease.setString(2, d.eventId());
            lease.setString(3, subscription);
            lease.addBatch();
        }
        lease.executeBatch();
    }

    private static final String ORDERED_COLUMNS = "event_id, attempts, schedule_offset, ordering_key, status, "
            + "next_attempt_at, lease_until";

    /**
     * A subscription's oldest waiting deliveries in the order received: its pending ones, and its dead ones too if
     * {@code withDead}; {@code condition} narrows them further. Parameters: the subscription (twice with dead ones),
     * then the limit. Each status is read as a range of the due index: with {@code status IN (...)} HSQLDB walked the
     * subscription's whole history on every claim (50 ms to a second with 90,000 delivered).
     */
    static String oldestWaiting(String columns, String condition, boolean withDead) {
        String from = " FROM hb_delivery WHERE subscription = ? AND status = ";
        String pending = "SELECT " + columns + from + "'pending'" + condition;
        String dead = "SELECT " + columns + from + "'dead'" + condition;
        return (withDead ? pending + " UNION ALL " + dead : pending) + " ORDER BY event_id LIMIT ?";
    }

    /**
     * How many of an ordered subscription's waiting deliveries a claim looks at, oldest first: a key whose oldest
     * delivery lies beyond waits until those before it are through (each claim reads that many rows).
     */
    static final int ORDERED_SCAN = 2_000;

    /**
     * As {@link #claimDue} for an ordered subscription: a delivery is handed out only if no delivery with its key was
     * received before it and is still pending (attempted here or elsewhere, or waiting for its retry), or dead when
     * {@code blockOnDead}. On a shared store the claims of one subscription take turns across instances, so that two
     * of them never both see a key free.
     */
    CompletableFuture<Claim> claimOrdered(String subscription, long now, int limit, long leaseUntil, Set<String> held,
            boolean blockOnDead) {
        return claim(subscription, limit, leaseUntil, tx -> {
            List<Delivery> due = new ArrayList<>();
            if (lockOrderedClaims != null) {
                PreparedStatement lock = tx.prepare(lockOrderedClaims);
                lock.setString(1, subscription);
                lock.execute();
            }
            PreparedStatement select = tx.prepare(oldestWaiting(ORDERED_COLUMNS, "", blockOnDead));
            int p = 1;
            select.setString(p++, subscription);
            if (blockOnDead) {
                select.setString(p++, subscription);
            }
            select.setInt(p, ORDERED_SCAN);
            Set<String> keysWaiting = new HashSet<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next() && due.size() < limit) {
                    String key = rs.getString(4);
                    if (key != null && !keysWaiting.add(key)) {
                        continue; // one received before it with its key is not through yet
                    }
                    long lease = rs.getLong(7);
                    boolean leased = !rs.wasNull() && lease >= now && !exclusive;
                    if (DeliveryStatus.PENDING.value().equals(rs.getString(5)) && rs.getLong(6) <= now && !leased
                            && !held.contains(rs.getString(1))) {
                        due.add(new Delivery(rs.getString(1), subscription, rs.getInt(2), rs.getInt(3), null));
                    }
                }
            }
            return due;
        });
    }

    /** Gives deliveries back without an attempt (this instance cannot work on them now): they are due again. */
    public CompletableFuture<Void> release(String subscription, Collection<String> eventIds) {
        return bookkeeping.submit(tx -> {
            PreparedStatement release = tx.prepare(LEASE);
            for (String id : eventIds) {
                release.setNull(1, Types.BIGINT);
                release.setString(2, id);
                release.setString(3, subscription);
                release.addBatch();
            }
            release.executeBatch();
            return null;
        });
    }

    /** Forgets every lease: only for a store this process owns alone, at start-up after a crash. */
    public CompletableFuture<Integer> releaseAllLeases() {
        return bookkeeping.submit(tx -> {
            try (Statement s = tx.connection().createStatement()) {
                return s.executeUpdate("UPDATE hb_delivery SET lease_until = NULL WHERE lease_until IS NOT NULL");
            }
        });
    }

    /** One attempt's outcome, waiting to be written with the others of its commit. */
    private record Outcome(Delivery delivery, long startedAt, long durationMs, AttemptResult result, DeliveryStatus status,
            long nextAttemptAt) {
    }

    /**
     * Records one attempt and its consequence: the delivery's new state ({@code status} with {@code nextAttemptAt}
     * when it stays pending) with the attempt as its latest (the attempt before it joins the log) and, for a 410, the
     * paused subscription. The future answers false,
     * recording nothing, when another attempt was recorded since this one started (e.g. a slow attempt outlived its
     * lease): the newer word stands.
     * <p>
     * Nobody waits for it to be on disk: until it is, the delivery stays leased, and if the process dies first the
     * delivery is simply attempted again (at least once). So outcomes are queued and written together, by one job of
     * the bookkeeping writer with batched statements, however many workers finish at once.
     */
    public CompletableFuture<Boolean> recordAttempt(Delivery d, long startedAt, long durationMs, AttemptResult result,
            DeliveryStatus status, long nextAttemptAt) {
        return outcomes.add(new Outcome(d, startedAt, durationMs, result, status, nextAttemptAt));
    }

    /**
     * The outcomes' delivery updates (each attempt becomes its delivery's latest, the one before it joins the log),
     * subscription outcome times and pauses; which outcomes were still the latest word.
     */
    private List<Boolean> writeOutcomes(GroupCommit.Transaction tx, List<Outcome> batch) throws SQLException {
        Boolean[] latest = new Boolean[batch.size()];
        PreparedStatement log = tx.prepare(LOG_PREVIOUS_ATTEMPT);
        boolean logged = false;
        for (Outcome o : batch) {
            Delivery d = o.delivery();
            if (d.attempts() > 0) {
                log.setString(1, d.eventId());
                log.setString(2, d.subscription());
                log.setInt(3, d.attempts());
                log.addBatch();
                logged = true;
            }
        }
        if (logged) {
            log.executeBatch(); // an empty batch is an error to some drivers
        }
        PreparedStatement update = tx.prepare(UPDATE_DELIVERY);
        for (Outcome o : batch) {
            Delivery d = o.delivery();
            AttemptResult result = o.result();
            update.setString(1, o.status().value());
            update.setInt(2, d.attempts() + 1);
            update.setLong(3, o.nextAttemptAt());
            update.setLong(4, o.startedAt() + o.durationMs());
            update.setString(5, truncate(result.error()));
            update.setLong(6, o.startedAt());
            update.setLong(7, o.durationMs());
            update.setString(8, result.verdict().name().toLowerCase());
            setNullableInt(update, 9, result.status());
            update.setString(10, truncate(result.response()));
            update.setString(11, instance);
            update.setString(12, d.eventId());
            update.setString(13, d.subscription());
            update.setInt(14, d.attempts());
            update.addBatch();
        }
        int[] updated = update.executeBatch();
        Map<String, Outcome> lastSuccessBySubscription = new HashMap<>();
        Map<String, Outcome> lastFailureBySubscription = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            latest[i] = updated[i] != 0;
            Outcome o = batch.get(i);
            Verdict verdict = o.result().verdict();
            if (!latest[i] || verdict == Verdict.FILTERED) {
                continue;
            }
            if (verdict == Verdict.DELIVERED) {
                lastSuccessBySubscription.merge(o.delivery().subscription(), o, InboxStore::later);
            } else {
                lastFailureBySubscription.merge(o.delivery().subscription(), o, InboxStore::later);
            }
            if (verdict == Verdict.PAUSE) {
                updatePause(tx, o.delivery().subscription(), o.startedAt() + o.durationMs(),
                        truncate(o.result().error()));
            }
        }
        for (Outcome o : lastSuccessBySubscription.values()) {
            long finished = o.startedAt() + o.durationMs();
            PreparedStatement success = tx.prepare(lastSuccess);
            success.setLong(1, finished);
            success.setString(2, o.delivery().subscription());
            success.setLong(3, finished - LAST_OUTCOME_RESOLUTION_MS);
            success.executeUpdate();
        }
        for (Outcome o : lastFailureBySubscription.values()) {
            long finished = o.startedAt() + o.durationMs();
            PreparedStatement failure = tx.prepare(lastFailure);
            failure.setLong(1, finished);
            failure.setString(2, truncate(o.result().error()));
            failure.setString(3, o.delivery().subscription());
            failure.setLong(4, finished - LAST_OUTCOME_RESOLUTION_MS);
            failure.executeUpdate();
        }
        return Arrays.asList(latest);
    }

    private static Outcome later(Outcome a, Outcome b) {
        return a.startedAt() + a.durationMs() >= b.startedAt() + b.durationMs() ? a : b;
    }

    private static final String REPLAY = "UPDATE hb_delivery SET status = 'pending', schedule_offset = attempts, "
            + "next_attempt_at = ?, lease_until = NULL, updated_at = ? WHERE event_id = ? AND subscription = ?";

    /**
     * Replays deliveries: due now whatever their state, the retry schedule starting over, the event id unchanged (so
     * receivers recognise it). {@code subscriptions} null means all of the event's.
     */
    public CompletableFuture<Integer> replay(String eventId, Collection<String> subscriptions) {
        return bookkeeping.submit(tx -> {
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
            InboxHistory.deliveryFilter(sql, args, page, true);
            sql.append(" ORDER BY d.event_id DESC, d.subscription DESC LIMIT ?");
            args.add(batch);
            List<String[]> keys = bookkeeping.submit(tx -> {
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
            }).get(60, TimeUnit.SECONDS);
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
                    .append(String.join(", ", Collections.nCopies(otherSources.size(), "?"))).append("))");
            args.addAll(otherSources);
        }
        sql.append(" AND NOT EXISTS (SELECT 1 FROM hb_delivery d WHERE d.event_id = e.id AND (d.status = 'pending' "
                + "OR (d.status = 'dead' AND e.id >= ?))) ORDER BY e.id LIMIT ?");
        args.add(EventIds.lowest(deadCutoff));
        args.add(limit);
        return bookkeeping.submit(tx -> {
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

    /**
     * Deletes up to {@code limit} of a subscription's deliveries with their attempts, and, once it has none left, the
     * subscription itself. Answers how many deliveries went; fewer than {@code limit} means the subscription is gone.
     * A batch at a time, so that a subscription with millions of deliveries never holds ingest up for long.
     */
    public CompletableFuture<Integer> deleteSubscription(String subscription, int limit) {
        return bookkeeping.submit(tx -> {
            List<String> ids = new ArrayList<>();
            PreparedStatement select = tx.prepare("SELECT event_id FROM hb_delivery WHERE subscription = ? LIMIT ?");
            select.setString(1, subscription);
            select.setInt(2, limit);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            if (!ids.isEmpty()) {
                for (String table : new String[] { "hb_attempt", "hb_delivery" }) {
                    PreparedStatement delete = tx.prepare("DELETE FROM " + table
                            + " WHERE event_id = ? AND subscription = ?");
                    for (String id : ids) {
                        delete.setString(1, id);
                        delete.setString(2, subscription);
                        delete.addBatch();
                    }
                    delete.executeBatch();
                }
            }
            if (ids.size() < limit) {
                PreparedStatement delete = tx.prepare("DELETE FROM hb_subscription WHERE id = ?");
                delete.setString(1, subscription);
                delete.executeUpdate();
            }
            return ids.size();
        });
    }

    /**
     * Reserves the next slot of a rate-limited subscription and answers how many microseconds to wait for it. On a
     * shared store the slots are kept on the subscription's row, by the database's clock (the instances' clocks may
     * differ), so the limit holds for all instances together; otherwise in memory.
     */
    long reserveRateSlot(String subscription, long intervalMicros) throws SQLException {
        if (reserveRateSlot == null) {
            return reserveLocalRateSlot(subscription, intervalMicros);
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(reserveRateSlot)) {
            ps.setLong(1, intervalMicros);
            ps.setString(2, subscription);
            ps.setLong(3, intervalMicros);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Math.max(0, rs.getLong(1)) : 0;
            }
        }
    }

    /** As {@link #reserveRateSlot}, with the slots kept by this process. */
    long reserveLocalRateSlot(String subscription, long intervalMicros) {
        long now = System.nanoTime() / 1000;
        long slot = rateSlots.computeIfAbsent(subscription, s -> new AtomicLong())
                .getAndUpdate(next -> Math.max(next, now) + intervalMicros);
        return Math.max(slot, now) - now;
    }

    /** Makes the subscription known (it receives deliveries from now on); returns whether it is paused. */
    public CompletableFuture<Boolean> register(String subscription, String inbox, long now) {
        return bookkeeping.submit(tx -> {
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
        return bookkeeping.submit(tx -> {
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

    /** The attempt log of one delivery, oldest first: the attempts logged, then the latest, which its row holds. */
    public List<Attempt> attempts(String eventId, String subscription) throws SQLException {
        List<Attempt> attempts = read("SELECT attempt, started_at, duration_ms, verdict, http_status, error, response, "
                + "instance_id FROM hb_attempt WHERE event_id = ? AND subscription = ? ORDER BY attempt", rs -> {
                    List<Attempt> list = new ArrayList<>();
                    while (rs.next()) {
                        list.add(new Attempt(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getString(4),
                                rs.getObject(5, Integer.class), rs.getString(6), rs.getString(7), rs.getString(8)));
                    }
                    return list;
                }, eventId, subscription);
        Attempt last = read("SELECT attempts, last_started_at, last_duration_ms, last_verdict, last_http_status, "
                + "last_error, last_response, last_instance_id FROM hb_delivery WHERE event_id = ? AND subscription = ? "
                + "AND last_duration_ms IS NOT NULL",
                rs -> rs.next() ? new Attempt(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getString(4),
                        rs.getObject(5, Integer.class), rs.getString(6), rs.getString(7), rs.getString(8)) : null,
                eventId, subscription);
        if (last != null) {
            attempts.add(last);
        }
        return attempts;
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

    /** When the subscription's latest successful attempt ended (to about a second), by any instance; or null. */
    public Long lastSuccessAt(String subscription) throws SQLException {
        return read("SELECT last_success_at FROM hb_subscription WHERE id = ?",
                rs -> rs.next() ? rs.getObject(1, Long.class) : null, subscription);
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

    /** Stops the writers once they have written what is queued (attempt outcomes included). */
    @Override
    public void close() {
        writers.forEach(GroupCommit::close);
    }

    /** One attempt as logged, with the instance that made it. */
    public record Attempt(int attempt, long startedAt, long durationMs, String verdict, Integer httpStatus,
            String error, String response, String instance) {
    }

    /** A delivery's state as stored. */
    public record DeliveryState(String status, int attempts, long nextAttemptAt, String lastError) {
    }

    private static void setNullableInt(PreparedStatement ps, int index, Integer value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, value);
        }
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
