package io.hookbridge.source;

import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Route;
import org.apache.camel.component.kamelet.KameletEndpoint;
import org.apache.camel.spi.RouteIdAware;

/**
 * Names the route a user wrote for a consumer, with the file and line it came from: a source's consumer runs in the
 * route Camel creates from a Kamelet, which the user's route consumes from ({@code from: kamelet:github-webhook-source}).
 */
final class RouteOrigin {

    private RouteOrigin() {
    }

    /** The route consuming from the Kamelet whose route is {@code kameletRouteId}, if that is a Kamelet's route. */
    private static Route user(CamelContext context, String kameletRouteId) {
        for (Route candidate : context.getRoutes()) {
            if (candidate.getEndpoint() instanceof KameletEndpoint kamelet
                    && kameletRouteId.equals(kamelet.getRouteId())) {
                return candidate;
            }
        }
        return null;
    }

    /** As in {@code route 'github-in' (routes/github.yaml:3)}. */
    static String describe(CamelContext context, Consumer consumer) {
        String id = consumer instanceof RouteIdAware aware ? aware.getRouteId() : null;
        Route route = id == null ? null : context.getRoute(id);
        for (int depth = 0; route != null && depth < 8; depth++) {
            Route up = user(context, route.getRouteId());
            if (up == null) {
                break;
            }
            route = up;
        }
        if (route == null) {
            return id == null ? "a route" : "route '" + id + "'";
        }
        String location = route.getSourceLocation() != null ? route.getSourceLocation()
                : route.getSourceResource() != null ? route.getSourceResource().getLocation() : null;
        return "route '" + route.getRouteId() + "'"
                + (location == null ? "" : " (" + location.replaceFirst("^(file|classpath):", "") + ")");
    }
}
