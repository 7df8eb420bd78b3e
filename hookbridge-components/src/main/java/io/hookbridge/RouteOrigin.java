package io.hookbridge;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.LineNumberAware;
import org.apache.camel.Route;
import org.apache.camel.component.kamelet.KameletEndpoint;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RouteIdAware;
import org.apache.camel.util.ObjectHelper;

/**
 * Names the route a user wrote, with the file and line it came from, for what happens in a route Camel created from a
 * Kamelet: a source's consumer runs in the Kamelet's route, which the user's route consumes from
 * ({@code from: kamelet:github-webhook-source}); a sink's processors run in the Kamelet's route the user's route sends
 * to ({@code to: kamelet:webhook-sink}), whose template parameters name that route and step.
 */
public final class RouteOrigin {

    private RouteOrigin() {
    }

    /** As in {@code route 'github-in' (routes/github.yaml:3)}. */
    public static String describe(CamelContext context, Consumer consumer) {
        return describe(context, consumer instanceof RouteIdAware aware ? aware.getRouteId() : null);
    }

    /** The user's route behind {@code routeId}, as in {@code route 'to-partner' (routes/partner.yaml:9)}. */
    public static String describe(CamelContext context, String routeId) {
        if (routeId == null) {
            return "a route";
        }
        ModelCamelContext model = (ModelCamelContext) context;
        String id = routeId;
        LineNumberAware at = null;
        for (int depth = 0; depth < 8; depth++) {
            RouteDefinition definition = model.getRouteDefinition(id);
            Map<String, Object> template = definition == null ? null : definition.getTemplateParameters();
            Object parent = template == null ? null : template.get("parentRouteId");
            if (parent != null) { // a Kamelet a route sends to: that route, at that step
                id = parent.toString();
                at = step(model.getRouteDefinition(id), template.get("parentProcessorId"));
                continue;
            }
            String consumer = consumerOf(context, id); // a Kamelet a route consumes from: that route
            if (consumer == null) {
                break;
            }
            id = consumer;
            at = null;
        }
        return describe(id, at != null ? at : model.getRouteDefinition(id));
    }

    /** As in {@code route 'mail-out' (routes/mail.yaml:14)}: a route and where in its file. */
    static String describe(String routeId, LineNumberAware where) {
        String location = where == null || where.getLocation() == null ? null
                : where.getLocation().replaceFirst("^(file|classpath):", "")
                        + (where.getLineNumber() > 0 ? ":" + where.getLineNumber() : "");
        return (routeId == null ? "a route" : "route '" + routeId + "'")
                + (location == null ? "" : " (" + location + ")");
    }

    /**
     * A failed start told from the user's side: when a route failed to be created or started (one made from a Kamelet
     * included), which route of the user's, where, and the reason at the bottom of the failure; otherwise the
     * failure's messages.
     */
    public static String explain(CamelContext context, Throwable failure) {
        String routeId = null;
        FailedToStartRouteException start = ObjectHelper.getException(FailedToStartRouteException.class, failure);
        FailedToCreateRouteException create = ObjectHelper.getException(FailedToCreateRouteException.class, failure);
        if (start != null) {
            routeId = start.getRouteId();
        } else if (create != null) {
            routeId = create.getRouteId();
        }
        if (context == null || routeId == null || routeId.isEmpty()) {
            return reason(failure);
        }
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return describe(context, routeId) + ": " + cause.getMessage();
    }

    private static String consumerOf(CamelContext context, String kameletRouteId) {
        for (Route candidate : context.getRoutes()) {
            if (candidate.getEndpoint() instanceof KameletEndpoint kamelet
                    && kameletRouteId.equals(kamelet.getRouteId())) {
                return candidate.getRouteId();
            }
        }
        return null;
    }

    private static LineNumberAware step(RouteDefinition route, Object processorId) {
        if (route == null || processorId == null) {
            return null;
        }
        for (ProcessorDefinition<?> step : ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(),
                ProcessorDefinition.class)) {
            if (processorId.toString().equals(step.getId())) {
                return step;
            }
        }
        return null;
    }

    /** The messages of a failure's chain that say something new, outermost first. */
    private static String reason(Throwable failure) {
        StringBuilder reason = new StringBuilder();
        for (Throwable t = failure; t != null && t != t.getCause(); t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && !reason.toString().contains(message)) {
                reason.append(reason.length() == 0 ? "" : ": ").append(message);
            }
        }
        return reason.length() == 0 ? failure.toString() : reason.toString();
    }
}
