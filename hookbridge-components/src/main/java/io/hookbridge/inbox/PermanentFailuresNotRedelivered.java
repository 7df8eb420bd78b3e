package io.hookbridge.inbox;

import java.time.Instant;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ModelLifecycleStrategySupport;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.errorhandler.DefaultErrorHandlerDefinition;

/**
 * A subscription's in-memory redelivery policy (a route's {@code errorHandler} with {@code maximumRedeliveries}) does
 * not repeat a failure that retrying cannot mend: one the inbox would record as dead or pausing (a 4xx other than 408
 * and 429, a 410, an egress refusal, a template or recipient error - see {@link AttemptResult}). Each route consuming
 * an inbox gets a first {@code onException} for those, without redeliveries; the inbox then records the failure as
 * usual, at its first try. Installed after {@link QuietExhaustedFailures}, whose quiet logging it copies.
 */
public final class PermanentFailuresNotRedelivered extends ModelLifecycleStrategySupport {

    private PermanentFailuresNotRedelivered() {
    }

    /** Applies to the routes added from now on. */
    public static void install(CamelContext context) {
        ModelCamelContext model = (ModelCamelContext) context;
        if (model.getModelLifecycleStrategies().stream().noneMatch(PermanentFailuresNotRedelivered.class::isInstance)) {
            model.addModelLifecycleStrategy(new PermanentFailuresNotRedelivered());
        }
    }

    @Override
    public void onAddRouteDefinition(RouteDefinition route) {
        if (route.getInput() == null || route.getInput().getEndpointUri() == null
                || !route.getInput().getEndpointUri().startsWith("inbox:")) {
            return;
        }
        OnExceptionDefinition permanent = new OnExceptionDefinition(Exception.class);
        permanent.onWhen(PermanentFailuresNotRedelivered::isPermanent).maximumRedeliveries(0);
        if (route.isErrorHandlerFactorySet()
                && route.getErrorHandlerFactory() instanceof DefaultErrorHandlerDefinition h
                && h.getRedeliveryPolicy() != null && "false".equals(h.getRedeliveryPolicy().getLogExhausted())) {
            // an onException has its own logging settings: as quiet as the route's handler (QuietExhaustedFailures)
            permanent.logExhausted(false).logExhaustedMessageHistory(false).logStackTrace(false);
        }
        route.getOutputs().add(0, permanent);
    }

    static boolean isPermanent(Exchange exchange) {
        Exception failure = exchange.getException();
        if (failure == null) {
            return false;
        }
        Verdict verdict = AttemptResult.failed(failure, Instant.now()).verdict();
        return verdict == Verdict.DEAD || verdict == Verdict.PAUSE;
    }
}
