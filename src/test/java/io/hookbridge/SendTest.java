package io.hookbridge;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.hookbridge.inbox.InboxStore;
import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.RouteFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code send}: each provider's samples, signed as it signs, accepted by that provider's source of a real gateway. */
class SendTest {

    static final String SECRET = "send-secret";
    static final String WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String TWILIO_URL = "https://hooks.example.com/webhooks/twilio";

    @TempDir
    static Path dir;
    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        List<String> routes = new ArrayList<>();
        Map.of("github", "github-webhook-source:\n  secret: " + SECRET,
                "stripe", "stripe-webhook-source:\n  secret: " + SECRET,
                "slack", "slack-webhook-source:\n  secret: " + SECRET,
                "shopify", "shopify-webhook-source:\n  secret: " + SECRET,
                "twilio", "twilio-webhook-source:\n  authToken: " + SECRET + "\n  publicUrl: " + TWILIO_URL,
                "standard", "standard-webhook-source:\n  secret: " + WHSEC).forEach((name, source) -> routes.add("""
                - route:
                    id: %1$s-in
                    from:
                      uri: kamelet:%2$s
                      parameters:
                        path: /webhooks/%1$s
                %3$s
                      steps:
                        - to:
                            uri: inbox:%1$s
                """.formatted(name, source.substring(0, source.indexOf(':')),
                source.substring(source.indexOf('\n') + 1).lines().map(l -> "        " + l.strip())
                        .reduce((a, b) -> a + "\n" + b).orElse(""))));
        gateway = Gateway.start(dir.resolve("data"), RouteFiles.write(dir.resolve("sources.yaml"),
                routes.toArray(String[]::new)), Map.of());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "github, push, push",
            "github, pull_request, pull_request",
            "stripe, invoice.payment_failed, invoice.payment_failed",
            "stripe, checkout.session.completed, checkout.session.completed",
            "slack, event_callback, app_mention",
            "shopify, orders/create, orders/create",
            "twilio, sms, ",
            "standard, invoice.paid, invoice.paid" })
    void eachSampleIsAcceptedAsTheProviderWouldSendIt(String provider, String event, String storedType)
            throws Exception {
        InboxStore store = gateway.inbox().getStore();
        int before = store.countEvents(provider);
        String secret = provider.equals("standard") ? WHSEC : SECRET;

        Result sent = send(provider, event, "--url", url(provider), "--secret", secret, "--count", "2",
                "--public-url", provider.equals("twilio") ? TWILIO_URL : url(provider));

        assertThat(sent.status()).as(sent.output()).isZero();
        assertThat(sent.output().lines()).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("202 {\"id\":\"evt_"));
        assertThat(store.countEvents(provider)).as("two events, neither taken for a retry of the other")
                .isEqualTo(before + 2);
        String id = sent.output().lines().findFirst().orElseThrow().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        if (storedType != null) {
            assertThat(store.eventType(id)).isEqualTo(storedType);
        }
    }

    @Test
    void githubsPingIsAnsweredAndNotStored() throws Exception {
        int before = gateway.inbox().getStore().countEvents("github");

        Result sent = send("github", "ping", "--url", url("github"), "--secret", SECRET);

        assertThat(sent.status()).as(sent.output()).isZero();
        assertThat(sent.output()).startsWith("200 {\"ok\":true}");
        assertThat(gateway.inbox().getStore().countEvents("github")).isEqualTo(before);
    }

    @Test
    void aWrongSecretGetsTheSources401AndExitStatusOne() throws Exception {
        Result sent = send("github", "push", "--url", url("github"), "--secret", "not-the-secret");

        assertThat(sent.status()).isEqualTo(1);
        assertThat(sent.output()).startsWith("401 ").contains("invalid signature");
    }

    @Test
    void anUnknownEventNamesTheSamplesThereAre() throws Exception {
        Result sent = send("github", "puhs", "--url", url("github"), "--secret", SECRET);

        assertThat(sent.status()).isEqualTo(2);
        assertThat(sent.output()).contains("no sample puhs for github; did you mean 'push'?");
    }

    record Result(int status, String output) {
    }

    static Result send(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Send.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8));
    }

    static String url(String provider) {
        return "http://127.0.0.1:" + gateway.port() + "/webhooks/" + provider;
    }
}
