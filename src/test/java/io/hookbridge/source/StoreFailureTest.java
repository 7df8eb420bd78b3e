package io.hookbridge.source;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.Signatures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** When the store cannot take an event, the provider is told to retry (503), never that it was accepted. */
class StoreFailureTest {

    @TempDir
    Path dir;

    @Test
    void aStoreFailureIsA503WithAShortReason() throws Exception {
        Path routes = dir.resolve("r.yaml");
        Files.writeString(routes, """
                - route:
                    id: github-in
                    from:
                      uri: kamelet:github-webhook-source
                      parameters:
                        path: /hooks/github
                        secret: s
                      steps:
                        - to:
                            uri: inbox:github
                """);
        try (Gateway gateway = Gateway.start(dir.resolve("data"), "file:" + routes, Map.of())) {
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            assertThat(gateway.post("/hooks/github", body,
                    Signatures.githubHeaders("s", "push", UUID.randomUUID().toString(), body)).statusCode())
                    .isEqualTo(202);

            try (Connection c = gateway.inbox().getDataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN"); // the database goes away under the gateway
            }
            HttpResponse<String> response = gateway.post("/hooks/github", body,
                    Signatures.githubHeaders("s", "push", UUID.randomUUID().toString(), body));

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).isEqualTo("{\"error\":\"the event could not be stored; retry later\"}");
        }
    }
}
