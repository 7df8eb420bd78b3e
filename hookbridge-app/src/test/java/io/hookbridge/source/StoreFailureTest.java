package io.hookbridge.source;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.Http;
import io.hookbridge.testing.Receiver;
import io.hookbridge.testing.RouteFiles;
import io.hookbridge.testing.Signatures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** When the store cannot take an event, the provider is told to retry (503), never that it was accepted. */
class StoreFailureTest {

    @TempDir
    Path dir;

    @Test
    void aStoreFailureIsA503WithAShortReason() throws Exception {
        String routes = RouteFiles.write(dir.resolve("r.yaml"), RouteFiles.githubIn("/hooks/github", "s", "github"));
        try (Gateway gateway = Gateway.start(dir.resolve("data"), routes, Map.of())) {
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

    @Test
    void aStoreThatRefusesWritesGets503sAndIsUsedAgainByItselfWhenItRecovers() throws Exception {
        Receiver receiver = new Receiver();
        String routes = RouteFiles.write(dir.resolve("r.yaml"), RouteFiles.githubIn("/hooks/github", "s", "github"),
                RouteFiles.webhookOut("out", "github", receiver.url("/out")));
        try (receiver; Gateway gateway = Gateway.start(dir.resolve("data"), routes, Map.of())) {
            List<String> acked = new ArrayList<>();
            acked.add(Http.eventId(push(gateway, 202)));

            // the disk is full, as far as the event table is concerned: every write of an event fails
            sql(gateway, "SET TABLE hb_event READ ONLY");
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> refused = push(gateway, 503);
                assertThat(refused.body()).isEqualTo("{\"error\":\"the event could not be stored; retry later\"}");
            }
            sql(gateway, "SET TABLE hb_event READ WRITE");

            acked.add(Http.eventId(push(gateway, 202)));
            assertThat(gateway.inbox().getStore().countEvents("github")).as("only what was acknowledged").isEqualTo(2);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(receiver.requests())
                    .extracting(r -> r.header("webhook-id")).containsExactlyInAnyOrderElementsOf(acked));
        }
    }

    static HttpResponse<String> push(Gateway gateway, int expectedStatus) throws Exception {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = gateway.post("/hooks/github", body,
                Signatures.githubHeaders("s", "push", UUID.randomUUID().toString(), body));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
        return response;
    }

    static void sql(Gateway gateway, String statement) throws Exception {
        try (Connection c = gateway.inbox().getDataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
