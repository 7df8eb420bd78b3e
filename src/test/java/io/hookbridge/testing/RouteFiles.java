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
        return """
                - route:
                    id: github-in
                    from:
                      uri: kamelet:github-webhook-source
                      parameters:
                        path: %s
                        secret: "%s"
                      steps:
                        - to:
                            uri: inbox:%s
                """.formatted(path, secret, inbox);
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

    /** Writes the routes into {@code file} and answers the pattern a gateway is started with. */
    public static String write(Path file, String... routes) throws IOException {
        Files.writeString(file, String.join("", routes));
        return "file:" + file;
    }
}
