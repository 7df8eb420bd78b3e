package io.hookbridge.sink;

import org.apache.camel.component.http.HttpComponent;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.client5.http.socket.ConnectionSocketFactory;
import org.apache.hc.core5.http.config.Registry;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;

/**
 * Camel's HTTP component whose connections resolve destinations through the {@link EgressGuard} (the same pool as
 * Camel's own otherwise). The HTTP sinks use it; {@code hookbridge.egress.allow} lists the internal ranges they may
 * reach.
 */
public class GuardedHttpComponent extends HttpComponent {

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
