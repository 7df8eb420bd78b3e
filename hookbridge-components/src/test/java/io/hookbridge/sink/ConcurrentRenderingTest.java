package io.hookbridge.sink;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under a burst a sink's first event arrives on every delivery thread at once (issue #13: templates compiled then, into
 * a plain map, threw {@code ConcurrentModificationException} in {@code EmailMessage.render}). Each round gives a fresh
 * sink's first event to eight threads released together.
 */
class ConcurrentRenderingTest {

    static final int THREADS = 8;
    static final int ROUNDS = 40;
    static final byte[] EVENT = """
            {"data":{"object":{"customer_email":"ada@example.com","amount_due":4200,"customer_name":"Ada"}}}"""
            .getBytes(StandardCharsets.UTF_8);

    static CamelContext camel;
    static ExecutorService threads;

    @BeforeAll
    static void start() {
        camel = new DefaultCamelContext();
        camel.start();
        threads = Executors.newFixedThreadPool(THREADS);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
        camel.stop();
    }

    @Test
    void anEmailSinksFirstEventOnEveryThreadAtOnce() throws Exception {
        List<Exchange> rendered = firstEventsAtOnce(() -> {
            EmailMessage email = new EmailMessage();
            email.setCamelContext(camel);
            email.setFrom("billing@example.com");
            email.setTo("${data.object.customer_email}");
            email.setCc("${data.object.customer_name} <cc@example.com>");
            email.setSubject("Payment of ${data.object.amount_due} failed");
            email.setText("Hello ${data.object.customer_name}");
            email.setHtml("<p>Hello ${data.object.customer_name}</p>");
            return email;
        });
        assertThat(rendered).allSatisfy(e -> {
            assertThat(e.getMessage().getHeader("To")).isEqualTo("ada@example.com");
            assertThat(e.getMessage().getHeader("Subject")).isEqualTo("Payment of 4200 failed");
            assertThat(e.getMessage().getBody(String.class)).isEqualTo("<p>Hello Ada</p>");
        });
    }

    @Test
    void aChatSinksFirstEventOnEveryThreadAtOnce() throws Exception {
        List<Exchange> rendered = firstEventsAtOnce(() -> {
            ChatMessage chat = new ChatMessage();
            chat.setCamelContext(camel);
            chat.setText("Payment of ${data.object.amount_due} failed");
            chat.setPayload("{\"title\":\"${title}\",\"to\":\"${to}\",\"channel\":\"${channel}\",\"text\":\"${text}\"}");
            chat.setPayloadEscaping("json");
            chat.getValues().put("title", "Billing: ${data.object.customer_name}");
            chat.getValues().put("to", "${data.object.customer_email}");
            chat.getValues().put("channel", "#billing-${data.object.amount_due}");
            return chat;
        });
        assertThat(rendered).allSatisfy(e -> assertThat(e.getMessage().getBody(String.class)).isEqualTo(
                "{\"title\":\"Billing: Ada\",\"to\":\"ada@example.com\",\"channel\":\"#billing-4200\","
                        + "\"text\":\"Payment of 4200 failed\"}"));
    }

    /** Every round: a new sink from {@code sinks}, its first event processed by all threads released together. */
    private static List<Exchange> firstEventsAtOnce(Supplier<Processor> sinks) throws Exception {
        List<Exchange> rendered = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            Processor sink = sinks.get();
            ServiceHelper.startService(sink); // as its route does
            CyclicBarrier together = new CyclicBarrier(THREADS);
            List<Future<Exchange>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                results.add(threads.submit(() -> {
                    Exchange exchange = new DefaultExchange(camel);
                    exchange.getMessage().setBody(EVENT);
                    together.await(10, TimeUnit.SECONDS);
                    sink.process(exchange);
                    return exchange;
                }));
            }
            for (Future<Exchange> result : results) {
                rendered.add(result.get(30, TimeUnit.SECONDS)); // a sink's exception fails the test here
            }
        }
        return rendered;
    }
}
