package io.hookbridge;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.hookbridge.inbox.InboxStore;
import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.LogLines;
import io.hookbridge.testing.Receiver;
import io.hookbridge.testing.RouteFiles;
import io.hookbridge.testing.Signatures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** A user's mistake in a route file stops the start, with a message naming what is wrong and where (issue #13). */
class GuardrailsTest {

    @TempDir
    Path dir;

    @Test
    void twoSourcesOnOnePathAreRefusedNamingBothRoutesAndFiles() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        RouteFiles.write(routes.resolve("github.yaml"), RouteFiles.githubIn("/webhooks/github", "gh-secret", "github"));
        RouteFiles.write(routes.resolve("stripe.yaml"), RouteFiles.sourceIn("stripe-in", "stripe-webhook-source",
                "/webhooks/github", "whsec_c3RyaXBl", "stripe"));

        String failure = startFailure(routes, Map.of());

        assertThat(failure).contains("Two routes serve /webhooks/github")
                .containsPattern("route 'github-in' \\(.*github\\.yaml:\\d+\\)")
                .containsPattern("route 'stripe-in' \\(.*stripe\\.yaml:\\d+\\)")
                .contains("give each source its own path");
    }

    @Test
    void aMalformedSinkSecretIsRefusedSayingWhyWithoutTheSecret() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        RouteFiles.write(routes.resolve("internal.yaml"), RouteFiles.webhookOut("internal-out", "github",
                "http://127.0.0.1:9/hooks", "{{internal.secret}}"));
        try (LogLines logs = LogLines.capture()) {
            String failure = startFailure(routes, Map.of("internal.secret", "whsec_MySuperSecret!Value"));

            assertThat(failure).contains("webhook-sink's secret: a whsec_ secret is base64 after the prefix; "
                    + "'!' is not base64");
            assertThat(failure + String.join("\n", logs.events())).doesNotContain("MySuperSecret");
        }
    }

    @Test
    void malformedSinkHeadersAreRefusedWithoutQuotingThem() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        RouteFiles.write(routes.resolve("internal.yaml"), RouteFiles.webhookOut("internal-out", "github",
                "http://127.0.0.1:9/hooks") + "              headers: '{\"Authorization\": Bearer t0ken-Value}'\n");
        try (LogLines logs = LogLines.capture()) {
            String failure = startFailure(routes, Map.of());

            assertThat(failure).contains("webhook-sink's headers: not a JSON object of names to text values");
            assertThat(failure + String.join("\n", logs.events())).doesNotContain("t0ken-Value").doesNotContain("Bearer");
        }
    }

    @Test
    void aMalformedSourceSecretIsRefusedNamingTheRouteWithoutTheSecret() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        RouteFiles.write(routes.resolve("acme.yaml"), RouteFiles.sourceIn("acme-in", "standard-webhook-source",
                "/webhooks/acme", "{{acme.secret}}", "acme"));
        try (LogLines logs = LogLines.capture()) {
            // rotating: the new secret is fine, the old one got a character too many when pasted
            String failure = startFailure(routes, Map.of("acme.secret", "whsec_c3RyaXBl,whsec_OldSecret-c3RyaXBl"));

            assertThat(failure).containsPattern("route 'acme-in' \\(.*acme\\.yaml:\\d+\\): the source's secret: "
                    + "secret 2 of the list: a whsec_ secret is base64 after the prefix; '-' is not base64");
            assertThat(failure + String.join("\n", logs.events())).doesNotContain("OldSecret");
        }
    }

    @Test
    void aTemplateThatCannotCompileStopsTheStart() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("mail.yaml"), MAIL_ROUTE.formatted("billing@example.com",
                "Payment failed for ${#data.object}${customer_email}")); // a section never closed

        assertThat(startFailure(routes, Map.of())).contains("email-sink's 'subject' template:");
    }

    @Test
    void anEmailWithoutRecipientIsDeadAtItsFirstAttemptSayingWhy() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("mail.yaml"), MAIL_ROUTE.formatted("${data.object.customer_emial}",
                "Payment failed"));
        RouteFiles.write(routes.resolve("github.yaml"), RouteFiles.githubIn("/webhooks/github", "gh-secret", "github"));

        try (Gateway gateway = Gateway.start(dir.resolve("data"), "file:" + routes + "/*.yaml", Map.of())) {
            byte[] body = "{\"data\":{\"object\":{\"customer_email\":\"ada@example.com\"}}}"
                    .getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> answer = gateway.post("/webhooks/github", body,
                    Signatures.githubHeaders("gh-secret", "push", UUID.randomUUID().toString(), body));
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
            String id = answer.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");

            InboxStore store = gateway.inbox().getStore();
            await().atMost(Duration.ofSeconds(10)).until(() -> "dead".equals(store.delivery(id, "mail-out").status()));
            assertThat(store.delivery(id, "mail-out").attempts()).isEqualTo(1);
            assertThat(store.attempts(id, "mail-out").get(0).error())
                    .isEqualTo("the e-mail has no recipient: 'to' rendered empty from the event");
        }
    }

    @Test
    void anUnknownKameletParameterIsRefusedWithTheClosestName() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("mail.yaml"), MAIL_ROUTE.formatted("ops@example.com", "Payment failed")
                .replace("text: \"Hello\"", "txt: \"Hello\""));

        assertThat(startFailure(routes, Map.of())).containsPattern(
                "route 'mail-out' \\(.*mail\\.yaml:\\d+\\): unknown parameter 'txt' of email-sink; did you mean 'text'\\?");
    }

    @Test
    void aMisspelledKameletIsRefusedWithTheClosestName() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("mail.yaml"), MAIL_ROUTE.formatted("ops@example.com", "Payment failed")
                .replace("kamelet:email-sink", "kamelet:emial-sink"));

        assertThat(startFailure(routes, Map.of())).containsPattern(
                "route 'mail-out' \\(.*mail\\.yaml:\\d+\\): no Kamelet named 'emial-sink' in .*; did you mean 'email-sink'\\?");
    }

    @Test
    void inDevelopmentModeEditedRouteFilesAreReloaded() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        RouteFiles.write(routes.resolve("github.yaml"), RouteFiles.githubIn("/webhooks/github", "old-secret", "github"));
        try (Receiver before = new Receiver(); Receiver after = new Receiver()) {
            RouteFiles.write(routes.resolve("partner.yaml"), RouteFiles.webhookOut("to-partner", "github",
                    before.url("/hooks")));
            try (Gateway gateway = Gateway.start(dir.resolve("data"), "file:" + routes + "/*.yaml", Map.of(
                    "camel.main.routes-reload-enabled", "true",
                    "camel.main.routes-reload-directory", routes.toString(),
                    "hookbridge.egress.allow", "127.0.0.1/32"))) {
                assertThat(push(gateway, "old-secret")).isEqualTo(202);
                await().atMost(Duration.ofSeconds(10)).until(() -> before.requests().size() == 1);

                // a new secret for the source, a new URL for the subscription
                RouteFiles.write(routes.resolve("github.yaml"), RouteFiles.githubIn("/webhooks/github", "new-secret",
                        "github"));
                await().atMost(Duration.ofSeconds(20)).until(() -> push(gateway, "new-secret") == 202);
                assertThat(push(gateway, "old-secret")).isEqualTo(401);
                RouteFiles.write(routes.resolve("partner.yaml"), RouteFiles.webhookOut("to-partner", "github",
                        after.url("/hooks")));
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    push(gateway, "new-secret");
                    return !after.requests().isEmpty();
                });
                assertThat(gateway.get("/admin/subscriptions", Map.of()).statusCode())
                        .as("the admin API, which no route file brings, is still there").isEqualTo(200);
            }
        }
    }

    private static int push(Gateway gateway, String secret) throws Exception {
        byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
        return gateway.post("/webhooks/github", body, Signatures.githubHeaders(secret, "push",
                UUID.randomUUID().toString(), body)).statusCode();
    }

    /** An e-mail subscription to {@code inbox:github}, with a 'to' and a subject; retried in memory and durably. */
    static final String MAIL_ROUTE = """
            - route:
                id: mail-out
                errorHandler:
                  defaultErrorHandler:
                    redeliveryPolicy:
                      maximumRedeliveries: 3
                      redeliveryDelay: 10
                from:
                  uri: inbox:github?pollInterval=50&retrySchedule=1s,1s,1s
                  steps:
                    - to:
                        uri: kamelet:email-sink
                        parameters:
                          host: 127.0.0.1
                          port: "9"
                          from: billing@example.com
                          to: "%s"
                          subject: "%s"
                          text: "Hello"
            """;

    /** Starts a gateway on the route files of {@code routes}, which must fail: the messages of the failure's chain. */
    private String startFailure(Path routes, Map<String, String> properties) {
        Throwable thrown = catchThrowable(() -> Gateway.start(dir.resolve("data"), "file:" + routes + "/*.yaml",
                properties).close());
        if (thrown instanceof TestAbortedException skipped) {
            throw skipped; // the PostgreSQL pass without a server
        }
        assertThat(thrown).as("the gateway started").isNotNull();
        StringBuilder messages = new StringBuilder();
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }
}
