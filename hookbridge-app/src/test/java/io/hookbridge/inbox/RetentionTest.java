package io.hookbridge.inbox;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.hookbridge.Hookbridge;
import io.hookbridge.testing.Postgres;
import io.hookbridge.testing.Receiver;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The retention purge against the real store: finished events go after their retention (per source where set), dead
 * ones after the longer dead retention, events with a pending delivery never.
 */
class RetentionTest {

    static final long DAY = Duration.ofDays(1).toMillis();

    @TempDir
    Path dir;
    CamelContext context;
    final Receiver partner = newReceiver();
    final Receiver flaky = newReceiver().always(503);

    @AfterEach
    void close() throws Exception {
        if (context != null) {
            context.close();
        }
        partner.close();
        flaky.close();
    }

    static Receiver newReceiver() {
        try {
            return new Receiver();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code direct:in -> inbox:events}; subscription "partner" takes every event, "flaky" only those of type "hold"
     * (the others are filtered, hence finished for it) and fails them, keeping them pending for an hour.
     */
    void start(Map<String, String> properties) throws Exception {
        context = new DefaultCamelContext();
        Hookbridge.install(context); // as camel-main and the README's embedding do
        context.getComponent("inbox", InboxComponent.class).setDatabaseUrl(Postgres.storeUrl(dir.resolve("db")));
        properties.forEach(context.getPropertiesComponent()::addInitialProperty);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").to("inbox:events");
                from("inbox:events?pollInterval=20").routeId("partner")
                        .to("kamelet:webhook-sink?url=" + partner.url("/p"));
                from("inbox:events?pollInterval=20&retrySchedule=1h").routeId("flaky")
                        .filter(header(InboxHeaders.EVENT_TYPE).isEqualTo("hold"))
                        .to("kamelet:webhook-sink?url=" + flaky.url("/f"));
            }
        });
        context.start();
    }

    InboxStore store() {
        return context.getComponent("inbox", InboxComponent.class).getStore();
    }

    /** Sends an event and waits until neither subscription is still at its first attempt. */
    String send(String source, String type) throws Exception {
        String id = store(source, type, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> store().delivery(id, "partner").attempts() > 0
                && store().delivery(id, "flaky").attempts() > 0);
        return id;
    }

    /** Sends an event, with the provider's delivery id {@code key} (may be null); answers the stored event's id. */
    String store(String source, String type, String key) {
        Exchange reply = context.createProducerTemplate().request("direct:in", e -> {
            e.getMessage().setBody("{}".getBytes(StandardCharsets.UTF_8));
            e.getMessage().setHeader(InboxHeaders.SOURCE, source);
            e.getMessage().setHeader(InboxHeaders.EVENT_TYPE, type);
            e.getMessage().setHeader(InboxHeaders.IDEMPOTENCY_KEY, key);
        });
        return reply.getMessage().getHeader(InboxHeaders.EVENT_ID, String.class);
    }

    boolean kept(String id) throws Exception {
        return store().event(id) != null;
    }

    @Test
    void eachEventIsKeptForItsRetentionAndPendingOnesForever() throws Exception {
        start(Map.of("hookbridge.retention.source.stripe.delivered", "1d", "hookbridge.retention.interval", "1h"));
        partner.answer(400);
        String dead = send("github", "push");
        String delivered = send("github", "push");
        String pending = send("github", "hold");
        String stripe = store("stripe", "charge.succeeded", "evt_stripe_1");
        await().atMost(Duration.ofSeconds(10)).until(() -> store().delivery(stripe, "partner").attempts() > 0);
        assertThat(store("stripe", "charge.succeeded", "evt_stripe_1")).as("a redelivery").isEqualTo(stripe);
        assertThat(store().delivery(dead, "partner").status()).isEqualTo("dead");
        assertThat(store().delivery(delivered, "partner").status()).isEqualTo("delivered");
        assertThat(store().delivery(delivered, "flaky").status()).isEqualTo("filtered");
        assertThat(store().delivery(pending, "flaky").status()).isEqualTo("pending");
        Retention retention = Retention.from(context.getPropertiesComponent());
        long now = System.currentTimeMillis();

        retention.run(store(), now + DAY / 2);
        assertThat(kept(stripe)).isTrue();

        retention.run(store(), now + 2 * DAY);
        assertThat(kept(stripe)).as("stripe keeps delivered events 1 day").isFalse();
        assertThat(store().attempts(stripe, "partner")).isEmpty();
        String late = store("stripe", "charge.succeeded", "evt_stripe_1");
        assertThat(late).as("the provider's delivery id goes with the event: a redelivery after that is a new event")
                .isNotEqualTo(stripe);
        await().atMost(Duration.ofSeconds(10)).until(() -> store().delivery(late, "partner").attempts() > 0
                && store().delivery(late, "flaky").attempts() > 0);
        assertThat(kept(delivered)).as("the default is 7 days").isTrue();

        retention.run(store(), now + 8 * DAY);
        assertThat(kept(delivered)).isFalse();
        assertThat(store().delivery(delivered, "partner")).isNull();
        assertThat(kept(dead)).as("dead ones are kept 30 days").isTrue();

        retention.run(store(), now + 31 * DAY);
        assertThat(kept(dead)).isFalse();
        assertThat(kept(pending)).as("a pending delivery is never purged").isTrue();
        assertThat(store().delivery(pending, "flaky").status()).isEqualTo("pending");
        assertThat(retention.purged()).as("stripe, its late redelivery, delivered, dead").isEqualTo(4);
    }

    @Test
    void oneRunPurgesEverythingDueHoweverManyBatchesThatTakes() throws Exception {
        // a cap on batches per run capped how fast a busy gateway could shed old events: its store grew without end
        start(Map.of("hookbridge.retention.interval", "1h", "hookbridge.retention.batch", "1"));
        for (int i = 0; i < 60; i++) {
            send("github", "push");
        }
        Retention retention = Retention.from(context.getPropertiesComponent());
        retention.run(store(), System.currentTimeMillis() + 8 * DAY);
        assertThat(retention.purged()).isEqualTo(60);
        assertThat(store().countEvents("events")).isZero();
    }

    @Test
    void thePurgeRunsOnItsOwnInBatches() throws Exception {
        start(Map.of("hookbridge.retention.delivered", "2s", "hookbridge.retention.interval", "200ms",
                "hookbridge.retention.batch", "2"));
        String[] old = new String[5];
        for (int i = 0; i < old.length; i++) {
            old[i] = send("github", "push");
        }
        String pending = send("github", "hold");

        await().atMost(Duration.ofSeconds(10)).until(() -> store().countEvents("events") == 1);
        for (String id : old) {
            assertThat(kept(id)).isFalse();
        }
        assertThat(kept(pending)).isTrue();
        String fresh = send("github", "push");
        assertThat(kept(fresh)).as("not two seconds old yet").isTrue();
    }
}
