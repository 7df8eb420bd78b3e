package io.hookbridge.sink;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spi.StreamCachingStrategy;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.client5.http.socket.ConnectionSocketFactory;
import org.apache.hc.core5.http.config.Registry;
import org.apache.hc.core5.http.io.EofSensorInputStream;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;

/**
 * Camel's HTTP component as the HTTP sinks need it: connections resolve destinations through the {@link EgressGuard}
 * ({@code hookbridge.egress.allow} lists the internal ranges they may reach), and an answer is left to
 * {@link DestinationResponse}, which reads a few hundred bytes of it and drops the connection - Camel's stream caching
 * would otherwise read it whole first, however large or endless.
 */
public class SinkHttpComponent extends HttpComponent {

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        StreamCachingStrategy caching = getCamelContext().getStreamCachingStrategy();
        List<Class<?>> deny = new ArrayList<>(caching.getDenyClasses() == null ? List.of() : caching.getDenyClasses());
        if (!deny.contains(EofSensorInputStream.class)) {
            deny.add(EofSensorInputStream.class);
            caching.setDenyClasses(deny.toArray(Class<?>[]::new));
        }
    }

    @Override
    protected HttpClientConnectionManager createConnectionManager(Registry<ConnectionSocketFactory> registry,
            int maxTotalConnections, int connectionsPerRoute, SocketConfig defaultSocketConfig) {
        EgressGuard guard = new EgressGuard(
                getCamelContext().getPropertiesComponent().resolveProperty("hookbridge.egress.allow").orElse(null));
        PoolingHttpClientConnectionManager manager = new PoolingHttpClientConnectionManager(registry,
                PoolConcurrencyPolicy.STRICT, PoolReusePolicy.LIFO, TimeValue.ofMilliseconds(getConnectionTimeToLive()),
                null, guard, null);
        manager.setMaxTotal(maxTotalConnections > 0 ? maxTotalConnections : getMaxTotalConnections());
        manager.setDefaultMaxPerRoute(connectionsPerRoute > 0 ? connectionsPerRoute : getConnectionsPerRoute());
        manager.setDefaultSocketConfig(defaultSocketConfig);
        return manager;
    }
}
