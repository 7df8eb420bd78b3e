package io.hookbridge.inbox;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.LogLines;
import io.hookbridge.testing.Postgres;
import io.hookbridge.testing.Receiver;
import io.hookbridge.testing.RouteFiles;
import io.hookbridge.testing.Signatures;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * How the delivery engine keeps its promises under load, on the real store: ingest does not wait for the delivery
 * bookkeeping, a burst that overflows memory is claimed as soon as there is room, and a failing destination costs one
 * log line per attempt.
 */
class DeliveryEngineTest extends InboxTestSupport {

    /**
     * On PostgreSQL ingest and bookkeeping have writers of their own. (On HSQLDB they share one, which takes ingest
     * first and one bookkeeping job per commit: {@code GroupCommitTest#urgentWorkDoesNotWaitBehindBackgroundWork}.)
     */
    @Test
    void eventsAreAcknowledgedWhileTheDeliveryBookkeepingIsHeldUp() throws Exception {
        assumeTrue(Postgres.selected(), "ingest and bookkeeping write on separate connections on PostgreSQL only");
        Receiver r = new Receiver();
        toClose.add(r);
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from("inbox:orders").routeId("a").to("kamelet:webhook-sink?url=" + r.url("/a"));
            }
        });
        send("{}");
        await().atMost(Duration.ofSeconds(10)).until(() -> r.requests().size() == 1);

        // another session holds the subscription's row: the bookkeeping writer's next write to it has to wait
        try (Connection holder = context.getComponent("inbox", InboxComponent.class).getDataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.executeUpdate("UPDATE hb_subscription SET paused_reason = 'held by the test' WHERE id = 'a'");
            }
            CompletableFuture<Void> stuck = store().setPaused("a", System.currentTimeMillis(), "waits for the row");
            Thread.sleep(200);
            assertThat(stuck).as("the bookkeeping writer waits for the row").isNotDone();

            long started = System.nanoTime();
            List<String> ids = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                ids.add(send("{\"n\":" + i + "}")); // each returns once its event is committed
            }
            assertThat(ids).doesNotContainNull().doesNotHaveDuplicates();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThat(stuck).isNotDone();
            holder.rollback();
            stuck.get(10, TimeUnit.SECONDS);
        }
        assertThat(store().countEvents("orders")).isEqualTo(21);
    }

    @Test
    void aBurstBeyondTheBufferIsClaimedAsSoonAsThereIsRoomNotAtTheNextPoll() throws Exception {
        Receiver r = new Receiver().answerAfter(5);
        toClose.add(r);
        start(new RouteBuilder() {
            @Override
            public void configure() {
                // five in memory at most, and a poll a minute: all but the first few wait in the store
                from("inbox:orders?bufferSize=5&concurrency=1&pollInterval=60000").routeId("a")
                        .to("kamelet:webhook-sink?url=" + r.url("/a"));
            }
        });

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            ids.add(send("{\"n\":" + i + "}"));
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> r.requests().size() >= 60);
        assertThat(r.requests()).extracting(req -> req.header("webhook-id")).containsExactlyInAnyOrderElementsOf(ids);
        await().atMost(Duration.ofSeconds(10)).until(() -> store().countByStatus("a").get("delivered") == 60);
    }

    @Test
    void eachFailedAttemptIsOneLogLine() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String refused = "http://127.0.0.1:" + closedPort + "/hooks";
        String routes = RouteFiles.write(dir.resolve("routes.yaml"), RouteFiles.githubIn("/webhooks/github", "s3cret",
                "github"), RouteFiles.webhookOut("to-refused", "github", refused), """
                - route:
                    id: to-verbose
                    errorHandler:
                      defaultErrorHandler:
                        redeliveryPolicy:
                          logExhausted: true
                          retriesExhaustedLogLevel: WARN
                    from:
                      uri: inbox:github?pollInterval=50
                      steps:
                        - to:
                            uri: kamelet:webhook-sink
                            parameters:
                              url: "%s"
                """.formatted(refused));
        try (LogLines log = LogLines.capture();
             Gateway gateway = Gateway.start(dir, routes, Map.of("hookbridge.egress.allow", "127.0.0.1/32"))) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                byte[] body = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                var answer = gateway.post("/webhooks/github", body, Signatures.githubHeaders("s3cret", "push", "d" + i,
                        body));
                assertThat(answer.statusCode()).isEqualTo(202);
                ids.add(answer.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"));
            }
            InboxStore store = gateway.inbox().getStore();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                for (String id : ids) {
                    if (store.delivery(id, "to-refused").attempts() != 1
                            || store.delivery(id, "to-verbose").attempts() != 1) {
                        return false;
                    }
                }
                return true;
            });

            // the subscription's workers are the threads "Camel (...) thread #N - inbox-to-refused"
            List<String> fromRefused = log.events().stream().filter(e -> e.contains(" - inbox-to-refused] ")).toList();
            assertThat(fromRefused).as("what the failing subscription logged").hasSize(10).allSatisfy(event ->
                    assertThat(event).startsWith("WARN ").doesNotContain("\n")
                            .contains("InboxConsumer - Event evt_", "attempt 1 failed", "Connection refused"));
            // a route that asks for Camel's own log of exhausted failures keeps it (with the message history)
            assertThat(log.events()).anyMatch(e -> e.startsWith("WARN") && e.contains(" - inbox-to-verbose] ")
                    && e.contains("DefaultErrorHandler - Failed delivery") && e.contains("Message History"));
        }
    }
}
