package io.hookbridge;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.Http;
import io.hookbridge.testing.MemorySpanExporterProvider;
import io.hookbridge.testing.Receiver;
import io.hookbridge.testing.RouteFiles;
import io.hookbridge.testing.Signatures;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * OpenTelemetry with one property: a provider's traceparent is continued through ingest, storage and every delivery
 * attempt, each outbound request carries its attempt's traceparent, spans are exported by the SDK configured from
 * {@code otel.*} settings, and the attempt's log lines carry the trace id.
 */
class TracingTest {

    static final String SECRET = "trace-secret";
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @TempDir
    Path dir;
    Receiver receiver;
    Gateway gateway;
    final List<LogEvent> logged = new CopyOnWriteArrayList<>();
    AbstractAppender appender;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        if (appender != null) {
            LoggerContext logs = (LoggerContext) LogManager.getContext(false);
            logs.getConfiguration().getRootLogger().removeAppender(appender.getName());
            logs.updateLoggers();
        }
    }

    Gateway start(Map<String, String> properties) throws Exception {
        receiver = new Receiver().answer(500);
        Map<String, String> all = new HashMap<>(properties);
        all.put("hookbridge.egress.allow", "127.0.0.1/32");
        return Gateway.start(dir.resolve("data"), RouteFiles.write(dir.resolve("routes.yaml"),
                RouteFiles.githubIn("/webhooks/github", SECRET, "github"),
                RouteFiles.withInboxOptions(RouteFiles.webhookOut("to-receiver", "github", receiver.url("/hook")),
                        "retrySchedule=100ms")), all);
    }

    String push(Map<String, String> extra) throws Exception {
        byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new HashMap<>(Signatures.githubHeaders(SECRET, "push",
                UUID.randomUUID().toString(), body));
        headers.putAll(extra);
        var response = gateway.post("/webhooks/github", body, headers);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return Http.eventId(response);
    }

    void captureLogs() {
        appender = new AbstractAppender("tracing-test", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                logged.add(event.toImmutable());
            }
        };
        appender.start();
        LoggerContext logs = (LoggerContext) LogManager.getContext(false);
        logs.getConfiguration().getRootLogger().addAppender(appender, null, null);
        logs.updateLoggers();
    }

    @Test
    void aProvidersTraceGoesOnThroughStorageAndEveryAttempt() throws Exception {
        MemorySpanExporterProvider.SPANS.reset();
        captureLogs();
        gateway = start(Map.of("camel.opentelemetry2.enabled", "true", "otel.traces.exporter", "memory",
                "otel.bsp.schedule.delay", "50"));

        String id = push(Map.of("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01"));
        await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests().size() == 2);

        // each attempt's request carries the trace, with a span of its own
        List<String> sent = receiver.requests().stream().map(r -> r.header("traceparent")).toList();
        assertThat(sent).allSatisfy(t -> assertThat(t).matches("00-" + TRACE + "-[0-9a-f]{16}-01"));
        assertThat(sent.get(0)).isNotEqualTo(sent.get(1));
        // the event keeps the ingest's place in the trace, so attempts after a restart join it too
        assertThat(gateway.inbox().getStore().event(id).headers().get("traceparent")).startsWith("00-" + TRACE + "-")
                .isNotEqualTo("00-" + TRACE + "-00f067aa0ba902b7-01");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(spans(TRACE))
                .extracting(SpanData::getName).anyMatch(n -> n.contains("webhook-receiver"))
                .anyMatch(n -> n.startsWith("inbox")).filteredOn(n -> n.startsWith("http")).hasSize(2));
        assertThat(MemorySpanExporterProvider.SPANS.getFinishedSpanItems()).extracting(s -> s.getTraceId())
                .as("nothing of this event outside its trace").containsOnly(TRACE);
        assertThat(spans(TRACE)).extracting(s -> s.getResource().getAttributes().asMap().toString())
                .allMatch(r -> r.contains("service.name=hookbridge"));

        // the failed attempt's WARN, logged outside the route's spans, names the trace
        LogEvent warn = logged.stream().filter(e -> e.getMessage().getFormattedMessage().contains("attempt 1 failed"))
                .findFirst().orElseThrow();
        assertThat(warn.getContextData().<String>getValue("trace_id")).isEqualTo(TRACE);
    }

    @Test
    void withoutThePropertyNothingIsTracedAndNoTraceparentIsInvented() throws Exception {
        MemorySpanExporterProvider.SPANS.reset();
        gateway = start(Map.of("otel.traces.exporter", "memory"));

        push(Map.of());
        await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests().size() == 2);

        assertThat(receiver.requests()).allSatisfy(r -> assertThat(r.header("traceparent")).isNull());
        Thread.sleep(200);
        assertThat(MemorySpanExporterProvider.SPANS.getFinishedSpanItems()).isEmpty();
    }

    static List<SpanData> spans(String traceId) {
        return MemorySpanExporterProvider.SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId)).toList();
    }
}
