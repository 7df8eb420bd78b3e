package io.hookbridge.inbox;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import io.hookbridge.Hookbridge;
import io.hookbridge.testing.Postgres;
import io.hookbridge.testing.Receiver;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inbox tests' fixture: a CamelContext set up as camel-main does, on the real store (HSQLDB in a directory of the
 * test's, or PostgreSQL in the PostgreSQL pass), with {@code direct:in -> inbox:orders} and the test's subscriptions,
 * and receivers on 127.0.0.1 closed after the test.
 */
abstract class InboxTestSupport {

    @TempDir
    Path dir;
    final List<AutoCloseable> toClose = new ArrayList<>();
    CamelContext context;

    @AfterEach
    void close() throws Exception {
        if (context != null) {
            context.close();
        }
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    Receiver receiver() throws Exception {
        Receiver r = new Receiver();
        toClose.add(r);
        return r;
    }

    /** A context with {@code direct:in -> inbox:orders} plus the given subscriptions. */
    CamelContext start(RouteBuilder subscriptions) throws Exception {
        return start(subscriptions, Clock.systemUTC());
    }

    CamelContext start(RouteBuilder subscriptions, Clock clock) throws Exception {
        CamelContext c = new DefaultCamelContext();
        Hookbridge.install(c); // as camel-main does: a route's redelivery policy re-runs a Kamelet sink as a whole
        c.getComponent("inbox", InboxComponent.class).setClock(clock);
        c.getComponent("inbox", InboxComponent.class).setDatabaseUrl(Postgres.storeUrl(dir.resolve("db")));
        c.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").routeId("in").to("inbox:orders");
            }
        });
        c.addRoutes(subscriptions);
        c.start();
        context = c;
        return c;
    }

    static RouteBuilder subscription(String id, String options, String url) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("inbox:orders?pollInterval=20" + (options.isEmpty() ? "" : "&" + options)).routeId(id)
                        .to("kamelet:webhook-sink?url=" + url + "&responseTimeout=2000");
            }
        };
    }

    static RouteBuilder subscriptions(RouteBuilder... builders) {
        return new RouteBuilder() {
            @Override
            public void configure() throws Exception {
                for (RouteBuilder b : builders) {
                    getContext().addRoutes(b);
                }
            }
        };
    }

    String send(String body) {
        return send(body, null);
    }

    String send(String body, String idempotencyKey) {
        return request(body, idempotencyKey).getHeader(InboxHeaders.EVENT_ID, String.class);
    }

    /** The inbox producer's reply to {@code body}, sent with {@code idempotencyKey} (may be null). */
    Message request(String body, String idempotencyKey) {
        ProducerTemplate t = context.createProducerTemplate();
        Exchange reply = t.request("direct:in", e -> {
            e.getMessage().setBody(body.getBytes(StandardCharsets.UTF_8));
            e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            e.getMessage().setHeader(InboxHeaders.IDEMPOTENCY_KEY, idempotencyKey);
        });
        assertThat(reply.getException()).isNull();
        return reply.getMessage();
    }

    InboxStore store() {
        return context.getComponent("inbox", InboxComponent.class).getStore();
    }

    InboxStore.DeliveryState state(String eventId, String subscription) throws Exception {
        return store().delivery(eventId, subscription);
    }
}
