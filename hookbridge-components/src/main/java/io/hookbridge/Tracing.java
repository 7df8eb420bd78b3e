package io.hookbridge;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import org.apache.camel.CamelContext;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.support.service.ServiceSupport;

/**
 * OpenTelemetry tracing with Camel's own tracer (camel-opentelemetry2), off unless
 * {@code camel.opentelemetry2.enabled=true}. Then the OpenTelemetry SDK is configured the standard way, from
 * {@code OTEL_*} environment variables, {@code otel.*} system properties and {@code otel.*} keys of
 * {@code application.properties} (e.g. {@code otel.exporter.otlp.endpoint}), exporting spans over OTLP, named
 * {@code hookbridge}; an application that brings its own OpenTelemetry (a {@link OpenTelemetry} bean) keeps it.
 * <p>
 * A {@code traceparent} a provider sends is continued; the tracer writes the ingest's own into the event's stored
 * headers, so every later delivery attempt, even after a restart, joins the event's trace, and each outbound request
 * carries its attempt's {@code traceparent}.
 */
final class Tracing {

    static final String ENABLED = "camel.opentelemetry2.enabled";

    private Tracing() {
    }

    /** The {@code otel.*} keys; Camel's ordered properties keep their entries out of Hashtable's own forEach. */
    private static Map<String, String> otelKeys(Properties properties) {
        Map<String, String> keys = new HashMap<>();
        for (Map.Entry<Object, Object> e : properties.entrySet()) {
            if (e.getKey().toString().startsWith("otel.")) {
                keys.put(e.getKey().toString(), e.getValue().toString());
            }
        }
        return keys;
    }

    static void install(CamelContext context) {
        var p = context.getPropertiesComponent();
        if (!p.resolveProperty(ENABLED).map(Boolean::parseBoolean).orElse(false)
                || context.getRegistry().findSingleByType(Tracer.class) != null) {
            return;
        }
        OpenTelemetry otel = context.getRegistry().findSingleByType(OpenTelemetry.class);
        if (otel == null) {
            // OTLP over HTTP (the JDK's client; gRPC would need another sender), traces only
            Map<String, String> settings = new HashMap<>(Map.of("otel.service.name", "hookbridge",
                    "otel.exporter.otlp.protocol", "http/protobuf", "otel.metrics.exporter", "none",
                    "otel.logs.exporter", "none"));
            settings.putAll(otelKeys(p.loadProperties()));
            if (p instanceof PropertiesComponent main
                    && main.getOverrideProperties() != null) {
                // camel-main's overrides (-D style) are not among the loaded locations
                settings.putAll(otelKeys(main.getOverrideProperties()));
            }
            OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> settings).build().getOpenTelemetrySdk();
            otel = sdk;
            // spans still queued are exported when the context stops
            try {
                context.addService(new ServiceSupport() {
                    @Override
                    protected void doStop() {
                        sdk.close();
                    }
                });
            } catch (Exception e) {
                throw RuntimeCamelException.wrapRuntimeCamelException(e);
            }
        }
        context.getRegistry().bind("hookbridgeTracer", Tracer.class, otel.getTracer("camel"));
        context.getRegistry().bind("hookbridgePropagators", ContextPropagators.class, otel.getPropagators());
    }
}
