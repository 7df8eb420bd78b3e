package io.hookbridge.sink;

import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.hookbridge.inbox.InboxStore;
import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.Http;
import io.hookbridge.testing.Receiver;
import io.hookbridge.testing.Signatures;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The destinations through running routes: the shipped cookbook (GitHub → Slack + Discord, Stripe → e-mail + SMS,
 * Shopify → Teams + partner) and the other sinks, each against a local fake of its API asserting what the real one
 * documents, e-mail against a real SMTP server (GreenMail). Real provider payload shapes, filters and transforms.
 */
class DestinationsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String GITHUB = "gh-secret";
    static final String STRIPE = "whsec_stripe";
    static final String SHOPIFY = "shop-secret";
    static final String PARTNER = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @TempDir
    static Path dir;
    static Receiver slack;
    static Receiver discord;
    static Receiver teams;
    static Receiver partner;
    static Receiver twilio;
    static Receiver telegram;
    static Receiver mattermost;
    static Receiver opsSlack;
    static GreenMail smtp;
    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        slack = new Receiver();
        discord = new Receiver();
        teams = new Receiver().always(202);
        partner = new Receiver();
        twilio = new Receiver().always(201);
        telegram = new Receiver();
        mattermost = new Receiver();
        opsSlack = new Receiver();
        smtp = new GreenMail(new ServerSetup(Gateway.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("hooks", "smtp-pass"));
        smtp.start();

        Path extra = dir.resolve("more-sinks.yaml");
        Files.writeString(extra, """
                - route:
                    id: test-in
                    from:
                      uri: webhook-receiver:/test/events
                      parameters:
                        eventTypeHeader: X-Type
                      steps:
                        - to:
                            uri: inbox:test
                - route:
                    id: test-to-telegram
                    from:
                      uri: "inbox:test?retrySchedule=300ms&pollInterval=50"
                      steps:
                        - filter:
                            simple:
                              expression: "${header.HookbridgeEventType} == 'telegram'"
                            steps:
                              - to:
                                  uri: kamelet:telegram-chat-sink
                                  parameters:
                                    baseUrl: "%s"
                                    botToken: "123:ABC+def"
                                    chatId: "-1001234567890"
                                    parseMode: HTML
                                    text: "<b>${title}</b> by ${user}"
                - route:
                    id: test-to-mattermost
                    from:
                      uri: "inbox:test?retrySchedule=300ms&pollInterval=50"
                      steps:
                        - filter:
                            simple:
                              expression: "${header.HookbridgeEventType} == 'mattermost'"
                            steps:
                              - to:
                                  uri: kamelet:mattermost-chat-sink
                                  parameters:
                                    webhookUrl: "%s"
                                    channel: town-square
                                    text: "${title} & more"
                - route:
                    id: test-to-archive
                    from:
                      uri: "inbox:test?pollInterval=50"
                      steps:
                        - filter:
                            simple:
                              expression: "${header.HookbridgeEventType} == 'archive'"
                            steps:
                              - transform:
                                  jsonpath:
                                    expression: "$.line_items"
                              - marshal:
                                  json:
                                    library: Jackson
                              - to:
                                  uri: "file:%s?fileName=${header.HookbridgeEventId}.json"
                - route:
                    id: test-to-mail-with-bad-login
                    from:
                      uri: "inbox:test?retrySchedule=300ms&pollInterval=50"
                      steps:
                        - filter:
                            simple:
                              expression: "${header.HookbridgeEventType} == 'badmail'"
                            steps:
                              - to:
                                  uri: kamelet:email-sink
                                  parameters:
                                    host: 127.0.0.1
                                    port: "%d"
                                    username: hooks
                                    password: wrong
                                    startTls: false
                                    from: hooks@example.com
                                    to: ops@example.com
                                    subject: "${title}"
                                    text: "${title}"
                """.formatted(telegram.url(""), mattermost.url("/hooks/mm123"), dir.resolve("archive"),
                smtp.getSmtp().getPort()));

        Map<String, String> props = new LinkedHashMap<>();
        props.put("github.secret", GITHUB);
        props.put("slack.webhook-url", slack.url("/services/T000/B000/XXXX"));
        props.put("ops.slack-webhook-url", opsSlack.url("/services/T000/B000/OPS"));
        props.put("discord.webhook-url", discord.url("/api/webhooks/123/abc"));
        props.put("stripe.secret", STRIPE);
        props.put("smtp.host", "127.0.0.1");
        props.put("smtp.port", Integer.toString(smtp.getSmtp().getPort()));
        props.put("smtp.username", "hooks");
        props.put("smtp.password", "smtp-pass");
        props.put("twilio.account-sid", "AC0123456789abcdef");
        props.put("twilio.auth-token", "tw+token");
        props.put("twilio.from", "+14155550100");
        props.put("oncall.phone", "+14155550199");
        props.put("shopify.secret", SHOPIFY);
        props.put("teams.webhook-url", teams.url("/workflows/run"));
        props.put("partner.url", partner.url("/orders"));
        props.put("partner.secret", PARTNER);
        // twilio-sms-sink and the e-mail sink talk to the fakes through their baseUrl / host parameters
        props.put("camel.kamelet.twilio-sms-sink.baseUrl", twilio.url(""));
        gateway = Gateway.start(dir.resolve("data"), "file:routes/cookbook/*.yaml,file:" + extra, props);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        smtp.stop();
        for (Receiver r : List.of(slack, discord, teams, partner, twilio, telegram, mattermost, opsSlack)) {
            r.close();
        }
    }

    static InboxStore store() {
        return gateway.inbox().getStore();
    }

    static HttpResponse<String> github(String event, String json) throws Exception {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return gateway.post("/webhooks/github-chat", body,
                Signatures.githubHeaders(GITHUB, event, UUID.randomUUID().toString(), body));
    }

    static String push(String ref, String message) {
        return """
                {"ref":"%s","before":"6113728f27ae82c7b1a177c8d03f9e96e0adf246",
                 "compare":"https://github.com/acme/widgets/compare/6113728f27ae...0d1a26e67d8f?x=1&y=2",
                 "repository":{"id":1296269,"full_name":"acme/widgets","private":false},
                 "pusher":{"name":"octo-cat","email":"octocat@github.com"},
                 "head_commit":{"id":"0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c","message":%s}}
                """.formatted(ref, JSON.valueToTree(message).toString());
    }

    static Receiver.Request only(Receiver r, String eventId) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> r.requests().stream().anyMatch(req -> eventId.equals(req.header("webhook-id"))));
        return r.requests().stream().filter(req -> eventId.equals(req.header("webhook-id"))).findFirst().get();
    }

    static JsonNode json(Receiver.Request r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void aPushToMainReachesSlackWithEscapedValuesAndDiscordWithoutMentions() throws Exception {
        String id = Http.eventId(github("push", push("refs/heads/main", "Fix <!channel> & @everyone *now*")));

        Receiver.Request s = only(slack, id);
        assertThat(s.method()).isEqualTo("POST");
        assertThat(s.path()).isEqualTo("/services/T000/B000/XXXX");
        assertThat(s.header("content-type")).startsWith("application/json");
        assertThat(json(s).get("text").asText()).isEqualTo("*acme/widgets*: octo-cat pushed Fix &lt;!channel&gt; &amp; "
                + "@everyone *now* (<https://github.com/acme/widgets/compare/6113728f27ae...0d1a26e67d8f?x=1&amp;y=2|diff>)");

        Receiver.Request d = only(discord, id);
        assertThat(d.path()).isEqualTo("/api/webhooks/123/abc");
        JsonNode body = json(d);
        assertThat(body.get("content").asText()).isEqualTo("**acme/widgets** push: Fix \\<!channel\\> & \\@everyone \\*now\\*");
        assertThat(body.get("username").asText()).isEqualTo("GitHub");
        assertThat(body.get("allowed_mentions").get("parse")).isEmpty();
    }

    @Test
    void aPushToAnotherBranchIsFilteredOutForSlackOnly() throws Exception {
        String id = Http.eventId(github("push", push("refs/heads/feature", "wip")));

        only(discord, id);
        await().atMost(Duration.ofSeconds(10)).until(() -> store().delivery(id, "cookbook-github-to-slack") != null
                && "filtered".equals(store().delivery(id, "cookbook-github-to-slack").status()));
        assertThat(slack.requests()).noneMatch(r -> id.equals(r.header("webhook-id")));
    }

    static String invoiceFailed(String number, long amountDue, String email) {
        return """
                {"id":"evt_%s","object":"event","type":"invoice.payment_failed","created":1700000000,
                 "data":{"object":{"id":"in_1Nq","object":"invoice","number":"%s","customer":"cus_9s6XKzkNRiz8i3",
                 "customer_email":"%s","amount_due":%d,"currency":"eur",
                 "hosted_invoice_url":"https://invoice.stripe.com/i/acct_1/test_YWNjd?s=ap&x=<y>"}}}
                """.formatted(UUID.randomUUID(), number, email, amountDue);
    }

    static HttpResponse<String> stripe(String json) throws Exception {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return gateway.post("/webhooks/stripe", body,
                Signatures.stripeHeaders(STRIPE, System.currentTimeMillis() / 1000, body));
    }

    @Test
    void aFailedPaymentOver100EurMailsTheCustomerAndTextsOnCall() throws Exception {
        HttpResponse<String> response = stripe(invoiceFailed("RÉ-Ø042", 12500, "joerg@example.com"));
        assertThat(response.statusCode()).isEqualTo(202);
        String id = Http.eventId(response);

        await().atMost(Duration.ofSeconds(10)).until(() -> smtp.getReceivedMessages().length > 0 && Arrays.stream(
                smtp.getReceivedMessages()).anyMatch(m -> subject(m).contains("RÉ-Ø042")));
        MimeMessage mail = Arrays.stream(smtp.getReceivedMessages()).filter(m -> subject(m).contains("RÉ-Ø042"))
                .findFirst().get();
        assertThat(mail.getSubject()).isEqualTo("Your payment for invoice RÉ-Ø042 did not go through");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("joerg@example.com");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("Billing <billing@example.com>");
        Multipart alternative = (Multipart) mail.getContent();
        String text = (String) alternative.getBodyPart(0).getContent();
        String html = (String) alternative.getBodyPart(1).getContent();
        assertThat(alternative.getContentType()).startsWith("multipart/alternative");
        assertThat(text).contains("we could not collect 12500 cents (eur) for invoice RÉ-Ø042.")
                .contains("https://invoice.stripe.com/i/acct_1/test_YWNjd?s=ap&x=<y>");
        assertThat(html).contains("<b>12500</b>")
                .contains("href=\"https://invoice.stripe.com/i/acct_1/test_YWNjd?s=ap&amp;x=&lt;y&gt;\"");
        assertThat(mail.getHeader("X-GitHub-Event")).isNull();

        Receiver.Request sms = only(twilio, id);
        assertThat(sms.method()).isEqualTo("POST");
        assertThat(sms.path()).isEqualTo("/2010-04-01/Accounts/AC0123456789abcdef/Messages.json");
        assertThat(sms.header("authorization")).isEqualTo("Basic " + Base64.getEncoder().encodeToString(
                "AC0123456789abcdef:tw+token".getBytes(StandardCharsets.UTF_8)));
        assertThat(sms.header("content-type")).startsWith("application/x-www-form-urlencoded");
        Map<String, String> form = form(sms.bodyText());
        assertThat(form).containsEntry("To", "+14155550199").containsEntry("From", "+14155550100")
                .containsEntry("Body", "Payment failed: joerg@example.com, invoice RÉ-Ø042, amount due 12500 cents");
    }

    @Test
    void aSmallFailedPaymentIsFilteredOut() throws Exception {
        String id = Http.eventId(stripe(invoiceFailed("INV-1", 5000, "small@example.com")));

        await().atMost(Duration.ofSeconds(10)).until(() -> store().delivery(id, "cookbook-stripe-to-sms") != null
                && "filtered".equals(store().delivery(id, "cookbook-stripe-to-sms").status())
                && "filtered".equals(store().delivery(id, "cookbook-stripe-to-email").status()));
        assertThat(twilio.requests()).noneMatch(r -> id.equals(r.header("webhook-id")));
    }

    @Test
    void aShopifyOrderBecomesATeamsCardAndThePartnersSignedFormat() throws Exception {
        String order = """
                {"id":820982911946154508,"name":"#1001","email":"jon@example.com",
                 "created_at":"2026-11-29T10:00:00-05:00","total_price":"199.00","currency":"EUR",
                 "customer":{"first_name":"Jon","last_name":"Snow_"},
                 "line_items":[{"sku":"W-1","quantity":2,"price":"49.50"},{"sku":"W-2","quantity":1,"price":"100.00"}]}
                """;
        byte[] body = order.getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = gateway.post("/webhooks/shopify", body,
                Signatures.shopifyHeaders(SHOPIFY, "orders/create", UUID.randomUUID().toString(), body));
        assertThat(response.statusCode()).isEqualTo(202);
        String id = Http.eventId(response);

        JsonNode card = json(only(teams, id)).get("attachments").get(0);
        assertThat(card.get("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        JsonNode blocks = card.get("content").get("body");
        assertThat(card.get("content").get("type").asText()).isEqualTo("AdaptiveCard");
        assertThat(blocks.get(0).get("text").asText()).isEqualTo("New order \\#1001");
        assertThat(blocks.get(1).get("text").asText()).isEqualTo("Jon Snow\\_ ordered for 199.00 EUR");

        Receiver.Request p = only(partner, id);
        assertThat(json(p)).isEqualTo(JSON.readTree("""
                {"orderRef":"#1001","placedAt":"2026-11-29T10:00:00-05:00",
                 "customer":{"email":"jon@example.com","name":"Jon Snow_"},
                 "lines":[{"sku":"W-1","quantity":2,"unitPrice":49.5},{"sku":"W-2","quantity":1,"unitPrice":100}],
                 "total":199,"currency":"EUR"}"""));
        String signed = p.header("webhook-id") + "." + p.header("webhook-timestamp") + "." + p.bodyText();
        assertThat(p.header("webhook-signature")).isEqualTo("v1," + Signatures.base64(Signatures.hmacSha256(
                Base64.getDecoder().decode(PARTNER.substring(6)), signed.getBytes(StandardCharsets.UTF_8))));
        // the stored event is still what Shopify sent
        assertThat(store().event(id).body()).isEqualTo(body);
    }

    static HttpResponse<String> testEvent(String type, String json) throws Exception {
        return gateway.post("/test/events", json.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "X-Type", type));
    }

    @Test
    void telegramGetsChatIdHtmlAndEscapedValues() throws Exception {
        String id = Http.eventId(testEvent("telegram", "{\"title\":\"Deploy <prod> & co\",\"user\":\"ana\"}"));

        Receiver.Request t = only(telegram, id);
        assertThat(t.path()).isEqualTo("/bot123:ABC+def/sendMessage");
        JsonNode body = json(t);
        assertThat(body.get("chat_id").asText()).isEqualTo("-1001234567890");
        assertThat(body.get("text").asText()).isEqualTo("<b>Deploy &lt;prod&gt; &amp; co</b> by ana");
        assertThat(body.get("parse_mode").asText()).isEqualTo("HTML");
        assertThat(body.get("disable_web_page_preview").asBoolean()).isFalse();
    }

    @Test
    void telegramsChatNotFoundIsDeadWithItsDescriptionKept() throws Exception {
        telegram.answer(400, Map.of());
        String id = Http.eventId(testEvent("telegram", "{\"title\":\"x\",\"user\":\"y\"}"));

        await().atMost(Duration.ofSeconds(10)).until(() -> "dead".equals(store().delivery(id, "test-to-telegram").status()));
        InboxStore.Attempt attempt = store().attempts(id, "test-to-telegram").get(0);
        assertThat(attempt.httpStatus()).isEqualTo(400);
        assertThat(attempt.response()).isEqualTo("{\"status\":400}");
        // the cookbook's operational alerts tell Slack
        await().atMost(Duration.ofSeconds(10)).until(() -> opsSlack.requests().stream()
                .anyMatch(r -> r.bodyText().contains(id)));
        assertThat(opsSlack.requests()).filteredOn(r -> r.bodyText().contains(id)).singleElement()
                .satisfies(r -> assertThat(json(r).get("text").asText()).isEqualTo("Event " + id
                        + " to *test-to-telegram* is dead after 1 attempts: HTTP 400 Bad Request"));
    }

    @Test
    void aRateLimitedMattermostIsRetriedAfterRetryAfter() throws Exception {
        mattermost.answer(429, Map.of("Retry-After", "1"));
        String id = Http.eventId(testEvent("mattermost", "{\"title\":\"Build #12\"}"));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> "delivered".equals(store().delivery(id, "test-to-mattermost").status()));
        List<InboxStore.Attempt> attempts = store().attempts(id, "test-to-mattermost");
        assertThat(attempts).extracting(InboxStore.Attempt::httpStatus).containsExactly(429, 200);
        // the schedule says 300 ms; Retry-After asks for 1 s, and gets it
        long pause = attempts.get(1).startedAt() - attempts.get(0).startedAt() - attempts.get(0).durationMs();
        assertThat(pause).isGreaterThanOrEqualTo(1000);
        JsonNode body = json(mattermost.requests().get(mattermost.requests().size() - 1));
        assertThat(body.get("text").asText()).isEqualTo("Build \\#12 & more");
        assertThat(body.get("channel").asText()).isEqualTo("town-square");
    }

    @Test
    void anyCamelEndpointIsADestinationHereAFileWithPartOfThePayload() throws Exception {
        String order = "{\"name\":\"#7\",\"line_items\":[{\"sku\":\"W-1\",\"quantity\":2}]}";
        String id = Http.eventId(testEvent("archive", order));

        Path file = dir.resolve("archive").resolve(id + ".json");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file)
                && "delivered".equals(store().delivery(id, "test-to-archive").status()));
        assertThat(JSON.readTree(Files.readString(file))).isEqualTo(JSON.readTree("[{\"sku\":\"W-1\",\"quantity\":2}]"));
        assertThat(new String(store().event(id).body(), StandardCharsets.UTF_8)).isEqualTo(order);
    }

    @Test
    void aRefusedSmtpLoginIsDeadAtOnce() throws Exception {
        String id = Http.eventId(testEvent("badmail", "{\"title\":\"hello\"}"));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> "dead".equals(store().delivery(id, "test-to-mail-with-bad-login").status()));
        assertThat(store().attempts(id, "test-to-mail-with-bad-login")).hasSize(1);
    }

    static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            return "";
        }
    }

    static Map<String, String> form(String body) {
        return Arrays.stream(body.split("&")).map(p -> p.split("=", 2)).collect(Collectors.toMap(
                kv -> URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                kv -> kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : ""));
    }
}
