package io.hookbridge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.GatewayProcess;
import io.hookbridge.testing.GithubLoad;
import io.hookbridge.testing.Receiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nothing acknowledged is lost: the packaged gateway is killed with kill -9 while under load, restarted on the same
 * data directory, and every event it answered 2xx to must then reach every destination.
 */
class CrashRecoveryIT {

    static final String SECRET = "crash-secret";
    /** 5 by default; a longer run: {@code mvn -B verify -Dit.test=CrashRecoveryIT -Dcrash.kills=50}. */
    static final int KILLS = Integer.getInteger("crash.kills", 5);

    @TempDir
    Path work;

    @Test
    void everyAcknowledgedEventIsDeliveredAfterKillMinus9UnderLoad() throws Exception {
        try (Receiver a = new Receiver(); Receiver b = new Receiver(); Receiver flaky = new Receiver().always(503)) {
            // the shipped example routes (GitHub -> inbox -> partners A and B), plus a third subscription whose
            // destination fails until the end, so its deliveries wait in durable retries through every crash
            Files.createDirectories(work.resolve("routes"));
            Files.copy(Path.of("routes/github-to-partners.yaml"), work.resolve("routes/github-to-partners.yaml"));
            Files.writeString(work.resolve("routes/flaky.yaml"), """
                    - route:
                        id: to-flaky
                        from:
                          uri: "inbox:github?pollInterval=200&retrySchedule=%s"
                          steps:
                            - to:
                                uri: kamelet:webhook-sink
                                parameters:
                                  url: "{{flaky.url}}"
                    """.formatted(String.join(",", Collections.nCopies(100, "500ms"))));
            String partnerSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
            Files.writeString(work.resolve("application.properties"), String.join("\n",
                    "github.secret = " + SECRET,
                    "partner-a.url = " + a.url("/a"),
                    "partner-a.secret = " + partnerSecret,
                    "partner-b.url = " + b.url("/b"),
                    "flaky.url = " + flaky.url("/c")));
            int port = Gateway.freePort();

            Set<String> acked = ConcurrentHashMap.newKeySet();
            long seed = Long.getLong("crash.seed", System.nanoTime());
            Random random = new Random(seed);
            for (int kill = 0; kill < KILLS; kill++) {
                GatewayProcess gateway = GatewayProcess.start(work, port, Map.of());
                int before = acked.size();
                try (GithubLoad load = new GithubLoad(SECRET, List.of(port), 8)) {
                    // killed at a random moment, 1 to 4 s after the gateway answered its first webhook (the port opens
                    // before the routes are all started, and a cold JVM on a busy machine takes a while)
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                            .until(() -> !load.acked().isEmpty());
                    Thread.sleep(1000 + random.nextInt(3000));
                    gateway.kill();
                    acked.addAll(load.acked());
                }
                assertThat(acked.size()).as("events acknowledged before kill %d", kill + 1).isGreaterThan(before + 10);
            }
            flaky.always(200);
            try (GatewayProcess gateway = GatewayProcess.start(work, port, Map.of())) {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> delivered(a).containsAll(acked) && delivered(b).containsAll(acked)
                                && delivered(flaky).containsAll(acked));
                long duplicates = answered(a) + answered(b) + answered(flaky) - 3L * acked.size();
                System.out.printf("crash suite: PASS kills=%d seed=%d acked=%d delivered A=%d B=%d C(failing until "
                        + "the end)=%d lost=0 extra deliveries (unacknowledged events, or redelivered)=%d%n", KILLS, seed,
                        acked.size(), delivered(a).size(), delivered(b).size(), delivered(flaky).size(), duplicates);
            }
            String log = Files.readString(work.resolve("gateway.log"));
            assertThat(log).doesNotContain(SECRET).doesNotContain(partnerSecret);
        }
    }

    /** How many requests a receiver answered 2xx (each delivery once, plus any redelivery). */
    static long answered(Receiver r) {
        return r.requests().stream().filter(req -> req.status() < 300).count();
    }

    /** The event ids a receiver answered 2xx to. */
    static Set<String> delivered(Receiver r) {
        Set<String> ids = new HashSet<>();
        r.requests().stream().filter(req -> req.status() < 300).forEach(req -> ids.add(req.header("webhook-id")));
        return ids;
    }
}
