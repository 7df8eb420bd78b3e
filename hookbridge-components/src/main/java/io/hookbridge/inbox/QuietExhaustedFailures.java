package io.hookbridge.inbox;

import org.apache.camel.CamelContext;
import org.apache.camel.ErrorHandlerFactory;
import org.apache.camel.builder.DefaultErrorHandlerBuilder;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ModelLifecycleStrategySupport;
import org.apache.camel.model.RedeliveryPolicyDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.errorhandler.DefaultErrorHandlerDefinition;

/**
 * Routes consuming an inbox do not have Camel's error handler log the failures it gives up on. The inbox records every
 * failed attempt and logs it in one line; Camel's default error handler would add an ERROR with the message history
 * and a stack trace (about 5.7 KB) for each, which at hundreds of failures a second costs more CPU than delivering.
 * <p>
 * {@code logExhausted: false} alone is not enough: without redeliveries Camel 4.14 takes a shortcut
 * ({@code RedeliveryErrorHandler.SimpleTask}) that ignores it and logs at the error handler's own level, so that level
 * is set to OFF too, and the message history and stack trace are not even built. Retries that a route asks to log
 * ({@code logRetryAttempted}) still are, at their own level.
 * <p>
 * Only the default error handler is changed, and only where the route does not say otherwise: a route's own
 * {@code logExhausted: true} stands, a dead letter channel is left alone, and a route without an error handler keeps
 * the one a {@code routeConfiguration} gives it.
 */
public final class QuietExhaustedFailures extends ModelLifecycleStrategySupport {

    private final ModelCamelContext context;

    private QuietExhaustedFailures(ModelCamelContext context) {
        this.context = context;
    }

    /** Applies to the routes added from now on. */
    public static void install(CamelContext context) {
        ModelCamelContext model = (ModelCamelContext) context;
        if (model.getModelLifecycleStrategies().stream().noneMatch(QuietExhaustedFailures.class::isInstance)) {
            model.addModelLifecycleStrategy(new QuietExhaustedFailures(model));
        }
    }

    @Override
    public void onAddRouteDefinition(RouteDefinition route) {
        if (route.getInput() == null || route.getInput().getEndpointUri() == null
                || !route.getInput().getEndpointUri().startsWith("inbox:")) {
            return;
        }
        ErrorHandlerFactory handler = route.isErrorHandlerFactorySet() ? route.getErrorHandlerFactory() : null;
        if (handler == null) {
            if (route.getErrorHandlerRef() != null || !context.getRouteConfigurationDefinitions().isEmpty()) {
                return; // an error handler comes from elsewhere: the user's choice
            }
            route.setErrorHandlerFactory(quiet(new DefaultErrorHandlerDefinition()));
        } else if (handler.getClass() == DefaultErrorHandlerDefinition.class
                || handler.getClass() == DefaultErrorHandlerBuilder.class) { // YAML's, and the Java DSL's
            // a copy: the definition may be shared with routes that are no subscriptions
            route.setErrorHandlerFactory(quiet((DefaultErrorHandlerDefinition) handler.cloneBuilder()));
        }
    }

    private static DefaultErrorHandlerDefinition quiet(DefaultErrorHandlerDefinition handler) {
        if (handler.getRedeliveryPolicy() == null) {
            handler.setRedeliveryPolicy(new RedeliveryPolicyDefinition());
        }
        RedeliveryPolicyDefinition policy = handler.getRedeliveryPolicy();
        if (policy.getLogExhausted() != null && !"false".equals(policy.getLogExhausted())) {
            return handler; // the route wants them logged
        }
        policy.setLogExhausted("false");
        if (policy.getLogExhaustedMessageHistory() == null) {
            policy.setLogExhaustedMessageHistory("false");
        }
        if (policy.getLogStackTrace() == null) {
            policy.setLogStackTrace("false");
        }
        if (handler.getLevel() == null) {
            handler.setLevel("OFF");
        }
        return handler;
    }
}
