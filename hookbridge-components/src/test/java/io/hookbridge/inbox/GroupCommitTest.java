package io.hookbridge.inbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.hsqldb.jdbc.JDBCDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Group commit against a real (in-memory) HSQLDB: batching, a bad job failing alone, urgent work first. */
class GroupCommitTest {

    JDBCDataSource dataSource;
    GroupCommit writer;

    @BeforeEach
    void start() throws Exception {
        dataSource = new JDBCDataSource();
        dataSource.setURL("jdbc:hsqldb:mem:gc" + System.nanoTime());
        dataSource.setUser("SA");
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INT PRIMARY KEY)");
        }
        writer = new GroupCommit("test", dataSource, 512, 1000, Duration.ZERO, (nanos, jobs) -> { });
    }

    @AfterEach
    void stop() {
        writer.close();
    }

    CompletableFuture<Integer> insert(int id) {
        return writer.urgent().submit(tx -> {
            PreparedStatement ps = tx.prepare("INSERT INTO t (id) VALUES (?)");
            ps.setInt(1, id);
            return ps.executeUpdate();
        });
    }

    List<Integer> rows() throws Exception {
        List<Integer> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM t ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }

    @Test
    void aCommitSoonAfterTheLastWaitsOutTheIntervalAndTakesWhatArrivedMeanwhile() throws Exception {
        writer.close();
        List<Integer> jobsPerCommit = new CopyOnWriteArrayList<>();
        List<long[]> commitTimes = new CopyOnWriteArrayList<>(); // {start, end}, read on the writer's thread
        writer = new GroupCommit("test", dataSource, 512, 1000, Duration.ofSeconds(1), (nanos, jobs) -> {
            long end = System.nanoTime();
            commitTimes.add(new long[] {end - nanos, end});
            jobsPerCommit.add(jobs);
        });
        insert(0).get(5, TimeUnit.SECONDS); // after a quiet moment: at once
        List<CompletableFuture<Integer>> jobs = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            jobs.add(insert(i));
        }
        CompletableFuture.allOf(jobs.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        assertThat(jobsPerCommit).containsExactly(1, 10);
        // timed where the writer commits, not where this thread happens to wake up (a busy machine delays that)
        long gap = commitTimes.get(1)[0] - commitTimes.get(0)[1];
        assertThat(gap).as("the next commit waited").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(900));
        assertThat(rows()).hasSize(11);
    }

    @Test
    void jobsQueuedDuringACommitShareTheNextOneAndABadJobFailsAlone() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        CompletableFuture<Object> blocker = writer.urgent().submit(tx -> {
            try {
                hold.await(5, TimeUnit.SECONDS); // keep the writer busy while the next batch queues up
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        List<CompletableFuture<Integer>> jobs = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            jobs.add(insert(i));
        }
        CompletableFuture<Integer> duplicate = insert(5); // violates the primary key, in the same batch
        hold.countDown();

        blocker.get(5, TimeUnit.SECONDS);
        for (CompletableFuture<Integer> job : jobs) {
            assertThat(job.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        }
        assertThatThrownBy(() -> duplicate.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(SQLException.class);
        assertThat(rows()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void itemsQueuedDuringACommitAreWrittenByOneJobAndABadItemFailsAlone() throws Exception {
        List<List<Integer>> writes = new CopyOnWriteArrayList<>();
        BatchedWrites<Integer, Integer> batched = new BatchedWrites<>(writer.urgent(), 500, (tx, ids) -> {
            writes.add(ids);
            PreparedStatement ps = tx.prepare("INSERT INTO t (id) VALUES (?)");
            for (int id : ids) {
                ps.setInt(1, id);
                ps.addBatch();
            }
            return Arrays.stream(ps.executeBatch()).boxed().toList();
        });
        CountDownLatch hold = new CountDownLatch(1);
        writer.urgent().submit(tx -> { // the writer is busy while items queue up
            try {
                return hold.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        List<CompletableFuture<Integer>> items = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            items.add(batched.add(i));
        }
        CompletableFuture<Integer> duplicate = batched.add(5); // violates the primary key, in the same job
        hold.countDown();

        for (CompletableFuture<Integer> item : items) {
            assertThat(item.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        }
        assertThatThrownBy(() -> duplicate.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(SQLException.class);
        assertThat(rows()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        // one job for all eleven (rolled back, and tried again alone by the writer), then each item alone
        assertThat(writes.get(0)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 5);
        assertThat(writes).filteredOn(w -> w.size() > 1).hasSizeLessThanOrEqualTo(2).allMatch(w -> w.equals(writes.get(0)));
    }

    @Test
    void urgentWorkDoesNotWaitBehindBackgroundWork() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        List<String> done = new CopyOnWriteArrayList<>();
        CompletableFuture<Object> blocker = writer.background().submit(tx -> {
            try {
                hold.await(5, TimeUnit.SECONDS); // the writer is busy while more work queues up
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        Thread.sleep(100);
        List<CompletableFuture<Object>> jobs = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            String name = "background " + i;
            jobs.add(writer.background().submit(tx -> done.add(name)));
        }
        jobs.add(writer.urgent().submit(tx -> done.add("urgent")));
        hold.countDown();

        blocker.get(5, TimeUnit.SECONDS);
        for (CompletableFuture<Object> job : jobs) {
            job.get(5, TimeUnit.SECONDS);
        }
        // the next batch: the urgent job first, and one background job; then one background job per batch
        assertThat(done).containsExactly("urgent", "background 1", "background 2", "background 3", "background 4",
                "background 5");
    }

    @Test
    void afterCloseNothingIsAcceptedAndNothingHangs() {
        writer.close();
        assertThatThrownBy(() -> insert(1).get(5, TimeUnit.SECONDS)).hasMessageContaining("stopped");
    }
}
