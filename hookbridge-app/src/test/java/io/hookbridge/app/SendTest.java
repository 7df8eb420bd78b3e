package io.hookbridge.app;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.hookbridge.inbox.InboxStore;
import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.RouteFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code send}: every sample of every provider, signed as the provider signs (by the sample library's own signing, not
 * the sources'), accepted by that provider's source Kamelet in a real gateway.
 */
class SendTest {

    static final String SECRET = "send-secret";
    static final String WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String PUBLIC_URL = "https://hooks.example.com/webhooks/";
    static final Map<String, KeyPair> KEYS = new HashMap<>();

    @TempDir
    static Path dir;
    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        KEYS.put("EC", ec.generateKeyPair());
        KEYS.put("Ed25519", KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        String ecdsa = Base64.getEncoder().encodeToString(KEYS.get("EC").getPublic().getEncoded());
        String ed = Base64.getEncoder().encodeToString(KEYS.get("Ed25519").getPublic().getEncoded());
        // each source as a user configures it from the provider's console
        Map<String, String> sources = new LinkedHashMap<>();
        for (String hmac : List.of("github", "stripe", "slack", "shopify", "zoom", "bitbucket", "sentry", "vercel",
                "typeform", "calendly", "paddle", "linear", "intercom", "pagerduty", "gitea", "mux", "lemonsqueezy")) {
            sources.put(hmac, "secret: " + SECRET);
        }
        sources.put("twilio", "authToken: " + SECRET + "\npublicUrl: " + PUBLIC_URL + "twilio");
        sources.put("standard", "secret: " + WHSEC);
        sources.put("meta", "appSecret: " + SECRET + "\nverifyToken: v");
        sources.put("msgraph", "clientState: " + SECRET);
        sources.put("gitlab", "token: " + SECRET);
        sources.put("square", "secret: " + SECRET + "\nnotificationUrl: " + PUBLIC_URL + "square");
        sources.put("hubspot", "clientSecret: " + SECRET + "\ntargetUrl: " + PUBLIC_URL + "hubspot");
        sources.put("mailgun", "signingKey: " + SECRET);
        sources.put("sendgrid", "publicKey: " + ecdsa);
        sources.put("svix", "publicKey: " + ed);
        sources.put("discord", "publicKey: \"-----BEGIN PUBLIC KEY-----\\n" + ed + "\\n-----END PUBLIC KEY-----\"");
        assertThat(sources.keySet()).as("every provider send knows is configured here")
                .containsExactlyInAnyOrderElementsOf(Send.providers());
        List<String> routes = new ArrayList<>();
        sources.forEach((name, params) -> routes.add("""
                - route:
                    id: %1$s-in
                    from:
                      uri: kamelet:%1$s-webhook-source
                      parameters:
                        path: /webhooks/%1$s
                %2$s
                      steps:
                        - to:
                            uri: inbox:%1$s
                """.formatted(name, params.lines().map(l -> "        " + l).reduce((a, b) -> a + "\n" + b)
                .orElseThrow())));
        gateway = Gateway.start(dir.resolve("data"), RouteFiles.write(dir.resolve("sources.yaml"),
                routes.toArray(String[]::new)), Map.of());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** Every sample of every provider, with the event type the source stores for it (null: none). */
    static Stream<Arguments> samples() {
        Map<String, String> storedTypes = Map.ofEntries(Map.entry("slack event_callback", "app_mention"),
                Map.entry("twilio sms", ""), Map.entry("sendgrid delivered", ""), Map.entry("discord application_command",
                        "2"), Map.entry("msgraph created", "created"), Map.entry("gitlab push", "Push Hook"));
        return Send.providers().stream().flatMap(id -> Send.Provider.load(id).events().stream()
                .filter(event -> !HANDSHAKES.contains(id + " " + event))
                .map(event -> Arguments.of(id, event, storedTypes.getOrDefault(id + " " + event, event))));
    }

    /** Samples the source answers without storing them. */
    static final List<String> HANDSHAKES = List.of("github ping", "discord ping");

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("samples")
    void eachSampleIsAcceptedAsTheProviderWouldSendIt(String provider, String event, String storedType)
            throws Exception {
        InboxStore store = gateway.inbox().getStore();
        int before = store.countEvents(provider);

        Result sent = send(provider, event, "--url", url(provider), "--secret", secret(provider), "--count", "2",
                "--public-url", PUBLIC_URL + provider);

        assertThat(sent.status()).as(sent.output()).isZero();
        assertThat(sent.output().lines()).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("202 {\"id\":\"evt_"));
        assertThat(store.countEvents(provider)).as("two events, neither taken for a retry of the other")
                .isEqualTo(before + 2);
        String id = sent.output().lines().findFirst().orElseThrow().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        assertThat(store.eventType(id)).isEqualTo(storedType.isEmpty() ? null : storedType);
    }

    @Test
    void everyNamedProviderSourceHasRecordedSamples() throws Exception {
        List<String> named;
        try (Stream<Path> files = Files.list(Path.of("hookbridge-kamelets/src/main/resources/kamelets"))) {
            named = files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith("-webhook-source.kamelet.yaml"))
                    .map(f -> f.substring(0, f.indexOf("-webhook-source")))
                    .filter(f -> !List.of("hmac", "basic-auth", "token").contains(f)).toList();
        }

        assertThat(named).hasSizeGreaterThanOrEqualTo(25);
        assertThat(Send.providers()).containsExactlyInAnyOrderElementsOf(named);
    }

    @Test
    void standardWebhooksSendersTakeAnyEventType() throws Exception {
        Result sent = send("standard", "customer.created", "--url", url("standard"), "--secret", WHSEC);

        assertThat(sent.status()).as(sent.output()).isZero();
        String id = sent.output().replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1");
        assertThat(gateway.inbox().getStore().eventType(id)).isEqualTo("customer.created");
    }

    @Test
    void discordsPingGetsItsPongAndAPrivateKeyIsReadFromAFile() throws Exception {
        Path pem = dir.resolve("discord.pem");
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                KEYS.get("Ed25519").getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");

        Result sent = send("discord", "ping", "--url", url("discord"), "--secret", "@" + pem);

        assertThat(sent.status()).as(sent.output()).isZero();
        assertThat(sent.output()).startsWith("200 {\"type\":1}");
    }

    @Test
    void aSharedSecretWhereAPrivateKeyIsNeededIsExplained() throws Exception {
        Result sent = send("sendgrid", "delivered", "--url", url("sendgrid"), "--secret", "not a key!");

        assertThat(sent.status()).isEqualTo(2);
        assertThat(sent.output()).contains("sendgrid signs with a private key: --secret takes a PKCS#8 private key");
    }

    static String secret(String provider) {
        return switch (provider) {
            case "standard" -> WHSEC;
            case "sendgrid" -> Base64.getEncoder().encodeToString(KEYS.get("EC").getPrivate().getEncoded());
            case "svix", "discord" -> Base64.getEncoder().encodeToString(KEYS.get("Ed25519").getPrivate().getEncoded());
            default -> SECRET;
        };
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
