package io.hookbridge.app;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.hookbridge.Hookbridge;
import io.hookbridge.MainServerHttpEngine;
import io.hookbridge.RouteOrigin;
import io.hookbridge.admin.AdminRoutes;
import org.apache.camel.CamelContext;
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
public final class HookbridgeMain {

    // the gateway as a whole speaks as io.hookbridge.Hookbridge, whichever class starts it: "Hookbridge - Webhooks: ..."
    private static final Logger LOG = LoggerFactory.getLogger(Hookbridge.class);

    /**
     * The working directory's file, then the jar's defaults: Camel looks a key up in the locations in this order and the
     * first that has it wins (listed the other way round, a key set in both was the jar's, whatever the file said).
     */
    public static final String PROPERTIES = "file:application.properties;optional=true,classpath:hookbridge.properties,"
            + MainConstants.DEFAULT_OBSERVABILITY_SERVICES_PROPERTY_LOCATION;

    private HookbridgeMain() {
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

    /** camel-main set up the way Hookbridge runs. */
    public static Main main() {
        Main main = new Main();
        main.setDefaultPropertyPlaceholderLocation(PROPERTIES);
        main.configure().addRoutesBuilder(new AdminRoutes());
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport m) {
                Hookbridge.install(m.getCamelContext());
            }
        });
        return main;
    }
}
