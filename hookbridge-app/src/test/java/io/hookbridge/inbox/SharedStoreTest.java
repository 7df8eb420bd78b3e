package io.hookbridge.inbox;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookbridge.testing.Attempts;
import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.Http;
import io.hookbridge.testing.Postgres;
import io.hookbridge.testing.Receiver;
import io.hookbridge.testing.RouteFiles;
import io.hookbridge.testing.Signatures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateways in one JVM sharing one PostgreSQL database, as two instances behind a load balancer: duplicates are
 * recognised whichever instance got the first copy, and the admin API of either one sees and steers everything
 * (events, replays, pauses).
 */
class SharedStoreTest {

    static final String SECRET = "shared-secret";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    final Receiver receiver = newReceiver();
    final Receiver limited = newReceiver();
    final Receiver ordered = newReceiver();
    final Receiver failing = newReceiver().always(500);
    Gateway one;
    Gateway two;

    static Receiver newReceiver() {
        try {
            return new Receiver();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void start(TestInfo test) throws Exception {
        String url = Postgres.database("hbshared_", test.getDisplayName());
        String routes = RouteFiles.write(dir.resolve("routes.yaml"), RouteFiles.githubIn("/webhooks/github", SECRET,
                "github"), RouteFiles.webhookOut("to-receiver", "github", receiver.url("/hook")),
                RouteFiles.withInboxOptions(RouteFiles.webhookOut("rate-limited", "github", limited.url("/limited")),
                        "rateLimit=10/1s"),
                RouteFiles.withInboxOptions(RouteFiles.webhookOut("ordered", "github", ordered.url("/ordered")),
                        "orderingKey=$.ref&retrySchedule=100ms,100ms,100ms"),
                RouteFiles.withInboxOptions(RouteFiles.webhookOut("failing", "github", failing.url("/failing")),
                        "autoPause=1s&backoffAfter=0&retrySchedule=" + "100ms,".repeat(50) + "100ms"));
        one = Gateway.start(dir.resolve("one"), routes, Map.of("camel.component.inbox.database-url", url,
                "camel.component.inbox.instance-id", "one"));
        two = Gateway.start(dir.resolve("two"), routes, Map.of("camel.component.inbox.database-url", url,
                "camel.component.inbox.instance-id", "two"));
    }

    @AfterEach
    void stop() {
        for (Gateway g : new Gateway[] { one, two }) {
            if (g != null) {
                g.close();
            }
        }
        receiver.close();
        limited.close();
        ordered.close();
        failing.close();
    }

    HttpResponse<String> send(Gateway gateway, String delivery) throws Exception {
        byte[] body = ("{\"ref\":\"refs/heads/main\",\"delivery\":\"" + delivery + "\"}").getBytes(StandardCharsets.UTF_8);
        return gateway.post("/webhooks/github", body, Signatures.githubHeaders(SECRET, "push", delivery, body));
    }

    Set<String> deliveredIds() {
        Set<String> ids = new HashSet<>();
        receiver.requests().forEach(r -> ids.add(r.header("webhook-id")));
        return ids;
    }

    @Test
    void aRedeliveryIsRecognisedByEveryInstanceEvenWhenBothCopiesArriveAtOnce() throws Exception {
        String delivery = UUID.randomUUID().toString();
        HttpResponse<String> first = send(one, delivery);
        HttpResponse<String> again = send(two, delivery);
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(Http.eventId(again)).isEqualTo(Http.eventId(first));

        // the same delivery id posted to both instances at the same moment, many times over
        List<CompletableFuture<HttpResponse<String>>> racing = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String key = UUID.randomUUID().toString();
            keys.add(key);
            for (Gateway g : new Gateway[] { one, two, one, two }) {
                racing.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return send(g, key);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
        }
        for (int i = 0; i < keys.size(); i++) {
            Set<String> ids = new HashSet<>();
            int created = 0;
            for (int j = 0; j < 4; j++) {
                HttpResponse<String> r = racing.get(i * 4 + j).join();
                assertThat(r.statusCode()).isIn(200, 202);
                created += r.statusCode() == 202 ? 1 : 0;
                ids.add(Http.eventId(r));
            }
            assertThat(created).as("copies stored of delivery %s", keys.get(i)).isEqualTo(1);
            assertThat(ids).hasSize(1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveredIds().size() == 21);
        Thread.sleep(300);
        assertThat(receiver.requests()).as("one delivery per event, whichever instance took it in").hasSize(21);
    }

    @Test
    void eitherInstanceAnswersForAndSteersEveryEvent() throws Exception {
        String id = Http.eventId(send(one, UUID.randomUUID().toString()));
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveredIds().contains(id));

        // the other instance shows it and replays it
        assertThat(JSON.readTree(two.get("/admin/events/" + id, Map.of()).body()).path("id").asText()).isEqualTo(id);
        assertThat(two.post("/admin/events/" + id + "/replay", new byte[0], Map.of()).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests().size() == 2);

        // paused on one instance: the other one stops delivering too, even what it takes in itself
        assertThat(one.post("/admin/subscriptions/to-receiver/pause", new byte[0], Map.of()).statusCode())
                .isEqualTo(200);
        Thread.sleep(500); // a few polls of the other instance (pollInterval=50)
        String whilePaused = Http.eventId(send(two, UUID.randomUUID().toString()));
        Thread.sleep(1000);
        assertThat(deliveredIds()).doesNotContain(whilePaused);
        assertThat(two.inbox().getStore().isPaused("to-receiver")).isTrue();

        // resumed on the other one: delivered
        assertThat(two.post("/admin/subscriptions/to-receiver/resume", new byte[0], Map.of()).statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveredIds().contains(whilePaused));
        assertThat(receiver.requests()).hasSize(3);
    }

    @Test
    void aRateLimitHoldsForTheInstancesTogether() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(Http.eventId(send(i % 2 == 0 ? one : two, UUID.randomUUID().toString())));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> limited.requests().size() >= 30);

        List<Long> starts = new ArrayList<>();
        Set<String> instances = new HashSet<>();
        for (String id : ids) {
            InboxStore.Attempt attempt = one.inbox().getStore().attempts(id, "rate-limited").get(0);
            starts.add(attempt.startedAt());
            instances.add(attempt.instance());
        }
        assertThat(instances).as("both instances delivered").hasSize(2);
        // 10/s for both together: 30 attempts take at least 2.9 s, where each instance alone would allow 20/s
        assertThat(Collections.max(starts) - Collections.min(starts)).isGreaterThanOrEqualTo(2850);
        assertThat(Attempts.mostInAnyWindow(starts, 1000)).isLessThanOrEqualTo(11);
        Thread.sleep(300);
        assertThat(limited.requests()).hasSize(30);
    }

