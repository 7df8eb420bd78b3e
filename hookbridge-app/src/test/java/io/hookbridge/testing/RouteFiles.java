package io.hookbridge.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The route files the tests start gateways with, written the way users write them. */
public final class RouteFiles {

    private RouteFiles() {
    }

    /** {@code github-webhook-source} on {@code path} into {@code inbox:<inbox>}, route id {@code github-in}. */
    public static String githubIn(String path, String secret, String inbox) {
        return sourceIn("github-in", "github-webhook-source", path, secret, inbox);
    }

    /** Route {@code id}: the source Kamelet {@code kamelet} on {@code path} with {@code secret}, into an inbox. */
    public static String sourceIn(String id, String kamelet, String path, String secret, String inbox) {
        return """
                - route:
                    id: %s
                    from:
                      uri: kamelet:%s
                      parameters:
                        path: %s
                        secret: "%s"
                      steps:
                        - to:
                            uri: inbox:%s
                """.formatted(id, kamelet, path, secret, inbox);
    }

    /** A subscription {@code id} to {@code inbox} delivering with {@code webhook-sink} to {@code url}. */
    public static String webhookOut(String id, String inbox, String url) {
        return """
                - route:
                    id: %s
                    from:
                      uri: inbox:%s?pollInterval=50
                      steps:
                        - to:
                            uri: kamelet:webhook-sink
                            parameters:
                              url: "%s"
                """.formatted(id, inbox, url);
    }

    /** As {@link #webhookOut(String, String, String)}, the requests signed with {@code secret}. */
    public static String webhookOut(String id, String inbox, String url, String secret) {
        return webhookOut(id, inbox, url) + "              secret: \"%s\"\n".formatted(secret);
    }

    /** A route of {@link #webhookOut} with more options of its inbox consumer, e.g. {@code rateLimit=10}. */
    public static String withInboxOptions(String route, String options) {
        return route.replace("?pollInterval=50", "?pollInterval=50&" + options);
    }

    /** Writes the routes into {@code file} and answers the pattern a gateway is started with. */
    public static String write(Path file, String... routes) throws IOException {
        Files.writeString(file, String.join("", routes));
        return "file:" + file;
    }
}
