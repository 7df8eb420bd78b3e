package io.hookbridge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.GatewayProcess;
import io.hookbridge.testing.GithubLoad;
import io.hookbridge.testing.Postgres;
import io.hookbridge.testing.Receiver;
import io.hookbridge.testing.RouteFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.hookbridge.CrashRecoveryIT.answered;
import static io.hookbridge.CrashRecoveryIT.delivered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several instances on one PostgreSQL: three packaged gateways share a database behind a round-robin "load
 * balancer"; one is killed with kill -9 mid-load. Every event any of them acknowledged reaches every destination, and
 * no delivery is ever worked by two instances at once while its lease holds.
 */
class ScaleOutIT {

    static final String SECRET = "scale-out-secret";
    /** Short, so that the killed instance's deliveries are taken over within the test. */
    static final long LEASE_MS = 4000;

    @TempDir
    Path work;

    @Test
    void threeInstancesShareTheLoadAndSurviveTheLossOfOne() throws Exception {
        String url = Postgres.database("hbit_", "scale-out");
        try (Receiver a = new Receiver().answerAfter(50); Receiver b = new Receiver().answerAfter(50);
                Receiver flaky = new Receiver().answerAfter(50)) {
            // every other attempt to C fails at first, so retries move between instances too
            for (int i = 0; i < 200; i++) {
                flaky.answer(503, 200);
            }
            List<GatewayProcess> gateways = new ArrayList<>();
            List<Integer> ports = new ArrayList<>();
            try {
                for (int i = 1; i <= 3; i++) {
                    int port = Gateway.freePort();
                    gateways.add(GatewayProcess.start(instanceDir("gw" + i, a, b, flaky), port, Map.of(
                            "camel.component.inbox.database-url", url,
                            "camel.component.inbox.instance-id", "gw" + i,
                            "camel.component.inbox.lease-time", Long.toString(LEASE_MS))));
                    ports.add(port);
                }
                GithubLoad load = new GithubLoad(SECRET, ports, 9);
                // the load reaches all three (on a busy machine a JVM may take a while to warm up), then one dies
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> ports.stream().allMatch(port -> load.ackedBy(port).size() >= 50));
                // A slows down for a moment, so that each instance has deliveries to A queued and under way when
                // gw3 is killed
                a.answerAfter(1000);
                Thread.sleep(1000);
                gateways.get(2).kill();
                a.answerAfter(50);
                // what the dead instance had taken in but not yet delivered: held under its leases, which the others
                // may only take over once they expire
                Set<String> ofTheDead = Set.copyOf(load.ackedBy(ports.get(2)));
                long heldByTheDead = ofTheDead.stream().filter(id -> !delivered(a).contains(id)).count()
                        + ofTheDead.stream().filter(id -> !delivered(b).contains(id)).count();
                Thread.sleep(2000);
                load.close();
                long loadEnded = System.nanoTime();
                var acked = load.acked();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> delivered(a).containsAll(acked) && delivered(b).containsAll(acked)
                                && delivered(flaky).containsAll(acked));
                // and the store agrees: the dead instance's leased deliveries were taken over and recorded
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> notDelivered(url) == 0);
                double drainSeconds = (System.nanoTime() - loadEnded) / 1e9;

                Map<String, Integer> attemptsByInstance = attemptsByInstance(url);
                int overlappingAttempts = overlappingAttempts(url);
                long duplicates = answered(a) + answered(b) + answered(flaky) - 3L * acked.size();
                System.out.printf("scale-out suite: instances=3 killed=gw3 acked=%d (gw1=%d gw2=%d gw3=%d, its deliveries "
                        + "to A and B not done when killed=%d) "
                        + "delivered A=%d B=%d C(503 first)=%d lost=0 extra deliveries (unacknowledged events, or "
                        + "redelivered)=%d attempts by instance=%s "
                        + "overlapping attempts=%d receiver overlaps=%d all recorded delivered %.1f s after the load%n",
                        acked.size(), load.ackedBy(ports.get(0)).size(), load.ackedBy(ports.get(1)).size(),
                        load.ackedBy(ports.get(2)).size(), heldByTheDead, delivered(a).size(), delivered(b).size(),
                        delivered(flaky).size(), duplicates, attemptsByInstance, overlappingAttempts,
                        a.overlaps() + b.overlaps() + flaky.overlaps(), drainSeconds);

                // the survivors worked the deliveries of the dead one; none of them twice at once
                assertThat(heldByTheDead).as("deliveries gw3 held when it died, which the survivors took over")
                        .isPositive();
                assertThat(overlappingAttempts).isZero();
                assertThat(a.overlaps() + b.overlaps() + flaky.overlaps()).isZero();
                for (int i = 1; i <= 3; i++) {
                    assertThat(Files.readString(work.resolve("gw" + i).resolve("gateway.log"))).doesNotContain(SECRET);
                }
            } finally {
                for (GatewayProcess g : gateways) {
                    g.close();
                }
            }
        }
    }

    /** One working directory per instance, with the same routes and settings, as on separate machines. */
    private Path instanceDir(String name, Receiver a, Receiver b, Receiver flaky) throws Exception {
        Path dir = Files.createDirectories(work.resolve(name).resolve("routes"));
        RouteFiles.write(dir.resolve("scale-out.yaml"),
                RouteFiles.githubIn("/webhooks/github", "{{github.secret}}", "github"),
                RouteFiles.webhookOut("to-a", "github", "{{a.url}}"),
                RouteFiles.webhookOut("to-b", "github", "{{b.url}}"),
                """
                - route:
                    id: to-flaky
                    from:
                      uri: "inbox:github?pollInterval=50&retrySchedule=100ms,200ms,300ms,500ms,1s,1s,1s,1s"
                      steps:
                        - to:
                            uri: kamelet:webhook-sink
                            parameters:
                              url: "{{flaky.url}}"
                """);
        Files.writeString(dir.getParent().resolve("application.properties"), String.join("\n",
                "github.secret = " + SECRET, "a.url = " + a.url("/a"), "b.url = " + b.url("/b"),
                "flaky.url = " + flaky.url("/c")));
        return dir.getParent();
    }

    /** Every attempt: the earlier ones in hb_attempt, each delivery's latest in its row. */
    private static final String ATTEMPT_LOG = "SELECT event_id, subscription, attempt, started_at, duration_ms, instance_id "
            + "FROM hb_attempt UNION ALL SELECT event_id, subscription, attempts, last_started_at, last_duration_ms, "
            + "last_instance_id FROM hb_delivery WHERE last_duration_ms IS NOT NULL";

    private static Map<String, Integer> attemptsByInstance(String url) throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(url);
                ResultSet rs = c.createStatement().executeQuery(
                        "WITH a AS (" + ATTEMPT_LOG + ") SELECT instance_id, COUNT(*) FROM a GROUP BY instance_id")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getInt(2));
            }
        }
        return counts;
    }

    private static int notDelivered(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url);
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT COUNT(*) FROM hb_delivery WHERE status <> 'delivered'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Attempts on one delivery whose time spans overlap: two instances (or workers) on it at once. */
    private static int overlappingAttempts(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url);
                PreparedStatement ps = c.prepareStatement("WITH a AS (" + ATTEMPT_LOG + ") SELECT COUNT(*) FROM a x JOIN a y "
                        + "ON x.event_id = y.event_id AND x.subscription = y.subscription AND x.attempt < y.attempt "
                        + "AND y.started_at < x.started_at + x.duration_ms");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
