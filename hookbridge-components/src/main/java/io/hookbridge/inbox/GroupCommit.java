package io.hookbridge.inbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: one writer thread runs the writes queued to it in batches, one transaction and one commit (one disk
 * sync) per batch. Writers that arrive while a commit is under way share the next one, so the cost of the sync is
 * spread over all concurrent requests instead of being paid by each. No timer: whatever is queued is committed at once.
 * <p>
 * Work arrives in two lanes. Each batch takes everything waiting in the {@link #urgent()} lane and one job of the
 * {@link #background()} lane: urgent work (a provider waiting for its answer) never queues behind background work
 * (delivery bookkeeping), which still moves at every commit. The inbox uses one writer with both lanes where the
 * database serialises writers anyway (HSQLDB: two sessions writing at once mostly wait for each other), and one
 * writer per kind of work where it does not (PostgreSQL).
 * <p>
 * A batch that fails is rolled back and its jobs run again one by one, so one bad job fails alone.
 */
final class GroupCommit implements AutoCloseable {

    /** One unit of work; it must only touch the database, as it may run twice (after a batch rollback). */
    @FunctionalInterface
    interface Work<T> {
        T run(Transaction tx) throws SQLException;
    }

    /**
     * The writer's open transaction. Statements are prepared once per connection and reused by every job: preparing
     * costs more than executing here, and the writer thread is the one place all writes queue for.
     */
    static final class Transaction {
        private final Connection connection;
        private final Map<String, PreparedStatement> statements = new HashMap<>();

        Transaction(Connection connection) {
            this.connection = connection;
        }

        /** A prepared statement for {@code sql}; do not close it. */
        PreparedStatement prepare(String sql) throws SQLException {
            PreparedStatement ps = statements.get(sql);
            if (ps == null) {
                ps = connection.prepareStatement(sql);
                statements.put(sql, ps);
            }
            return ps;
        }

        Connection connection() {
            return connection;
        }
    }

    /** Told about every commit: how long it took and how many jobs shared it. */
    @FunctionalInterface
    interface Observer {
        void committed(long nanos, int jobs);
    }

    private record Job<T>(Work<T> work, CompletableFuture<T> result) {
        @SuppressWarnings("unchecked")
        void complete(Object value) {
            result.complete((T) value);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    /** Where work waits for the writer; see {@link GroupCommit}. */
    final class Lane {
        private final BlockingQueue<Job<?>> queue;

        private Lane(int maxQueued) {
            this.queue = new ArrayBlockingQueue<>(maxQueued);
        }

        /** Queues {@code work}; the future completes once its transaction is committed (or fails with the cause). */
        <T> CompletableFuture<T> submit(Work<T> work) {
            CompletableFuture<T> result = new CompletableFuture<>();
            try {
                // a full queue means the database cannot keep up: wait a little (back pressure), then give up
                if (!running || !queue.offer(new Job<>(work, result), 5, TimeUnit.SECONDS)) {
                    result.completeExceptionally(new SQLException(running ? "the inbox writer queue is full"
                            : "the inbox store is stopped"));
                } else if (!thread.isAlive()) {
                    failQueued(); // the writer ended between the check and the offer
                } else {
                    LockSupport.unpark(thread);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.completeExceptionally(e);
            }
            return result;
        }
    }

    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final DataSource dataSource;
    private final Observer observer;
    private final int maxBatch;
    private final Lane urgent;
    private final Lane background;
    private final Thread thread;
    private final long minCommitIntervalNanos;
    private volatile boolean running = true;
    private Transaction tx;
    private long lastCommitEnd;

    /**
     * {@code name} names the writer thread ({@code hookbridge-inbox-NAME}); {@code minCommitInterval}: the least time
     * from one commit to the next (see {@link #awaitCommitInterval}).
     */
    GroupCommit(String name, DataSource dataSource, int maxBatch, int maxQueued, Duration minCommitInterval,
            Observer observer) {
        this.dataSource = dataSource;
        this.minCommitIntervalNanos = minCommitInterval.toNanos();
        this.lastCommitEnd = System.nanoTime() - minCommitIntervalNanos; // (nanoTime may be any number)
        this.observer = observer;
        this.maxBatch = maxBatch;
        this.urgent = new Lane(maxQueued);
        this.background = new Lane(maxQueued);
        this.thread = new Thread(this::loop, "hookbridge-inbox-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The lane every batch empties first. */
    Lane urgent() {
        return urgent;
    }

    /** The lane every batch takes one job of, after the urgent ones. */
    Lane background() {
        return background;
    }

    private void failQueued() {
        List<Job<?>> left = new ArrayList<>();
        urgent.queue.drainTo(left);
        background.queue.drainTo(left);
        left.forEach(job -> job.result().completeExceptionally(new SQLException("the inbox store is stopped")));
    }

    private boolean idle() {
        return urgent.queue.isEmpty() && background.queue.isEmpty();
    }

    private void loop() {
        List<Job<?>> batch = new ArrayList<>(maxBatch + 1);
        while (running || !idle()) {
            try {
                urgent.queue.drainTo(batch, maxBatch);
                Job<?> next = background.queue.poll();
                if (next != null) {
                    batch.add(next);
                }
                if (batch.isEmpty()) {
                    LockSupport.parkNanos(this, IDLE_NANOS); // a submit unparks it
                    continue;
                }
                if (awaitCommitInterval()) {
                    urgent.queue.drainTo(batch, maxBatch + 1 - batch.size()); // what came while it waited
                }
                if (!runInOneTransaction(batch)) {
                    for (Job<?> job : batch) {
                        runInOneTransaction(List.of(job));
                    }
                }
            } finally {
                batch.clear();
            }
        }
        closeConnection();
        failQueued();
    }

    /**
     * Lets at least {@code minCommitInterval} pass since the previous commit ended: what arrives meanwhile joins the
     * jobs already queued (a BatchedWrites job takes its items when it runs), so that under load each disk sync
     * serves more requests. A commit after a quiet moment starts at once. True if it waited.
     */
    private boolean awaitCommitInterval() {
        boolean waited = false;
        for (long left = lastCommitEnd + minCommitIntervalNanos - System.nanoTime(); left > 0 && running;
                left = lastCommitEnd + minCommitIntervalNanos - System.nanoTime()) {
            LockSupport.parkNanos(this, left); // a submit may unpark it early: it waits out the rest
            waited = true;
        }
        return waited;
    }

    /** Runs the jobs in one transaction; false if it failed with more than one job (the caller then splits). */
    private boolean runInOneTransaction(List<Job<?>> jobs) {
        Object[] results = new Object[jobs.size()];
        try {
            Transaction t = transaction();
            long started = System.nanoTime();
            for (int i = 0; i < jobs.size(); i++) {
                results[i] = jobs.get(i).work().run(t);
            }
            t.connection().commit();
            lastCommitEnd = System.nanoTime();
            committed(lastCommitEnd - started, jobs.size());
        } catch (Throwable e) {
            // whatever failed (SQL, a bug, out of memory), nothing of this batch may be committed by a later one
            rollback();
            if (jobs.size() > 1) {
                return false;
            }
            LOG.debug("Inbox write failed", e);
            jobs.get(0).result().completeExceptionally(e);
            return true;
        }
        for (int i = 0; i < jobs.size(); i++) {
            jobs.get(i).complete(results[i]);
        }
        return true;
    }

    /** Tells the observer, outside the transaction's error handling: a committed batch must never run again. */
    private void committed(long nanos, int jobs) {
        try {
            observer.committed(nanos, jobs);
        } catch (RuntimeException e) {
            LOG.debug("The commit observer failed", e);
        }
    }

    private Transaction transaction() throws SQLException {
        if (tx == null) {
            Connection c = dataSource.getConnection();
            c.setAutoCommit(false);
            tx = new Transaction(c);
        }
        return tx;
    }

    /**
     * Undoes the failed transaction and starts the next one afresh: a new connection and newly prepared statements,
     * since the failure may have broken either (a dropped connection, statements invalidated by a schema change or a
     * database restart). Failures are rare; recovering by itself from every one of them is what matters.
     */
    private void rollback() {
        if (tx == null) {
            return;
        }
        try {
            tx.connection().rollback();
        } catch (SQLException e) {
            LOG.debug("Rolling back the writer transaction failed", e);
        }
        closeConnection();
    }

    private void closeConnection() {
        if (tx != null) {
            try (Connection c = tx.connection()) {
                for (PreparedStatement ps : tx.statements.values()) {
                    ps.close();
                }
            } catch (SQLException e) {
                LOG.debug("Closing the writer connection failed", e);
            }
            tx = null;
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
