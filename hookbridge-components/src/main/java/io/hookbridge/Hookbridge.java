package io.hookbridge;

import io.hookbridge.inbox.PermanentFailuresNotRedelivered;
import io.hookbridge.inbox.QuietExhaustedFailures;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kamelet.KameletComponent;
import org.apache.camel.component.platform.http.PlatformHttpConstants;

/**
 * Hookbridge in a CamelContext: camel-main (the standalone gateway) and an application embedding Hookbridge call
 * {@link #install} before adding routes.
 */
public final class Hookbridge {

    private Hookbridge() {
    }

    /**
     * Prepares a CamelContext for Hookbridge's Kamelets; camel-main does this by itself, an application embedding
     * Hookbridge calls it before adding routes. Kamelet parameters then arrive as written (see
     * {@link KameletParameters}), a route's redelivery policy retries a Kamelet step as a whole, subscriptions' failed
     * attempts are logged once (see {@link QuietExhaustedFailures}) and not redelivered in memory when retrying cannot
     * help (see {@link PermanentFailuresNotRedelivered}), a removed route takes its Kamelet routes with it (see
     * {@link KameletRoutesRemoved}), HTTP routes use camel-main's servers (see {@link MainServerHttpEngine}), and with
     * {@code camel.opentelemetry2.enabled=true} routes are traced (see {@link Tracing}).
     */
    public static void install(CamelContext context) {
        KameletParameters.install(context);
        QuietExhaustedFailures.install(context);
        PermanentFailuresNotRedelivered.install(context);
        KameletRoutesRemoved.install(context);
        Tracing.install(context);
        if (context.getRegistry().lookupByName(PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME) == null) {
            context.getRegistry().bind(PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME, new MainServerHttpEngine());
        }
        context.getComponent("kamelet", KameletComponent.class).setNoErrorHandler(true);
    }
}
