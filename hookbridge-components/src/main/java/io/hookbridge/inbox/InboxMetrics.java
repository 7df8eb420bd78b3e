package io.hookbridge.inbox;

import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.hookbridge.inbox.InboxHistory.Figures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.support.CamelContextHelper;

/**
 * Hookbridge's meters, in the Micrometer registry Camel exposes ({@code camel.metrics.enabled=true}: Prometheus at
 * {@code /observe/metrics} on the management port); without one they are counted nowhere, at no cost.
 * Per-subscription figures that need the database (backlog, oldest pending, dead) are refreshed by the component in
 * the background, so a scrape never queries the store.
 */
public final class InboxMetrics {

    private static final String BEAN = "hookbridgeMetrics";

    private final MeterRegistry registry;
    private final Map<String, Figures> figures = new ConcurrentHashMap<>();
    private volatile Clock clock = Clock.systemUTC();
    /** Each subscription's meters, looked up once: a registry lookup per attempt costs more than the recording. */
    private final Map<String, SubscriptionMeters> subscriptions = new ConcurrentHashMap<>();
    private final Map<List<String>, Counter> received = new ConcurrentHashMap<>();
    private final RecentActivity recent = new RecentActivity(() -> clock.millis());

    private InboxMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The meters of one subscription. */
    private final class SubscriptionMeters {
        final Map<Verdict, Counter> attempts = new EnumMap<>(Verdict.class);
        final Timer duration;
        final Timer latency;

        SubscriptionMeters(String subscription) {
            for (Verdict v : Verdict.values()) {
                attempts.put(v, Counter.builder("hookbridge.deliveries").description("Delivery attempts by outcome")
                        .tag("subscription", subscription).tag("outcome", v.name().toLowerCase()).register(registry));
            }
            duration = Timer.builder("hookbridge.attempt.duration").description("How long one attempt took")
                    .tag("subscription", subscription).publishPercentileHistogram().register(registry);
            latency = Timer.builder("hookbridge.delivery.latency").description("From receipt to delivery")
                    .tag("subscription", subscription).publishPercentileHistogram().register(registry);
        }
    }

    /** The metrics of a CamelContext, created on first use. */
    public static synchronized InboxMetrics of(CamelContext context) {
        InboxMetrics metrics = context.getRegistry().lookupByNameAndType(BEAN, InboxMetrics.class);
        if (metrics == null) {
            MeterRegistry registry = CamelContextHelper.findSingleByType(context, MeterRegistry.class);
            metrics = new InboxMetrics(registry != null ? registry : new CompositeMeterRegistry());
            context.getRegistry().bind(BEAN, InboxMetrics.class, metrics);
        }
        return metrics;
    }

    /** An event a source received: accepted, duplicate, or rejected (with the reason: the HTTP status). */
    public void received(String source, String outcome, String reason) {
        String s = source == null ? "" : source;
        String r = reason == null ? "" : reason;
        received.computeIfAbsent(List.of(s, outcome, r), k -> Counter.builder("hookbridge.events.received")
                .description("Events received by the sources").tag("source", s).tag("outcome", outcome).tag("reason", r)
                .register(registry)).increment();
        if ("accepted".equals(outcome)) {
            recent.received();
        }
    }

    /** One delivery attempt and its outcome; for a delivery, also how long after its receipt it arrived. */
    void attempt(String subscription, Verdict verdict, long durationMs, long sinceReceiptMs) {
        SubscriptionMeters meters = subscriptions.computeIfAbsent(subscription, SubscriptionMeters::new);
        meters.attempts.get(verdict).increment();
        recent.attempt(subscription, verdict, durationMs);
        meters.duration.record(durationMs, TimeUnit.MILLISECONDS);
        if (verdict == Verdict.DELIVERED) {
            meters.latency.record(Math.max(0, sinceReceiptMs), TimeUnit.MILLISECONDS);
        }
    }

    /** Records the commits of one of the store's writers ({@code ingest} or {@code bookkeeping}). */
    GroupCommit.Observer commitObserver(String writer) {
        Timer commits = Timer.builder("hookbridge.store.commit").description("Group commits: one transaction, one sync")
                .tag("writer", writer).publishPercentileHistogram().register(registry);
        DistributionSummary batches = DistributionSummary.builder("hookbridge.store.commit.batch")
                .description("Writes shared by one commit").tag("writer", writer).register(registry);
        return (nanos, jobs) -> {
            commits.record(nanos, TimeUnit.NANOSECONDS);
            batches.record(jobs);
        };
    }

    /** Replaces the per-subscription figures the gauges report; ages are measured on {@code clock}. */
    void figures(Map<String, Figures> latest, Clock clock) {
        this.clock = clock;
        recent.backlog(latest.values().stream().mapToLong(Figures::pending).sum());
        latest.forEach((sub, latestFigures) -> {
            if (figures.put(sub, latestFigures) == null) {
                Gauge.builder("hookbridge.backlog", figures, f -> f.getOrDefault(sub, Figures.NONE).pending())
                        .description("Pending deliveries").tag("subscription", sub).register(registry);
                Gauge.builder("hookbridge.dead", figures, f -> f.getOrDefault(sub, Figures.NONE).dead())
                        .description("Dead deliveries kept for replay").tag("subscription", sub).register(registry);
                Gauge.builder("hookbridge.oldest.pending.age", figures, f -> age(f.getOrDefault(sub, Figures.NONE)))
                        .description("Seconds since the oldest pending delivery's event arrived").baseUnit("seconds")
                        .tag("subscription", sub).register(registry);
            }
        });
    }

    /** This instance's last hour, for the console's overview. */
    public RecentActivity recent() {
        return recent;
    }

    Map<String, Figures> figures() {
        return figures;
    }

    private double age(Figures f) {
        return f.oldestPendingReceivedAt() == null ? 0 : (clock.millis() - f.oldestPendingReceivedAt()) / 1000.0;
    }
}
