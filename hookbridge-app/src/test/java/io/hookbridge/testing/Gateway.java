package io.hookbridge.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.hookbridge.MainServerHttpEngine;
import io.hookbridge.app.HookbridgeMain;
import io.hookbridge.inbox.InboxComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.main.Main;

/**
 * The gateway as users run it (camel-main with the shipped defaults), in this JVM, on a free port and a database in
 * a directory of the test's (or, when the run selects PostgreSQL, a database of its own on the test server).
 */
public final class Gateway implements AutoCloseable {

    private final Main main;
    private final int port;

    private Gateway(Main main, int port) {
        this.main = main;
        this.port = port;
    }

    /** Starts with the given routes (a Camel resource pattern) and extra properties. */
    public static Gateway start(Path dataDir, String routes, Map<String, String> properties) throws Exception {
        return start(dataDir, routes, properties, freePort());
    }

    public static Gateway start(Path dataDir, String routes, Map<String, String> properties, int port)
            throws Exception {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("camel.main.routes-include-pattern", routes);
        all.put("camel.server.port", Integer.toString(port));
        all.put("camel.server.host", "127.0.0.1");
        all.put("camel.management.enabled", "false");
        all.put("camel.main.shutdown-timeout", "5");
        all.put("camel.component.inbox.database-url", Postgres.storeUrl(dataDir));
        all.putAll(properties);
        Main main = HookbridgeMain.main();
        all.forEach(main::addOverrideProperty);
        try {
            main.start();
        } catch (Exception | Error e) {
            main.stop(); // what did start (the store, the server) must not outlive a failed start
            throw e;
        }
        return new Gateway(main, port);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public InboxComponent inbox() {
        return context().getComponent("inbox", InboxComponent.class);
    }

    public int port() {
        return port;
    }

    /** The admin listener's port: the management server's when it runs, else the webhooks'. */
    public int adminPort() {
        return context().getRegistry().lookupByNameAndType(PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME,
                MainServerHttpEngine.class).adminPort();
    }

    /** A request to a path, on the listener that serves it (webhooks, or admin API and console). */
    public HttpResponse<String> post(String path, byte[] body, Map<String, String> headers) throws Exception {
        return Http.post(url(path), body, headers);
    }

    public HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
        return Http.get(url(path), headers);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + (MainServerHttpEngine.isAdminPath(path) ? adminPort() : port) + path;
    }

    @Override
    public void close() {
        main.stop();
    }
}
