package io.hookbridge.testing;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * {@code otel.traces.exporter=memory}: the SDK the gateway configures from its settings exports into {@link #SPANS},
 * as it would export to a collector.
 */
public final class MemorySpanExporterProvider implements ConfigurableSpanExporterProvider {

    public static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

    @Override
    public SpanExporter createExporter(ConfigProperties config) {
        return SPANS;
    }

    @Override
    public String getName() {
        return "memory";
    }
}
