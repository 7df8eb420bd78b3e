package io.hookbridge;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.GatewayProcess;
import io.hookbridge.testing.Http;
import io.hookbridge.testing.Receiver;
import io.hookbridge.testing.Signatures;
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
    static final int KILLS = 2;

    @TempDir
    Path work;

    @Test
    void everyAcknowledgedEventIsDeliveredAfterKillMinus9UnderLoad() throws Exception {
        try (Receiver a = new Receiver(); Receiver b = new Receiver()) {
            // the shipped example routes: GitHub -> inbox -> partner A (signed) and partner B
            Files.createDirectories(work.resolve("routes"));
            Files.copy(Path.of("routes/github-to-partners.yaml"), work.resolve("routes/github-to-partners.yaml"));
            Files.writeString(work.resolve("application.properties"), String.join("\n",
                    "github.secret = " + SECRET,
                    "partner-a.url = " + a.url("/a"),
                    "partner-a.secret = whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                    "partner-b.url = " + b.url("/b")));
            int port = Gateway.freePort();

            Set<String> acked = ConcurrentHashMap.newKeySet();
            for (int kill = 0; kill < KILLS; kill++) {
                GatewayProcess gateway = GatewayProcess.start(work, port, Map.of());
                int before = acked.size();
                load(port, acked, Duration.ofMillis(1500), gateway);
                assertThat(acked.size()).as("events acknowledged before kill %d", kill + 1).isGreaterThan(before + 50);
            }
            try (GatewayProcess gateway = GatewayProcess.start(work, port, Map.of())) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> ids(a).containsAll(acked) && ids(b).containsAll(acked));
                long duplicates = a.requests().size() + b.requests().size() - ids(a).size() - ids(b).size();
                System.out.printf("crash test: %d kills, acked %d, delivered to A %d and B %d, lost 0, duplicates %d%n",
                        KILLS, acked.size(), ids(a).size(), ids(b).size(), duplicates);
            }
        }
    }

    static Set<String> ids(Receiver r) {
        Set<String> ids = new HashSet<>();
        r.requests().forEach(req -> ids.add(req.header("webhook-id")));
        return ids;
    }

    /** Eight clients post signed events as fast as they can; the gateway is killed mid-way. */
    static void load(int port, Set<String> acked, Duration before, GatewayProcess gateway) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            futures.add(clients.submit(() -> {
                while (running.get()) {
                    byte[] body = ("{\"ref\":\"refs/heads/main\",\"n\":\"" + UUID.randomUUID() + "\"}")
                            .getBytes(StandardCharsets.UTF_8);
                    try {
                        HttpResponse<String> response = Http.post("http://127.0.0.1:" + port + "/webhooks/github", body,
                                Signatures.githubHeaders(SECRET, "push", UUID.randomUUID().toString(), body));
                        if (response.statusCode() == 202) {
                            acked.add(Http.eventId(response));
                        }
                    } catch (Exception killedMidRequest) {
                        // not acknowledged: the provider would retry it
                    }
                }
                return null;
            }));
        }
        Thread.sleep(before.toMillis());
        gateway.kill();
        running.set(false);
        for (var f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        clients.shutdown();
    }
}
