package io.hookbridge.inbox;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long events are kept, and the purge that enforces it: events whose deliveries are all finished are deleted
 * after {@code hookbridge.retention.delivered} (default 7d), those with a dead delivery after
 * {@code hookbridge.retention.dead} (30d); per source with {@code hookbridge.retention.source.<name>.delivered|dead}.
 * Events with a pending delivery are never purged. The purge runs every {@code hookbridge.retention.interval} (1m) in
 * small batches ({@code hookbridge.retention.batch}, 200), each its own transaction, so ingest never waits long.
 */
final class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private static final String PREFIX = "hookbridge.retention.";
    record Keep(Duration delivered, Duration dead) {
    }

    private final Keep defaults;
    private final Map<String, Keep> bySource;
    private final Duration interval;
    private final int batch;
    private final AtomicLong purged = new AtomicLong();

    Retention(Keep defaults, Map<String, Keep> bySource, Duration interval, int batch) {
        this.defaults = defaults;
        this.bySource = bySource;
        this.interval = interval;
        this.batch = batch;
    }

    static Retention from(PropertiesComponent properties) {
        Keep defaults = new Keep(duration(properties, PREFIX + "delivered", "7d"),
                duration(properties, PREFIX + "dead", "30d"));
        Map<String, Keep> bySource = new LinkedHashMap<>();
        // the per-source keys are found by listing: in the property files and among -D system properties
        Set<String> keys = new TreeSet<>();
        properties.loadPropertiesAsMap().keySet().forEach(k -> keys.add(k.toString()));
        keys.addAll(System.getProperties().stringPropertyNames());
        for (String key : keys) {
            if (key.startsWith(PREFIX + "source.")) {
                String source = key.substring((PREFIX + "source.").length()).replaceAll("\\.(delivered|dead)$", "");
                bySource.computeIfAbsent(source, s -> new Keep(
                        duration(properties, PREFIX + "source." + s + ".delivered", defaults.delivered().toMillis() + "ms"),
                        duration(properties, PREFIX + "source." + s + ".dead", defaults.dead().toMillis() + "ms")));
            }
        }
        return new Retention(defaults, bySource, duration(properties, PREFIX + "interval", "1m"),
                Integer.parseInt(properties.resolveProperty(PREFIX + "batch").orElse("200")));
    }

    private static Duration duration(PropertiesComponent properties, String key, String defaultValue) {
        return Durations.parse(properties.resolveProperty(key).orElse(defaultValue));
    }

    Duration interval() {
        return interval;
    }

    long purged() {
        return purged.get();
    }

    /** One purge run as of {@code now}: every source with its own retention, then all the others with the defaults. */
    void run(InboxStore store, long now) {
        try {
            int deleted = 0;
            for (Map.Entry<String, Keep> source : bySource.entrySet()) {
                deleted += purge(store, now, source.getValue(), source.getKey());
            }
            deleted += purge(store, now, defaults, null);
            if (deleted > 0) {
                purged.addAndGet(deleted);
                LOG.info("Retention: purged {} events", deleted);
            }
        } catch (Exception e) {
            LOG.warn("Retention purge failed: {}", e.toString());
        }
    }

    /**
     * Purges batch after batch until what is due is gone. No cap per run: a cap (it was 50 batches) also capped the
     * rate at which a busy gateway can shed old events (10,000 a minute), and its store grew without end above it.
     * Ingest is not held up: each batch is one short job among the writer's others.
     */
    private int purge(InboxStore store, long now, Keep keep, String source) throws Exception {
        int total = 0;
        int n;
        do {
            n = store.purge(now - keep.delivered().toMillis(), now - keep.dead().toMillis(), source, bySource.keySet(),
                    batch).get(60, TimeUnit.SECONDS);
            total += n;
        } while (n == batch);
        return total;
    }
}
