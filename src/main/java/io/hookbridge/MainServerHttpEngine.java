package io.hookbridge;

import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;

/**
 * Camel's Vert.x HTTP engine with the port of camel-main's HTTP server, {@code camel.server.port}. Camel 4.14's engine
 * finds the port by looking up <em>the</em> HTTP server in the registry; with the management server on its own port
 * there are two, it finds none and falls back to 8080, so every HTTP route fails to start on any other port.
 */
final class MainServerHttpEngine extends VertxPlatformHttpEngine {

    @Override
    public int getServerPort() {
        return getCamelContext().getPropertiesComponent().resolveProperty("camel.server.port")
                .map(Integer::parseInt).orElseGet(super::getServerPort);
    }
}
