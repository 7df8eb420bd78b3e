package io.hookbridge;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.hookbridge.source.Secrets;

/**
 * {@code send PROVIDER EVENT --url URL --secret S [--count N]}: posts a realistic sample event, signed exactly as that
 * provider signs, like {@code stripe trigger}; prints each answer. The samples are in
 * {@code classpath:hookbridge/samples/PROVIDER/}; each send gets fresh ids and the current time, so that none is taken
 * for a retry of another.
 */
final class Send {

    static final String USAGE = """
            usage: java -jar hookbridge.jar send PROVIDER EVENT --url URL --secret SECRET [--count N] [--public-url URL]

            Posts a sample event signed as the provider signs it and prints the answer, e.g.
              send github push --url http://localhost:8080/webhooks/github --secret change-me
            --public-url: the URL Twilio signs, when it is not --url (the source's publicUrl).
            Providers and events:
            """;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** A provider: its sample events and how it signs a request. */
    enum Provider {
        GITHUB("application/json", "push", "ping", "pull_request") {
            @Override
            Map<String, String> headers(Sample s) {
                return Map.of("X-GitHub-Event", s.event, "X-GitHub-Delivery", UUID.randomUUID().toString(),
                        "User-Agent", "GitHub-Hookshot/hookbridge-send",
                        "X-Hub-Signature-256", "sha256=" + hex(hmac("HmacSHA256", text(s.secret), s.body)));
            }
        },
        STRIPE("application/json", "invoice.payment_failed", "checkout.session.completed") {
            @Override
            Map<String, String> headers(Sample s) {
                return Map.of("Stripe-Signature", "t=" + s.timestamp + ",v1="
                        + hex(hmac("HmacSHA256", text(s.secret), concat(s.timestamp + ".", s.body))));
            }
        },
        SLACK("application/json", "event_callback") {
            @Override
            Map<String, String> headers(Sample s) {
                return Map.of("X-Slack-Request-Timestamp", Long.toString(s.timestamp), "X-Slack-Signature",
                        "v0=" + hex(hmac("HmacSHA256", text(s.secret), concat("v0:" + s.timestamp + ":", s.body))));
            }
        },
        SHOPIFY("application/json", "orders/create") {
            @Override
            Map<String, String> headers(Sample s) {
                return Map.of("X-Shopify-Topic", s.event, "X-Shopify-Webhook-Id", UUID.randomUUID().toString(),
                        "X-Shopify-Shop-Domain", "example.myshopify.com",
                        "X-Shopify-Triggered-At", Instant.ofEpochSecond(s.timestamp).toString(),
                        "X-Shopify-Hmac-Sha256", base64(hmac("HmacSHA256", text(s.secret), s.body)));
            }
        },
        TWILIO("application/x-www-form-urlencoded", "sms") {
            @Override
            Map<String, String> headers(Sample s) {
                // the URL it called, then each form parameter's name and value, sorted by name
                StringBuilder signed = new StringBuilder(s.publicUrl);
                Map<String, String> form = new TreeMap<>();
                for (String pair : new String(s.body, StandardCharsets.UTF_8).split("&")) {
                    String[] kv = pair.split("=", 2);
                    form.put(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
                }
                form.forEach((k, v) -> signed.append(k).append(v));
                return Map.of("X-Twilio-Signature", base64(hmac("HmacSHA1", text(s.secret),
                        signed.toString().getBytes(StandardCharsets.UTF_8))), "I-Twilio-Idempotency-Token",
                        UUID.randomUUID().toString());
            }
        },
        STANDARD("application/json", "invoice.paid", "(any type)") {
            @Override
            Map<String, String> headers(Sample s) {
                byte[] key = s.secret.startsWith("whsec_") ? Secrets.key(s.secret, "whsec") : text(s.secret);
                if (key == null) {
                    throw new IllegalArgumentException(Secrets.malformed(s.secret, "whsec"));
                }
                String id = "msg_" + s.id;
                return Map.of("webhook-id", id, "webhook-timestamp", Long.toString(s.timestamp), "webhook-signature",
                        "v1," + base64(hmac("HmacSHA256", key, concat(id + "." + s.timestamp + ".", s.body))));
            }
        };

        final String contentType;
        final List<String> events;

        Provider(String contentType, String... events) {
            this.contentType = contentType;
            this.events = List.of(events);
        }

        abstract Map<String, String> headers(Sample sample);

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The sample's text: one file per event; Standard Webhooks senders have one sample for any type. */
        String resource(String event) {
            String file = this == STANDARD ? "event" : event.replace('/', '-');
            return "hookbridge/samples/" + id() + "/" + file + (this == TWILIO ? ".form" : ".json");
        }
    }

    /** One request to sign: the body with its ids and time filled in. */
    record Sample(String event, String id, long timestamp, byte[] body, String secret, String publicUrl) {
    }

    private Send() {
    }

    static int run(List<String> args, PrintStream out) throws IOException, InterruptedException {
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h") || arg.equals("--list")) {
                return usage(out, 0);
            } else if (arg.startsWith("--") && i + 1 < args.size()) {
                options.put(arg.substring(2), args.get(++i));
            } else {
                positional.add(arg);
            }
        }
        if (positional.size() != 2 || !options.containsKey("url") || !options.containsKey("secret")) {
            return usage(out, 2);
        }
        Provider provider;
        try {
            provider = Provider.valueOf(positional.get(0).toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException unknown) {
            out.println("no provider " + positional.get(0) + Suggestion.closest(positional.get(0),
                    List.of(Provider.values()).stream().map(Provider::id).toList()));
            return 2;
        }
        String event = positional.get(1);
        if (provider != Provider.STANDARD && !provider.events.contains(event)) {
            out.println("no sample " + event + " for " + provider.id() + Suggestion.closest(event, provider.events)
                    + " (samples: " + String.join(", ", provider.events) + ")");
            return 2;
        }
        String template;
        try (InputStream in = Send.class.getClassLoader().getResourceAsStream(provider.resource(event))) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int count = Integer.parseInt(options.getOrDefault("count", "1"));
        int failed = 0;
        for (int n = 0; n < count; n++) {
            long now = Instant.now().getEpochSecond();
            String id = randomId();
            byte[] body = template.replace("${id}", id).replace("${timestamp}", Long.toString(now))
                    .replace("${iso}", Instant.ofEpochSecond(now).toString()).replace("${event}", event)
                    .getBytes(StandardCharsets.UTF_8);
            Sample sample = new Sample(event, id, now, body, options.get("secret"),
                    options.getOrDefault("public-url", options.get("url")));
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(options.get("url")))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", provider.contentType)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            provider.headers(sample).forEach(request::header);
            HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            out.println(answer.statusCode() + " " + answer.body());
            failed += answer.statusCode() / 100 == 2 ? 0 : 1;
        }
        return failed == 0 ? 0 : 1;
    }

    private static int usage(PrintStream out, int status) {
        out.print(USAGE);
        for (Provider p : Provider.values()) {
            out.println("  " + p.id() + ": " + String.join(", ", p.events));
        }
        return status;
    }

    /** Provider-like ids: evt_/Ev/SM prefixes are the providers' own business, the ids only need to be new. */
    private static String randomId() {
        StringBuilder id = new StringBuilder();
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        for (int i = 0; i < 24; i++) {
            id.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return id.toString();
    }

    static byte[] hmac(String algorithm, byte[] key, byte[] content) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available", e);
        }
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(String prefix, byte[] body) {
        byte[] head = text(prefix);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
