package io.hookbridge.inbox;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookbridge.testing.Attempts;
import io.hookbridge.testing.FaultyDestination;
import io.hookbridge.testing.LogLines;
import io.hookbridge.testing.MutableClock;
import io.hookbridge.testing.Receiver;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The inbox's delivery rules, against real HTTP receivers and the real HSQLDB store: durable retries, dead and paused
 * deliveries, Retry-After, isolation between subscriptions, resumption after a restart.
 */
class InboxDeliveryTest extends InboxTestSupport {

    @Test
    void failuresAreRetriedDurablyOnTheScheduleWithTheSameEventId() throws Exception {
        Receiver r = receiver().answer(503, 503);
        start(subscription("a", "retrySchedule=100ms,100ms,100ms", r.url("/a")));

        String id = send("{\"n\":1}");

        await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(state(id, "a").status()));
        assertThat(state(id, "a").attempts()).isEqualTo(3);
        assertThat(r.requests()).hasSize(3).allSatisfy(req -> {
            assertThat(req.header("webhook-id")).isEqualTo(id);
            assertThat(req.bodyText()).isEqualTo("{\"n\":1}");
        });
    }

    @Test
    void copiesOfADeliveryArrivingTogetherAreStoredOnce() throws Exception {
        Receiver r = receiver();
        start(subscription("a", "", r.url("/a")));
        ProducerTemplate t = context.createProducerTemplate();

        // five copies of each of ten deliveries, all at once: they share commits, copies within one batch included
        Map<String, List<CompletableFuture<Exchange>>> copies = new LinkedHashMap<>();
        for (int copy = 0; copy < 5; copy++) {
            for (int key = 0; key < 10; key++) {
                String k = "delivery-" + key;
                copies.computeIfAbsent(k, x -> new ArrayList<>()).add(t.asyncSend("direct:in", e -> {
                    e.getMessage().setBody(("{\"key\":\"" + k + "\"}").getBytes(StandardCharsets.UTF_8));
                    e.getMessage().setHeader(InboxHeaders.IDEMPOTENCY_KEY, k);
                }));
            }
        }
        for (var entry : copies.entrySet()) {
            Set<String> ids = new HashSet<>();
            for (CompletableFuture<Exchange> reply : entry.getValue()) {
                Exchange e = reply.get(10, TimeUnit.SECONDS);
                assertThat(e.getException()).isNull();
                ids.add(e.getMessage().getHeader(InboxHeaders.EVENT_ID, String.class));
            }
            assertThat(ids).as("event ids answered for %s", entry.getKey()).hasSize(1);
        }
        assertThat(store().countEvents("orders")).isEqualTo(10);
        await().atMost(Duration.ofSeconds(10)).until(() -> r.requests().size() >= 10);
        Thread.sleep(300);
        assertThat(r.requests()).extracting(Receiver.Request::bodyText).hasSize(10).doesNotHaveDuplicates();
    }

    @Test
    void aRateLimitSpacesTheAttemptsAndTheWaitIsNoAttempt() throws Exception {
        Receiver limited = receiver();
        Receiver free = receiver();
        start(subscriptions(subscription("limited", "rateLimit=10/1s", limited.url("/l")),
                subscription("free", "", free.url("/f"))));

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            ids.add(send("{\"n\":" + i + "}"));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> free.requests().size() == 25);
        assertThat(limited.requests().size()).as("limited, after the free one got all 25").isLessThan(25);
        await().atMost(Duration.ofSeconds(15)).until(() -> limited.requests().size() == 25);

        List<Long> starts = new ArrayList<>();
        for (String id : ids) {
            InboxStore.DeliveryState state = state(id, "limited");
            assertThat(state.attempts()).as("waiting for the limit is no attempt").isEqualTo(1);
            starts.add(store().attempts(id, "limited").get(0).startedAt());
        }
        // one start every 100 ms: 25 take at least 2.4 s; a start that comes late may bring the next one closer
        assertThat(Collections.max(starts) - Collections.min(starts)).isGreaterThanOrEqualTo(2350);
        assertThat(Attempts.mostInAnyWindow(starts, 1000)).isLessThanOrEqualTo(11);
    }

    @Test
    void anOrderingKeyDeliversEachKeyInOrderAndAFailingHeadHoldsOnlyItsKey() throws Exception {
        Receiver r = receiver().answer(503).answerAfter(20);
        start(subscription("a", "orderingKey=$.customer&retrySchedule=300ms&concurrency=4", r.url("/a")));

        for (int n = 1; n <= 4; n++) {
            for (String customer : List.of("x", "y")) {
                send("{\"customer\":\"" + customer + "\",\"n\":" + n + "}");
            }
        }

        await().atMost(Duration.ofSeconds(15)).until(() -> r.requests().stream().filter(q -> q.status() == 200)
                .count() == 8);
        Map<String, List<Integer>> byKey = new LinkedHashMap<>();
        List<String> delivered = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (Receiver.Request q : r.requests()) {
            JsonNode body = json.readTree(q.bodyText());
            if (body.has("customer")) {
                byKey.computeIfAbsent(body.get("customer").asText(), k -> new ArrayList<>()).add(body.get("n").asInt());
                if (q.status() == 200) {
                    delivered.add(body.get("customer").asText() + body.get("n").asInt());
                }
            }
        }
        // the first request failed (503, retried 300 ms later): its key waited, in order; the other key went on
        Receiver.Request failed = r.requests().get(0);
        String held = json.readTree(failed.bodyText()).path("customer").asText();
        String other = held.equals("x") ? "y" : "x";
        assertThat(failed.status()).isEqualTo(503);
        assertThat(byKey.get(held)).containsExactly(1, 1, 2, 3, 4);
        assertThat(byKey.get(other)).containsExactly(1, 2, 3, 4);
        assertThat(delivered.indexOf(other + "4")).as("the other key did not wait").isLessThan(delivered.indexOf(held + "1"));

        String unordered = send("{\"no-key\":true}"); // without the key: delivered, not ordered
        await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(state(unordered, "a").status()));
    }

    @Test
    void aDeadHeadBlocksItsKeyUntilReplayedOrIsSkipped() throws Exception {
        Receiver blocking = receiver().answer(500, 500);
        Receiver skipping = receiver().answer(500, 500);
        start(subscriptions(subscription("block", "fifo=true&retrySchedule=50ms", blocking.url("/b")),
                subscription("skip", "fifo=true&retrySchedule=50ms&orderingOnFailure=skip", skipping.url("/s"))));

        String first = send("{\"n\":1}");
        String second = send("{\"n\":2}");

        // both heads die after two attempts; skip goes on with the second, block holds it
        await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(state(second, "skip").status()));
        assertThat(state(first, "skip").status()).isEqualTo("dead");
        await().atMost(Duration.ofSeconds(10)).until(() -> "dead".equals(state(first, "block").status()));
        Thread.sleep(500);
        assertThat(state(second, "block").status()).isEqualTo("pending");
        assertThat(state(second, "block").attempts()).isZero();

        // replayed, the head is delivered, then the one after it
        store().replay(first, List.of("block")).get(10, TimeUnit.SECONDS);
        context.getComponent("inbox", InboxComponent.class).wake();
        await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(state(second, "block").status()));
        assertThat(blocking.requests()).extracting(q -> q.bodyText()).containsExactly("{\"n\":1}", "{\"n\":1}",
                "{\"n\":1}", "{\"n\":2}");
    }

    @Test
    void anExhaustedScheduleLeavesTheDeliveryDead() throws Exception {
        Receiver r = receiver().always(500);
        start(subscription("a", "retrySchedule=50ms", r.url("/a")));

        String id = send("{}");

        await().atMost(Duration.ofSeconds(10)).until(() -> "dead".equals(state(id, "a").status()));
        assertThat(state(id, "a").attempts()).isEqualTo(2);
        assertThat(state(id, "a").lastError()).isEqualTo("HTTP 500 Internal Server Error");
        Thread.sleep(300);
        assertThat(r.requests()).hasSize(2);
    }

    @Test
    void aRoutesRedeliveryPolicyGivesUpAfterItsMaximum() throws Exception {
        Receiver r = receiver().always(503);
        start(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(defaultErrorHandler().maximumRedeliveries(2).redeliveryDelay(10));
                from("inbox:orders?pollInterval=20&retrySchedule=1h").routeId("a")
                        .to("kamelet:webhook-sink?url=" + r.url("/a"));
            }
        });

        String id = send("{}");

        // one durable attempt made of three tries (the sink clears the event's headers, not Camel's redelivery count)
        await().atMost(Duration.ofSeconds(10)).until(() -> state(id, "a").attempts() == 1);
        Thread.sleep(300);
        assertThat(r.requests()).hasSize(3);
        assertThat(state(id, "a").status()).isEqualTo("pending");
    }

    @Test
    void aClientErrorIsDeadAtOnce() throws Exception {
        Receiver r = receiver().always(404);
        start(subscription("a", "retrySchedule=50ms,50ms", r.url("/a")));

        String id = send("{}");

        await().atMost(Duration.ofSeconds(10)).until(() -> "dead".equals(state(id, "a").status()));
        Thread.sleep(300);
        assertThat(r.requests()).hasSize(1);
        assertThat(state(id, "a").attempts()).isEqualTo(1);
    }

    @Test
    void aRoutesRedeliveryPolicyDoesNotRepeatAPermanentFailure() throws Exception {
        Receiver client = receiver().always(404);
        Receiver transient_ = receiver().always(503);
        LogLines log = LogLines.capture();
        toClose.add(log);
        start(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(defaultErrorHandler().maximumRedeliveries(2).redeliveryDelay(10));
                from("inbox:orders?pollInterval=20&retrySchedule=1h").routeId("client")
                        .to("kamelet:webhook-sink?url=" + client.url("/a"));
                from("inbox:orders?pollInterval=20&retrySchedule=1h").routeId("transient")
                        .to("kamelet:webhook-sink?url=" + transient_.url("/b"));
            }
        });

        String id = send("{}");

        await().atMost(Duration.ofSeconds(10)).until(() -> "dead".equals(state(id, "client").status()));
        await().atMost(Duration.ofSeconds(10)).until(() -> state(id, "transient").attempts() == 1);
        Thread.sleep(300);
        assertThat(client.requests()).as("a 404 is not retried, in memory or later").hasSize(1);
        assertThat(transient_.requests()).as("a 503 is, as the route asks").hasSize(3);
        assertThat(log.events().stream().filter(e -> e.contains(" - inbox-client] ")))
                .as("what the subscription logged").singleElement().asString()
                .startsWith("WARN ").doesNotContain("\n").contains("HTTP 404");
    }

    @Test
    void theSinkSendsItsExtraHeadersAndNothingElseFromTheProvider() throws Exception {
        Receiver r = receiver();
        start(subscription("a", "", r.url("/a") + "&headers=RAW({\"Authorization\":\"Bearer abc\",\"X-Team\":\"ops\"})"));

        context.createProducerTemplate().sendBodyAndHeaders("direct:in", "{}".getBytes(StandardCharsets.UTF_8),
                Map.of("X-GitHub-Event", "push", "Content-Type", "application/json"));

        await().atMost(Duration.ofSeconds(10)).until(() -> r.requests().size() == 1);
        Receiver.Request req = r.requests().get(0);
        assertThat(req.header("authorization")).isEqualTo("Bearer abc");
        assertThat(req.header("x-team")).isEqualTo("ops");
        assertThat(req.header("x-github-event")).isNull();
        assertThat(req.header("webhook-signature")).isNull();
    }

    @Test
    void theSinksHeadersCanCarryTheEventAndItsTypeGoesAlong() throws Exception {
        Receiver r = receiver();
        start(subscription("a", "", r.url("/a") + "&headers=RAW({\"X-GitHub-Event\":\"${header.X-GitHub-Event}\","
                + "\"X-Repo\":\"${repository.full_name}\",\"X-Team\":\"ops\"})"));

        context.createProducerTemplate().sendBodyAndHeaders("direct:in",
                "{\"repository\":{\"full_name\":\"acme/api\"}}".getBytes(StandardCharsets.UTF_8),
                Map.of("X-GitHub-Event", "push", InboxHeaders.EVENT_TYPE, "push", "Content-Type", "application/json"));

        await().atMost(Duration.ofSeconds(10)).until(() -> r.requests().size() == 1);
        Receiver.Request req = r.requests().get(0);
        assertThat(req.header("x-github-event")).isEqualTo("push");
        assertThat(req.header("x-repo")).isEqualTo("acme/api");
        assertThat(req.header("x-team")).isEqualTo("ops");
        assertThat(req.header("webhook-event-type")).isEqualTo("push");
    }

    @Test
    void aRedirectIsAFailureAndIsNotFollowed() throws Exception {
        Receiver target = receiver();
        Receiver redirecting = receiver().answer(302, Map.of("Location", target.url("/moved")));
        start(subscription("a", "retrySchedule=1h", redirecting.url("/a")));

        String id = send("{}");

        await().atMost(Duration.ofSeconds(10)).until(() -> state(id, "a").attempts() == 1);
        assertThat(state(id, "a").status()).isEqualTo("pending");
        assertThat(store().attempts(id, "a").get(0).httpStatus()).isEqualTo(302);
        assertThat(target.requests()).isEmpty();
    }

    @Test
    void anInternalDestinationNotOnTheAllowListIsRefusedAndDeadAtOnce() throws Exception {
        // the tests allow 127.0.0.1/32 only (pom.xml): 127.0.0.2 is as internal as any private address
        Receiver internal = new Receiver("127.0.0.2");
        toClose.add(internal);
        Receiver allowed = receiver();
        start(subscriptions(subscription("internal", "retrySchedule=1h", internal.url("/a")),
                subscription("allowed", "", allowed.url("/b"))));

        String id = send("{}");

        await().atMost(Duration.ofSeconds(10)).until(() -> "dead".equals(state(id, "internal").status()));
        assertThat(state(id, "internal").attempts()).isEqualTo(1);
        assertThat(store().attempts(id, "internal").get(0).error())
                .contains("127.0.0.2", "internal address", "hookbridge.egress.allow");
        assertThat(internal.requests()).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(state(id, "allowed").status()));
    }

    @Test
    void aDestinationThatComesBackAfterAnHourGetsItsEventOnTheSchedule() throws Exception {
        Receiver down = receiver().always(503);
        MutableClock clock = new MutableClock();
        start(subscription("a", "retrySchedule=10m,30m,1h,2h", down.url("/a")), clock);

        String id = send("{\"n\":1}");
        await().atMost(Duration.ofSeconds(10)).until(() -> state(id, "a").attempts() == 1);

        clock.advance(Duration.ofMinutes(5));
        Thread.sleep(300); // polls every 20 ms: nothing is due yet
        assertThat(state(id, "a").attempts()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(8)); // 13 min: past 10 min + 20% jitter
        await().atMost(Duration.ofSeconds(10)).until(() -> state(id, "a").attempts() == 2);
        clock.advance(Duration.ofMinutes(37));
        await().atMost(Duration.ofSeconds(10)).until(() -> state(id, "a").attempts() == 3);

        down.always(200); // back, an hour after the event
        clock.advance(Duration.ofMinutes(73));
        await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(state(id, "a").status()));

        List<InboxStore.Attempt> log = store().attempts(id, "a");
        assertThat(log).extracting(InboxStore.Attempt::httpStatus).containsExactly(503, 503, 503, 200);
        assertThat(log.get(1).startedAt() - log.get(0).startedAt()).isGreaterThanOrEqualTo(Duration.ofMinutes(8).toMillis());
        assertThat(log.get(3).startedAt() - log.get(0).startedAt()).isGreaterThan(Duration.ofHours(2).toMillis());
        assertThat(down.requests()).extracting(r -> r.header("webhook-id")).containsOnly(id);
    }

    FaultyDestination faulty(FaultyDestination.Fault fault) throws Exception {
        FaultyDestination d = new FaultyDestination(fault);
        toClose.add(d);
        return d;
    }

    @Test
    void aResetConnectionIsRetried() throws Exception {
        FaultyDestination resetting = faulty(FaultyDestination.Fault.RESET);
        start(subscription("a", "retrySchedule=1h", resetting.url("/a")));

        String id = send("{}");

        await().atMost(Duration.ofSeconds(10)).until(() -> state(id, "a").attempts() == 1);
        assertThat(state(id, "a").status()).isEqualTo("pending");
        assertThat(store().attempts(id, "a").get(0).error()).containsAnyOf("reset", "NoHttpResponse");
    }

    @Test
    void aConnectionThatIsNeverAcceptedTimesOutAndIsRetried() throws Exception {
        FaultyDestination unreachable = faulty(FaultyDestination.Fault.NO_ACCEPT);
        start(subscription("a", "retrySchedule=1h", unreachable.url("/a") + "&connectTimeout=500"));

        String id = send("{}");

        await().atMost(Duration.ofSeconds(10)).until(() -> state(id, "a").attempts() == 1);
        assertThat(state(id, "a").status()).isEqualTo("pending");
        assertThat(store().attempts(id, "a").get(0).error()).containsIgnoringCase("timed out");
    }

    @Test
    void anAnswerThatNeverEndsCountsByItsStatusAndEndsTheAttemptInTime() throws Exception {
        FaultyDestination endless = faulty(FaultyDestination.Fault.ENDLESS_BODY);
        start(subscription("a", "", endless.url("/a")));

        String id = send("{}");

        // 200 is the destination's word; its body is only read for the log, for at most the response timeout
        await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(state(id, "a").status()));
        assertThat(store().attempts(id, "a").get(0).durationMs()).isLessThan(5000);
    }

    @Test
    void aGigabyteAnswerIsNotDownloaded() throws Exception {
        FaultyDestination huge = faulty(FaultyDestination.Fault.HUGE_BODY);
        start(subscription("a", "", huge.url("/a")));

        String id = send("{}");

        await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(state(id, "a").status()));
        assertThat(store().attempts(id, "a").get(0).durationMs()).isLessThan(2000);
    }

    @Test
    void goneHoldsTheSubscriptionWithItsDeliveriesUntilResumed() throws Exception {
        Receiver gone = receiver().answer(410);
        Receiver other = receiver();
        Receiver ops = receiver();
        start(subscriptions(subscription("a", "retrySchedule=50ms", gone.url("/a")),
                subscription("b", "retrySchedule=50ms", other.url("/b")), operations(ops.url("/ops"))));

        String first = send("{\"n\":1}");
        await().atMost(Duration.ofSeconds(10)).until(() -> store().isPaused("a"));
        await().atMost(Duration.ofSeconds(10)).until(() -> opsEvents(ops).size() == 1);
        assertThat(opsEvents(ops).get(0).path("type").asText()).isEqualTo("subscription.paused");
        assertThat(opsEvents(ops).get(0).path("reason").asText()).isEqualTo("410");
        String second = send("{\"n\":2}");

        await().atMost(Duration.ofSeconds(10)).until(() -> other.requests().size() == 2);
        Thread.sleep(300);
        assertThat(gone.requests()).hasSize(1);
        assertThat(state(first, "a").status()).isEqualTo("pending");
        assertThat(state(second, "a").status()).isEqualTo("pending");

        context.getComponent("inbox", InboxComponent.class).subscription("a").setPaused(false, null);

        await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(state(first, "a").status())
                && "delivered".equals(state(second, "a").status()));
        assertThat(store().isPaused("a")).isFalse();
    }

    @Test
    void aSubscriptionFailingForAutoPausePausesItselfAndTellsTheOperationsInbox() throws Exception {
        Receiver failing = receiver().always(500);
        Receiver dying = receiver().always(500);
        Receiver ops = receiver();
        start(subscriptions(
                subscription("a", "retrySchedule=" + "100ms,".repeat(40) + "100ms&autoPause=1s&backoffAfter=0",
                        failing.url("/a")),
                subscription("b", "retrySchedule=50ms&autoPause=0", dying.url("/b")),
                operations(ops.url("/ops"))));

        String id = send("{\"n\":1}");

        // b: dead after two attempts, told as delivery.dead
        await().atMost(Duration.ofSeconds(10)).until(() -> opsEvents(ops).stream()
                .anyMatch(e -> "delivery.dead".equals(e.path("type").asText())));
        JsonNode dead = opsEvents(ops).stream().filter(e -> "delivery.dead".equals(e.path("type").asText()))
                .findFirst().orElseThrow();
        assertThat(dead.path("subscription").asText()).isEqualTo("b");
        assertThat(dead.path("eventId").asText()).isEqualTo(id);
        assertThat(dead.path("attempts").asInt()).isEqualTo(2);
        assertThat(dead.path("lastError").asText()).isEqualTo("HTTP 500 Internal Server Error");

        // a: every attempt failed for a second (about ten of them): paused, its delivery kept
        await().atMost(Duration.ofSeconds(10)).until(() -> store().isPaused("a"));
        int attemptsWhenPaused = failing.requests().size();
        assertThat(attemptsWhenPaused).isBetween(3, 20);
        // told through the operations inbox, delivered a moment later
        await().atMost(Duration.ofSeconds(10)).until(() -> opsEvents(ops).stream()
                .anyMatch(e -> "subscription.paused".equals(e.path("type").asText())));
        JsonNode paused = opsEvents(ops).stream().filter(e -> "subscription.paused".equals(e.path("type").asText()))
                .findFirst().orElseThrow();
        assertThat(paused.path("subscription").asText()).isEqualTo("a");
        assertThat(paused.path("reason").asText()).isEqualTo("auto");
        assertThat(paused.path("detail").asText()).startsWith("every attempt failed for 1s");
        Thread.sleep(500);
        assertThat(failing.requests()).hasSize(attemptsWhenPaused);
        assertThat(state(id, "a").status()).isEqualTo("pending");
        assertThat(state(id, "a").attempts()).as("schedule steps left: not dead").isLessThan(41);

        // the destination is back; resumed: delivered, and told
        failing.always(200);
        context.getComponent("inbox", InboxComponent.class).setPaused("a", false, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(state(id, "a").status()));
        await().atMost(Duration.ofSeconds(10)).until(() -> opsEvents(ops).stream()
                .anyMatch(e -> "subscription.resumed".equals(e.path("type").asText())));
        assertThat(opsEvents(ops)).as("the operations inbox's own events are JSON with a type")
                .allSatisfy(e -> assertThat(e.path("at").asText()).isNotEmpty());
    }

    static RouteBuilder operations(String url) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("inbox:hookbridge.ops?pollInterval=20").routeId("ops-alerts")
                        .to("kamelet:webhook-sink?url=" + url);
            }
        };
    }

    static List<JsonNode> opsEvents(Receiver ops) {
        List<JsonNode> events = new ArrayList<>();
        for (Receiver.Request r : ops.requests()) {
            try {
                events.add(new ObjectMapper().readTree(r.bodyText()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return events;
    }

    @Test
    void retryAfterIsHonouredAsSentUpToMaxRetryAfter() throws Exception {
        Receiver asked = receiver().answer(429, Map.of("Retry-After", "2"));
        Receiver capped = receiver().answer(503, Map.of("Retry-After", "3600"));
        start(subscriptions(subscription("a", "retrySchedule=100ms", asked.url("/a")),
                subscription("b", "retrySchedule=100ms&maxRetryAfter=700ms", capped.url("/b"))));

        String id = send("{}");

        await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(state(id, "a").status())
                && "delivered".equals(state(id, "b").status()));
        // the schedule alone says 100 ms ±20%: a waits the 2 s it was asked, b the 700 ms its maximum allows
        assertThat(pauseBeforeSecondAttempt(id, "a")).isBetween(2000L, 3000L);
        assertThat(pauseBeforeSecondAttempt(id, "b")).isBetween(700L, 1500L);
    }

    long pauseBeforeSecondAttempt(String id, String subscription) throws Exception {
        List<InboxStore.Attempt> attempts = store().attempts(id, subscription);
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(1).httpStatus()).isEqualTo(200);
        return attempts.get(1).startedAt() - attempts.get(0).startedAt() - attempts.get(0).durationMs();
    }

    @Test
    void anIdempotencyKeySeenBeforeStoresAndDeliversNothingNew() throws Exception {
        Receiver r = receiver();
        start(subscription("a", "", r.url("/a")));

        String first = send("{\"n\":1}", "delivery-1");
        String again = send("{\"n\":1}", "delivery-1");

        assertThat(again).isEqualTo(first);
        await().atMost(Duration.ofSeconds(10)).until(() -> r.requests().size() == 1);
        Thread.sleep(300);
        assertThat(r.requests()).hasSize(1);
        assertThat(store().countEvents("orders")).isEqualTo(1);
    }

    /** The reply is a receipt for whatever route stored the event; answering HTTP is the webhook sources' job. */
    @Test
    void theProducersReplyIsAReceiptWithNoHeaderOfTheRequest() throws Exception {
        start(subscription("a", "", receiver().url("/a")));

        Message first = request("{\"n\":1}", "delivery-1");
        Message again = request("{\"n\":1}", "delivery-1");

        String id = first.getHeader(InboxHeaders.EVENT_ID, String.class);
        assertThat(first.getHeaders()).containsOnlyKeys(InboxHeaders.EVENT_ID, InboxHeaders.DUPLICATE,
                Exchange.CONTENT_TYPE).containsEntry(InboxHeaders.DUPLICATE, false);
        assertThat(first.getBody(String.class)).isEqualTo("{\"id\":\"" + id + "\"}");
        assertThat(again.getHeaders()).containsEntry(InboxHeaders.EVENT_ID, id).containsEntry(InboxHeaders.DUPLICATE, true);
        assertThat(again.getBody(String.class)).isEqualTo("{\"id\":\"" + id + "\",\"duplicate\":true}");
    }

    @Test
    void aBlackHoledDestinationDoesNotDelayTheOthers() throws Exception {
        Receiver dead = receiver().blackHole();
        Receiver healthy = receiver();
        start(subscriptions(subscription("slow", "concurrency=2", dead.url("/slow")),
                subscription("fast", "concurrency=2", healthy.url("/fast"))));

        long started = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            send("{\"n\":" + i + "}");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> healthy.requests().size() == 50);
        // the black hole holds two threads for 2 s per attempt; the healthy subscription does not wait for them
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        assertThat(store().countByStatus("slow")).containsEntry("pending", 50);
    }

    @Test
    void aDestinationRefusingConnectionsDoesNotDelayTheOthersAndIsHeldUntilItIsBack() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort(); // nothing listens there once it is closed: connections are refused at once
        }
        Receiver healthy = receiver();
        start(subscriptions(subscription("refused",
                "concurrency=2&retrySchedule=" + "100ms,".repeat(30) + "100ms&backoffAfter=5&maxBackoff=300",
                "http://127.0.0.1:" + closedPort + "/refused"),
                subscription("fast", "concurrency=2", healthy.url("/fast"))));

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add(send("{\"n\":" + i + "}"));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> healthy.requests().size() == 200);
        // five refusals in a row, then one try per hold: far fewer attempts than events, and nothing lost (the
        // failed ones are due again 100 ms later, and wait for the hold like the others)
        int tried = 0;
        for (String id : ids) {
            tried += state(id, "refused").attempts();
        }
        assertThat(tried).isBetween(5, 60);
        assertThat(store().countByStatus("refused")).containsOnlyKeys("pending").containsEntry("pending", 200);

        Receiver back = new Receiver("127.0.0.1", closedPort);
        toClose.add(back);
        await().atMost(Duration.ofSeconds(20)).until(() -> back.requests().stream()
                .map(r -> r.header("webhook-id")).distinct().count() == 200);
    }

    @Test
    void theAttemptLogKeepsEveryAttemptAcrossReplays() throws Exception {
        Receiver r = receiver().answer(503);
        start(subscription("a", "retrySchedule=50ms", r.url("/a")));

        String id = send("{}");
        await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(state(id, "a").status()));
        assertThat(store().replay(id, null).get(10, TimeUnit.SECONDS)).isEqualTo(1);
        context.getComponent("inbox", InboxComponent.class).wake();
        await().atMost(Duration.ofSeconds(10)).until(() -> state(id, "a").attempts() == 3
                && "delivered".equals(state(id, "a").status()));

        List<InboxStore.Attempt> log = store().attempts(id, "a");
        assertThat(log).extracting(InboxStore.Attempt::attempt).containsExactly(1, 2, 3);
        assertThat(log).extracting(InboxStore.Attempt::verdict).containsExactly("retry", "delivered", "delivered");
        assertThat(log).extracting(InboxStore.Attempt::httpStatus).containsExactly(503, 200, 200);
        assertThat(log).allSatisfy(a -> {
            assertThat(a.instance()).isNotBlank();
            assertThat(a.startedAt()).isPositive();
        });
        assertThat(r.requests()).hasSize(3);
    }

    @Test
    void pendingDeliveriesSurviveARestart() throws Exception {
        Receiver r = receiver();
        // the subscription exists but its route is stopped: events wait for it in the database
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from("inbox:orders?pollInterval=20").routeId("a").autoStartup(false)
                        .to("kamelet:webhook-sink?url=" + r.url("/a"));
            }
        });
        List<String> ids = List.of(send("{\"n\":1}"), send("{\"n\":2}"), send("{\"n\":3}"));
        assertThat(store().countByStatus("a")).containsEntry("pending", 3);
        context.close();
        context = null;

        start(subscription("a", "", r.url("/a")));

        await().atMost(Duration.ofSeconds(10)).until(() -> r.requests().size() == 3);
        assertThat(r.requests()).extracting(req -> req.header("webhook-id")).containsExactlyInAnyOrderElementsOf(ids);
    }
}
