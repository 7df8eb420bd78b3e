package io.hookbridge.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.hookbridge.Suggestion;
import io.hookbridge.signing.Hmac;
import io.hookbridge.signing.Secrets;

/**
 * {@code send PROVIDER EVENT --url URL --secret S [--count N]}: posts a realistic sample event, signed exactly as that
 * provider signs, like {@code stripe trigger}; prints each answer. The samples and how each provider signs are data,
 * in {@code classpath:hookbridge/samples/PROVIDER/} (see {@link Provider}); each send gets fresh ids and the current
 * time, so that none is taken for a retry of another.
 */
final class Send {

    static final String USAGE = """
            usage: java -jar hookbridge.jar send PROVIDER EVENT --url URL --secret SECRET [--count N] [--public-url URL]

            Posts a sample event signed as the provider signs it and prints the answer, e.g.
              send github push --url http://localhost:8080/webhooks/github --secret change-me
            --secret: the shared secret; for providers that sign with a private key (discord, sendgrid, svix),
              the PKCS#8 private key (PEM or base64, or @FILE) whose public key the source is given.
            --public-url: the URL the provider signs (Twilio, Square, HubSpot), when it is not --url.
            Providers and events:
            """;

    static final String SAMPLES = "hookbridge/samples/";
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * A provider as {@code send} knows it, read from {@code provider.properties}: its content type, sample events
     * ({@code events}; {@code anyEvent=true} when one sample serves any type), how it signs ({@code sign=ALGORITHM
     * hex|base64 CONTENT}: an HMAC or a {@link Signature} algorithm over a template), how the secret becomes a key
     * ({@code key=text|whsec|private}) and the headers it sends ({@code header.NAME=TEMPLATE}). Templates use
     * {@code ${body}}, {@code ${timestamp}} (Unix seconds), {@code ${timestampMs}}, {@code ${iso}}, {@code ${id}},
     * {@code ${uuid}}, {@code ${token}}, {@code ${event}}, {@code ${url}} (the URL the provider signs), {@code ${form}}
     * (a form body's parameters sorted by name, each name then value: Twilio), {@code ${secret}} and
     * {@code ${signature}}.
     */
    record Provider(String id, String contentType, List<String> events, boolean anyEvent, String signAlgorithm,
            String signEncoding, String signContent, String key, Map<String, String> headers) {

        static Provider load(String id) {
            Properties p = new Properties();
            try (InputStream in = classpath(SAMPLES + id + "/provider.properties")) {
                if (in == null) {
                    return null;
                }
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            new TreeMap<>(p).forEach((k, v) -> {
                if (k.toString().startsWith("header.")) {
                    headers.put(k.toString().substring("header.".length()), v.toString());
                }
            });
            String[] sign = p.getProperty("sign", "").split(" ", 3);
            return new Provider(id, p.getProperty("contentType", "application/json"),
                    List.of(p.getProperty("events").split(",")), Boolean.parseBoolean(p.getProperty("anyEvent")),
                    sign.length == 3 ? sign[0] : null, sign.length == 3 ? sign[1] : null, sign.length == 3 ? sign[2] : null,
                    p.getProperty("key", "text"), headers);
        }

        /** The sample's file: one per event; a provider with {@code anyEvent} has one sample for any type. */
        String sampleFile(String event) {
            String file = anyEvent ? events.get(0) : event;
            return SAMPLES + id + "/" + file.replaceAll("[/:]", "-") + (contentType.contains("form") ? ".form" : ".json");
        }

        /** The request for one send: body and headers, signed. */
        Request sign(String template, Map<String, String> variables) throws GeneralSecurityException {
            Map<String, String> vars = new HashMap<>(variables);
            String body;
            if (signContent == null) {
                body = render(template, vars);
            } else if (signContent.contains("${body}") || signContent.contains("${form}")) {
                body = render(template, vars);
                vars.put("body", body);
                vars.put("form", sortedForm(body));
                vars.put("signature", signature(render(signContent, vars), vars.get("secret")));
            } else {
                // the signature goes into the body (Mailgun): sign first
                vars.put("signature", signature(render(signContent, vars), vars.get("secret")));
                body = render(template, vars);
            }
            Map<String, String> out = new LinkedHashMap<>();
            headers.forEach((name, value) -> out.put(name, render(value, vars)));
            return new Request(body.getBytes(StandardCharsets.UTF_8), out);
        }

        private String signature(String content, String secret) throws GeneralSecurityException {
            byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
            byte[] signature;
            if (signAlgorithm.startsWith("Hmac")) {
                signature = Hmac.sign(signAlgorithm, secretKey(secret), bytes);
            } else {
                Signature signer = Signature.getInstance(signAlgorithm);
                signer.initSign(privateKey(secret));
                signer.update(bytes);
                signature = signer.sign();
            }
            return "base64".equals(signEncoding) ? Base64.getEncoder().encodeToString(signature)
                    : HexFormat.of().formatHex(signature);
        }

        private byte[] secretKey(String secret) {
            if (!"whsec".equals(key) || !secret.startsWith("whsec_")) {
                return secret.getBytes(StandardCharsets.UTF_8);
            }
            byte[] decoded = Secrets.key(secret, "whsec");
            if (decoded == null) {
                throw new IllegalArgumentException(Secrets.malformed(secret, "whsec"));
            }
            return decoded;
        }

        private PrivateKey privateKey(String secret) throws GeneralSecurityException {
            String text = secret.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            byte[] der;
            try {
                der = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException notBase64) {
                throw new IllegalArgumentException(id + " signs with a private key: --secret takes a PKCS#8 private"
                        + " key, PEM or base64 (or @FILE)");
            }
            String family = signAlgorithm.endsWith("ECDSA") ? "EC" : signAlgorithm.endsWith("RSA") ? "RSA" : signAlgorithm;
            return KeyFactory.getInstance(family).generatePrivate(new PKCS8EncodedKeySpec(der));
        }
    }

    /** One request to send. */
    record Request(byte[] body, Map<String, String> headers) {
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
        String name = positional.get(0).toLowerCase(Locale.ROOT);
        Provider provider = providers().contains(name) ? Provider.load(name) : null;
        if (provider == null) {
            out.println("no provider " + positional.get(0) + Suggestion.closest(positional.get(0), providers()));
            return 2;
        }
        String event = positional.get(1);
        if (!provider.anyEvent() && !provider.events().contains(event)) {
            out.println("no sample " + event + " for " + provider.id() + Suggestion.closest(event, provider.events())
                    + " (samples: " + String.join(", ", provider.events()) + ")");
            return 2;
        }
        String template;
        try (InputStream in = classpath(provider.sampleFile(event))) {
            // a form's last value must not end with the file's newline
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8).stripTrailing();
        }
        String secret = options.get("secret");
        if (secret.startsWith("@")) {
            secret = Files.readString(Path.of(secret.substring(1)));
        }
        int count = Integer.parseInt(options.getOrDefault("count", "1"));
        int failed = 0;
        for (int n = 0; n < count; n++) {
            Instant now = Instant.now();
            Map<String, String> vars = new HashMap<>(Map.of("id", randomId(), "uuid", UUID.randomUUID().toString(),
                    "token", token(), "event", event,
                    "timestamp", Long.toString(now.getEpochSecond()), "timestampMs", Long.toString(now.toEpochMilli()),
                    "iso", Instant.ofEpochSecond(now.getEpochSecond()).toString(), "secret", secret,
                    "url", options.getOrDefault("public-url", options.get("url"))));
            Request request;
            try {
                request = provider.sign(template, vars);
            } catch (GeneralSecurityException | IllegalArgumentException cannotSign) {
                out.println("cannot sign as " + provider.id() + ": " + cannotSign.getMessage());
                return 2;
            }
            HttpRequest.Builder http = HttpRequest.newBuilder(URI.create(options.get("url")))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", provider.contentType())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
            request.headers().forEach(http::header);
            HttpResponse<String> answer = HTTP.send(http.build(), HttpResponse.BodyHandlers.ofString());
            out.println(answer.statusCode() + " " + answer.body());
            failed += answer.statusCode() / 100 == 2 ? 0 : 1;
        }
        return failed == 0 ? 0 : 1;
    }

    /** The providers with samples, as listed in {@code hookbridge/samples/providers}. */
    static List<String> providers() {
        try (InputStream in = classpath(SAMPLES + "providers")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int usage(PrintStream out, int status) {
        out.print(USAGE);
        for (String id : providers()) {
            Provider p = Provider.load(id);
            out.println("  " + id + ": " + String.join(", ", p.events()) + (p.anyEvent() ? " (or any type)" : ""));
        }
        return status;
    }

    private static InputStream classpath(String name) {
        return Send.class.getClassLoader().getResourceAsStream(name);
    }

    /** Replaces each {@code ${name}}; a name without a value stays as it is. */
    static String render(String template, Map<String, String> vars) {
        Matcher m = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = vars.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        return m.appendTail(out).toString();
    }

    /** Twilio signs the URL then each form parameter's name and value, sorted by name. */
    private static String sortedForm(String body) {
        if (!body.contains("=")) {
            return "";
        }
        Map<String, String> form = new TreeMap<>();
        Arrays.stream(body.split("&")).map(pair -> pair.split("=", 2)).forEach(kv -> form.put(decode(kv[0]),
                kv.length > 1 ? decode(kv[1]) : ""));
        StringBuilder signed = new StringBuilder();
        form.forEach((k, v) -> signed.append(k).append(v));
        return signed.toString();
    }

    /** Provider-like ids: evt_/Ev/SM prefixes are the samples' business, the ids only need to be new. */
    private static String randomId() {
        StringBuilder id = new StringBuilder();
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        for (int i = 0; i < 24; i++) {
            id.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return id.toString();
    }

    private static String token() {
        byte[] bytes = new byte[25];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
