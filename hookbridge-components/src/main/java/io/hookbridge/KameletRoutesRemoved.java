package io.hookbridge;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.kamelet.KameletEndpoint;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the routes Camel made from Kamelets for a route when that route is removed. camel-main's route reloading
 * removes the routes of an edited file but leaves those: a source's would keep its HTTP path, so the reloaded source
 * could not take it again, and a sink's would linger unused.
 */
final class KameletRoutesRemoved extends LifecycleStrategySupport {

    private static final Logger LOG = LoggerFactory.getLogger(KameletRoutesRemoved.class);

    private final CamelContext context;

    private KameletRoutesRemoved(CamelContext context) {
        this.context = context;
    }

    static void install(CamelContext context) {
        if (context.getLifecycleStrategies().stream().noneMatch(KameletRoutesRemoved.class::isInstance)) {
            context.addLifecycleStrategy(new KameletRoutesRemoved(context));
        }
    }

    @Override
    public void onRoutesRemove(Collection<Route> routes) {
        if (!context.getStatus().isStarted()) {
            return; // stopping: Camel removes every route anyway
        }
        for (Route removed : routes) {
            for (String kamelet : kameletRoutesOf(removed)) {
                try {
                    context.getRouteController().stopRoute(kamelet);
                    context.removeRoute(kamelet);
                } catch (Exception e) {
                    LOG.warn("Could not remove route {} made from a Kamelet for the removed route {}: {}", kamelet,
                            removed.getRouteId(), e.toString());
                }
            }
        }
    }

    /** The Kamelet routes a route consumes from ({@code from: kamelet:...}) or sends to ({@code to: kamelet:...}). */
    private Set<String> kameletRoutesOf(Route route) {
        Set<String> ids = new LinkedHashSet<>();
        if (route.getEndpoint() instanceof KameletEndpoint source && context.getRoute(source.getRouteId()) != null) {
            ids.add(source.getRouteId());
        }
        for (RouteDefinition definition : ((ModelCamelContext) context).getRouteDefinitions()) {
            Map<String, Object> template = definition.getTemplateParameters();
            if (template != null && route.getRouteId().equals(template.get("parentRouteId"))
                    && context.getRoute(definition.getRouteId()) != null) {
                ids.add(definition.getRouteId());
            }
        }
        return ids;
    }
}
