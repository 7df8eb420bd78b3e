package io.hookbridge;

import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Camel's Vert.x HTTP engine serving each HTTP route on the right one of camel-main's servers: the admin API and
 * console ({@code /admin}, {@code /console}) on the management server ({@code camel.management.port}, with health and
 * metrics) when it runs, everything else on {@code camel.server.port}, so that the public port serves webhooks only.
 * Also, Camel 4.14's engine finds the port by looking up <em>the</em> HTTP server in the registry; with the management
 * server on its own port there are two, it finds none and falls back to 8080.
 */
public final class MainServerHttpEngine extends VertxPlatformHttpEngine {

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        int port = isAdminPath(endpoint.getPath()) ? adminPort() : getServerPort();
        return new VertxPlatformHttpConsumer(endpoint, processor, getHandlers(),
                VertxPlatformHttpRouter.getRouterNameFromPort(port));
    }

    @Override
    public int getServerPort() {
        return getCamelContext().getPropertiesComponent().resolveProperty("camel.server.port")
                .map(Integer::parseInt).orElseGet(super::getServerPort);
    }

    /** The admin listener's port: the management server's, or the webhooks' when there is none. */
    public int adminPort() {
        PropertiesComponent properties = getCamelContext().getPropertiesComponent();
        boolean management = properties.resolveProperty("camel.management.enabled").map(Boolean::parseBoolean)
                .orElse(false);
        return management ? properties.resolveProperty("camel.management.port").map(Integer::parseInt).orElse(9876)
                : getServerPort();
    }

    public static boolean isAdminPath(String path) {
        String p = path.startsWith("/") ? path : "/" + path;
        return p.equals("/admin") || p.startsWith("/admin/") || p.equals("/console") || p.startsWith("/console/");
    }
}