    @Test
    void anOrderingKeyHoldsAcrossTheInstances() throws Exception {
        ordered.answer(503, 503).answerAfter(10); // the head fails twice: the others wait for it, on both instances
        List<String> acked = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            acked.add(Http.eventId(send(i % 2 == 0 ? one : two, UUID.randomUUID().toString())));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> ordered.requests().stream()
                .filter(r -> r.status() == 200).count() >= 16);

        List<String> attempted = ordered.requests().stream().map(r -> r.header("webhook-id")).toList();
        List<String> delivered = ordered.requests().stream().filter(r -> r.status() == 200)
                .map(r -> r.header("webhook-id")).toList();
        assertThat(delivered).as("one key ($.ref): delivered in the order received").containsExactlyElementsOf(acked);
        assertThat(attempted.subList(0, 3)).as("the head, failing twice, then delivered").containsOnly(acked.get(0));
        // both instances took events in and both claim; which one gets each head is a race either may win
    }

    @Test
    void aSubscriptionFailingOnEveryInstancePausesItselfForAll() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(Http.eventId(send(i % 2 == 0 ? one : two, UUID.randomUUID().toString())));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> one.inbox().getStore().isPaused("failing"));
        Thread.sleep(500); // a few polls: the other instance learns it too
        int attempts = failing.requests().size();
        Thread.sleep(1000);
        assertThat(failing.requests()).as("no attempt once paused, on either instance").hasSize(attempts);
        for (String id : ids) {
            assertThat(two.inbox().getStore().delivery(id, "failing").status()).isEqualTo("pending");
        }
        Set<String> instances = new HashSet<>();
        for (String id : ids) {
            instances.add(one.inbox().getStore().attempts(id, "failing").get(0).instance());
        }
        assertThat(instances).as("both instances were failing").hasSize(2);
    }
}
