package io.hookbridge.inbox;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Items that many threads queue and one job writes together. A job of the lane takes whatever is queued when it
 * runs (up to {@code maxPerJob}) and writes it with batched statements, so that a commit costs the same few round
 * trips to the database however many items share it: with a networked database those round trips, not the commit,
 * are what limits a writer. If the job fails, its items are written again one by one, so that one bad item fails
 * alone.
 */
final class BatchedWrites<I, R> {

    /** Writes the items in the writer's transaction; answers one result per item, in order. May run twice. */
    @FunctionalInterface
    interface Writer<I, R> {
        List<R> write(GroupCommit.Transaction tx, List<I> items) throws SQLException;
    }

    private record Queued<I, R>(I item, CompletableFuture<R> result) {
    }

    private final GroupCommit.Lane lane;
    private final int maxPerJob;
    private final Writer<I, R> writer;
    private final Queue<Queued<I, R>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean jobQueued = new AtomicBoolean();

    BatchedWrites(GroupCommit.Lane lane, int maxPerJob, Writer<I, R> writer) {
        this.lane = lane;
        this.maxPerJob = maxPerJob;
        this.writer = writer;
    }

    /** Queues {@code item}; the future completes once it is committed (or fails with the cause). */
    CompletableFuture<R> add(I item) {
        Queued<I, R> queued = new Queued<>(item, new CompletableFuture<>());
        queue.add(queued);
        submitJobSoon();
        return queued.result();
    }

    private void submitJobSoon() {
        if (jobQueued.compareAndSet(false, true)) {
            Job job = new Job();
            lane.submit(job).whenComplete(job::complete);
        }
    }

    private List<Queued<I, R>> take() {
        jobQueued.set(false); // items queued from now on get a job of their own
        List<Queued<I, R>> batch = new ArrayList<>();
        for (Queued<I, R> q = queue.poll(); q != null; q = queue.poll()) {
            batch.add(q);
            if (batch.size() == maxPerJob) {
                submitJobSoon(); // the rest
                break;
            }
        }
        return batch;
    }

    /** Writes the items queued when it first runs; it keeps them, should the writer run it again after a rollback. */
    private final class Job implements GroupCommit.Work<List<R>> {
        private List<Queued<I, R>> batch;

        @Override
        public List<R> run(GroupCommit.Transaction tx) throws SQLException {
            if (batch == null) {
                batch = take();
            }
            return batch.isEmpty() ? List.of() : writer.write(tx, batch.stream().map(Queued::item).toList());
        }

        void complete(List<R> results, Throwable failure) {
            if (batch == null) {
                batch = take(); // it never ran: the store is stopping, or its writer is overwhelmed
            }
            if (failure == null) {
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).result().complete(results.get(i));
                }
            } else if (batch.size() == 1) {
                batch.get(0).result().completeExceptionally(failure);
            } else {
                batch.forEach(BatchedWrites.this::writeAlone);
            }
        }
    }

    private void writeAlone(Queued<I, R> queued) {
        lane.<R>submit(tx -> writer.write(tx, List.of(queued.item())).get(0)).whenComplete((result, failure) -> {
            if (failure == null) {
                queued.result().complete(result);
            } else {
                queued.result().completeExceptionally(failure);
            }
        });
    }
}
