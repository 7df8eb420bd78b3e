package io.hookbridge;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.hookbridge.admin.AdminRoutes;
import io.hookbridge.inbox.PermanentFailuresNotRedelivered;
import io.hookbridge.inbox.QuietExhaustedFailures;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kamelet.KameletComponent;
import org.apache.camel.component.platform.http.HttpEndpointModel;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainConstants;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the gateway with camel-main: routes from {@code routes/*.yaml} and settings from {@code application.properties}
 * of the working directory (over the defaults in the jar; {@code -D} and environment variables override both).
 * {@code validate [FILES or DIRS]} checks route files instead (see {@link Validate}); {@code send PROVIDER EVENT ...}
 * posts a signed sample event (see {@link Send}).
 */
public final class Hookbridge {

    private static final Logger LOG = LoggerFactory.getLogger(Hookbridge.class);

    /**
     * The working directory's file, then the jar's defaults: Camel looks a key up in the locations in this order and the
     * first that has it wins (listed the other way round, a key set in both was the jar's, whatever the file said).
     */
    public static final String PROPERTIES = "file:application.properties;optional=true,classpath:hookbridge.properties,"
            + MainConstants.DEFAULT_OBSERVABILITY_SERVICES_PROPERTY_LOCATION;

    private Hookbridge() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && "validate".equals(args[0])) {
            System.exit(Validate.run(List.of(args).subList(1, args.length), System.out));
        }
        if (args.length > 0 && "send".equals(args[0])) {
            System.exit(Send.run(List.of(args).subList(1, args.length), System.out));
        }
        Main main = main();
        AtomicBoolean started = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport m) {
                m.getCamelContext().getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
                    @Override
                    public void notify(CamelEvent event) {
                        if (event instanceof CamelEvent.CamelContextStartupFailureEvent failed) {
                            failure.set(failed.getCause());
                        }
                    }
                });
            }

            @Override
            public void afterStart(BaseMainSupport m) {
                started.set(true);
                logListeners(m.getCamelContext());
            }
        });
        int code;
        try {
            code = main.run(args);
        } catch (Exception e) {
            failure.set(e);
            code = 1;
        }
        if (!started.get()) {
            // camel-main logs a failed start and returns, leaving what did start (the HTTP server, the store) running
            LOG.error("Hookbridge did not start: {}", failure.get() == null ? "see above"
                    : RouteOrigin.explain(main.getCamelContext(), failure.get()));
            main.stop();
            code = 1;
        }
        main.completed(); // an exit, not a SIGTERM, as camel-main's shutdown hook would otherwise log
        System.exit(code);
    }

    /**
     * Where things are, replacing Camel's summary (silenced in log4j2.properties), which lists every HTTP route on the
     * webhook port, the console's and admin API's included, and the management server on 0.0.0.0 whatever its host.
     */
    static void logListeners(CamelContext context) {
        PropertiesComponent p = context.getPropertiesComponent();
        MainServerHttpEngine engine = context.getRegistry().lookupByNameAndType(
                PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME, MainServerHttpEngine.class);
        if (engine == null) {
            return;
        }
        String server = p.resolveProperty("camel.server.host").orElse("0.0.0.0") + ":" + engine.getServerPort();
        boolean own = engine.adminPort() != engine.getServerPort();
        String admin = (own ? p.resolveProperty("camel.management.host").orElse("0.0.0.0") + ":" + engine.adminPort()
                : server).replace("0.0.0.0", "localhost");
        for (HttpEndpointModel e : context.getComponent("platform-http", PlatformHttpComponent.class).getHttpEndpoints()) {
            if (!MainServerHttpEngine.isAdminPath(e.getUri())) {
                LOG.info("Webhooks: http://{}{} ({})", server, e.getUri(), e.getVerbs() == null ? "any" : e.getVerbs());
            }
        }
        LOG.info("Console: http://{}/console/ - admin API http://{}/admin{}", admin, admin,
                own ? ", health /observe/health, metrics /observe/metrics" : "");
    }

    /** The messages of a failure's chain that say something new, outermost first. */
    static String reason(Throwable failure) {
        StringBuilder reason = new StringBuilder();
        for (Throwable t = failure; t != null && t != t.getCause(); t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && !reason.toString().contains(message)) {
                reason.append(reason.length() == 0 ? "" : ": ").append(message);
            }
        }
        return reason.length() == 0 ? failure.toString() : reason.toString();
    }

    /** camel-main set up the way Hookbridge runs. */
    public static Main main() {
        Main main = new Main();
        main.setDefaultPropertyPlaceholderLocation(PROPERTIES);
        main.configure().addRoutesBuilder(new AdminRoutes());
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport m) {
                install(m.getCamelContext());
            }
        });
        return main;
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
