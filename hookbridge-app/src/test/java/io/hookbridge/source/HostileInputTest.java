package io.hookbridge.source;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.Http;
import io.hookbridge.testing.RawHttp;
import io.hookbridge.testing.RawHttp.Answer;
import io.hookbridge.testing.Receiver;
import io.hookbridge.testing.RouteFiles;
import io.hookbridge.testing.Signatures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hostile-input matrix: requests built byte by byte against a running gateway (a GitHub source, whose limit is
 * GitHub's 25 MB, and a Standard Webhooks source with the default 1 MiB). Each gets a clear 4xx - a short JSON error
 * where Hookbridge answers, the HTTP server's own 400/431 where the request is not even HTTP - never a 5xx, and the
 * gateway keeps serving.
 */
class HostileInputTest {

    static final String SECRET = "hostile-secret";
    static final String SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Receiver receiver;
    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        receiver = new Receiver();
        String routes = RouteFiles.write(dir.resolve("hostile.yaml"), RouteFiles.githubIn("/hooks/github", SECRET,
                "github"), """
                - route:
                    id: sw-in
                    from:
                      uri: kamelet:standard-webhook-source
                      parameters:
                        path: /hooks/standard
                        secret: "%s"
                      steps:
                        - to:
                            uri: inbox:github
                """.formatted(SW_SECRET), RouteFiles.webhookOut("out", "github", receiver.url("/out")));
        gateway = Gateway.start(dir.resolve("data"), routes, Map.of());
        assertThat(signed("{\"warm\":true}").status()).isEqualTo(202);
    }

    static final AtomicInteger CASES = new AtomicInteger();
    static final AtomicInteger CLEAR_4XX = new AtomicInteger();
    static final AtomicInteger SERVER_ERRORS = new AtomicInteger();

    @AfterAll
    static void stop() {
        gateway.close();
        receiver.close();
        System.out.printf("hostile-input matrix: %s cases=%d clear4xx=%d 5xx=%d%n",
                CLEAR_4XX.get() == CASES.get() && SERVER_ERRORS.get() == 0 ? "PASS" : "FAIL", CASES.get(),
                CLEAR_4XX.get(), SERVER_ERRORS.get());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A POST to the GitHub source with the given headers (Content-Length added) and body. */
    static byte[] post(String path, Map<String, String> headers, byte[] body) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putIfAbsent("Content-Length", Integer.toString(body.length));
        return RawHttp.request("POST " + path + " HTTP/1.1", all, body);
    }

    /** GitHub's headers, correctly signed over {@code body}, with a fresh delivery id; then the changes. */
    static Map<String, String> github(byte[] body, String... changes) {
        Map<String, String> headers = new LinkedHashMap<>(Signatures.githubHeaders(SECRET, "push",
                UUID.randomUUID().toString(), body));
        for (int i = 0; i < changes.length; i += 2) {
            if (changes[i + 1] == null) {
                headers.remove(changes[i]);
            } else {
                headers.put(changes[i], changes[i + 1]);
            }
        }
        return headers;
    }

    static byte[] signedPost(byte[] body, String... changes) {
        return post("/hooks/github", github(body, changes), body);
    }

    static Answer signed(String json) throws Exception {
        return RawHttp.send(gateway.port(), signedPost(utf8(json)));
    }

    static byte[] standardPost(long timestamp, String id) {
        byte[] body = utf8("{\"type\":\"invoice.paid\"}");
        return post("/hooks/standard", Signatures.standardHeaders(SW_SECRET, id, timestamp, body), body);
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    static String repeat(char c, int n) {
        char[] chars = new char[n];
        Arrays.fill(chars, c);
        return new String(chars);
    }

    /** Name, request, expected status, whether Hookbridge itself answers (then with a JSON error). */
    static Stream<Arguments> matrix() {
        byte[] json = utf8("{\"ref\":\"refs/heads/main\"}");
        byte[] overLimit = new byte[1024 * 1024 + 1];
        Arrays.fill(overLimit, (byte) ' ');
        overLimit[0] = '{';
        overLimit[overLimit.length - 1] = '}';
        Map<String, String> manyHeaders = new LinkedHashMap<>(github(json));
        for (int i = 0; i < 2000; i++) {
            manyHeaders.put("X-Filler-" + i, "x");
        }
        byte[] invalidUtf8 = { '{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}' };
        byte[] chunkedOver = RawHttp.request("POST /hooks/standard HTTP/1.1", Map.of("Content-Type", "application/json",
                "Transfer-Encoding", "chunked"), utf8(Integer.toHexString(overLimit.length) + "\r\n"
                        + new String(overLimit, StandardCharsets.ISO_8859_1) + "\r\n0\r\n\r\n"));
        List<Arguments> cases = new ArrayList<>(List.of(
                // size
                Arguments.of("body over the 1 MiB limit", post("/hooks/standard", Signatures.standardHeaders(
                        SW_SECRET, "msg_big", now(), overLimit), overLimit), 413, true),
                Arguments.of("Content-Length of a terabyte", post("/hooks/github", github(json, "Content-Length",
                        "1099511627776"), json), 413, true),
                Arguments.of("chunked body over the limit", chunkedOver, 413, true),
                Arguments.of("negative Content-Length", post("/hooks/github", github(json, "Content-Length", "-1"),
                        json), 400, false),
                Arguments.of("Content-Length that is no number", post("/hooks/github", github(json, "Content-Length",
                        "12abc"), json), 400, false),
                // headers
                Arguments.of("a 64 KB header", signedPost(json, "X-Huge", repeat('a', 64 * 1024)), 431, false),
                Arguments.of("2000 headers", post("/hooks/github", manyHeaders, json), 431, false),
                Arguments.of("a header line without a colon", utf8("POST /hooks/github HTTP/1.1\r\nHost: x\r\n"
                        + "NoColonHere\r\nContent-Length: 0\r\n\r\n"), 400, false),
                Arguments.of("a request line that is not HTTP", utf8("HELLO THERE\r\n\r\n"), 400, false),
                // methods
                Arguments.of("GET", RawHttp.request("GET /hooks/github HTTP/1.1", Map.of(), new byte[0]), 405, true),
                Arguments.of("PUT", RawHttp.request("PUT /hooks/github HTTP/1.1", Map.of("Content-Length", "2"),
                        utf8("{}")), 405, true),
                Arguments.of("DELETE", RawHttp.request("DELETE /hooks/github HTTP/1.1", Map.of(), new byte[0]), 405,
                        true),
                Arguments.of("PATCH", RawHttp.request("PATCH /hooks/github HTTP/1.1", Map.of("Content-Length", "0"),
                        new byte[0]), 405, true),
                Arguments.of("OPTIONS", RawHttp.request("OPTIONS /hooks/github HTTP/1.1", Map.of(), new byte[0]), 405,
                        true),
                Arguments.of("TRACE", RawHttp.request("TRACE /hooks/github HTTP/1.1", Map.of(), new byte[0]), 405,
                        true),
                // content types
                Arguments.of("no Content-Type", signedPost(json, "Content-Type", null), 415, true),
                Arguments.of("text/plain", signedPost(json, "Content-Type", "text/plain"), 415, true),
                Arguments.of("application/xml", signedPost(json, "Content-Type", "application/xml"), 415, true),
                Arguments.of("multipart/form-data", signedPost(json, "Content-Type",
                        "multipart/form-data; boundary=x"), 415, true),
                // JSON
                Arguments.of("truncated JSON", signedPost(utf8("{\"ref\":")), 400, true),
                Arguments.of("invalid UTF-8 in JSON", signedPost(invalidUtf8), 400, true),
                Arguments.of("two JSON values", signedPost(utf8("{} {}")), 400, true),
                Arguments.of("an empty JSON body", signedPost(new byte[0]), 400, true),
                Arguments.of("JSON nested 100,000 deep", signedPost(utf8(repeat('[', 100_000))), 400, true),
                Arguments.of("a NUL byte in JSON", signedPost(utf8("{\"a\":\"\u0000\"}")), 400, true),
                // signatures
                Arguments.of("no signature", signedPost(json, "X-Hub-Signature-256", null), 401, true),
                Arguments.of("an empty signature", signedPost(json, "X-Hub-Signature-256", ""), 401, true),
                Arguments.of("a garbled signature", signedPost(json, "X-Hub-Signature-256", "sha256=zz%00"), 401, true),
                Arguments.of("the signature of another body", signedPost(json, "X-Hub-Signature-256",
                        Signatures.github(SECRET, utf8("{}"))), 401, true),
                Arguments.of("signed with another secret", signedPost(json, "X-Hub-Signature-256",
                        Signatures.github("guess", json)), 401, true),
                Arguments.of("a SHA-1 signature only", signedPost(json, "X-Hub-Signature-256", null,
                        "X-Hub-Signature", "sha1=" + repeat('0', 40)), 401, true),
                Arguments.of("a signature 1,000 characters long", signedPost(json, "X-Hub-Signature-256",
                        "sha256=" + repeat('a', 1_000)), 401, true),
                // timestamps (Standard Webhooks)
                Arguments.of("a timestamp 10 minutes old", standardPost(now() - 600, "msg_old"), 401, true),
                Arguments.of("a timestamp 10 minutes ahead", standardPost(now() + 600, "msg_ahead"), 401, true),
                Arguments.of("a timestamp that is no number", post("/hooks/standard", changed(
                        Signatures.standardHeaders(SW_SECRET, "msg_nan", now(), utf8("{}")), "webhook-timestamp",
                        "soon"), utf8("{}")), 401, true),
                // paths
                Arguments.of("dot segments out of the server", RawHttp.request(
                        "POST /hooks/../../../etc/passwd HTTP/1.1", Map.of("Content-Length", "0"), new byte[0]), 404,
                        false),
                Arguments.of("an encoded NUL in the path", RawHttp.request("POST /hooks/github%00 HTTP/1.1",
                        Map.of("Content-Length", "0"), new byte[0]), 404, false),
                Arguments.of("an unknown path", RawHttp.request("POST /hooks/gitlab HTTP/1.1",
                        Map.of("Content-Length", "0"), new byte[0]), 404, false)));
        return cases.stream();
    }

    static long heapAfterGc() throws InterruptedException {
        System.gc();
        Thread.sleep(200);
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static void runMatrix() throws Exception {
        for (Arguments a : matrix().toList()) {
            assertThat(RawHttp.send(gateway.port(), (byte[]) a.get()[1]).status()).isBetween(400, 499);
        }
    }

    static Map<String, String> changed(Map<String, String> headers, String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return copy;
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("matrix")
    void isRefusedWithAClear4xx(String name, byte[] request, int status, boolean json) throws Exception {
        int storedBefore = gateway.inbox().getStore().countEvents("github");
        Answer answer = RawHttp.send(gateway.port(), request);
        CASES.incrementAndGet();
        if (answer.status() >= 500) {
            SERVER_ERRORS.incrementAndGet();
        }

        assertThat(answer.status()).as(name + ": " + answer.body()).isEqualTo(status);
        if (json) {
            assertThat(answer.headers().get("content-type")).startsWith("application/json");
            assertThat(JSON.readTree(answer.body()).path("error").asText()).isNotBlank().hasSizeLessThan(200);
        }
        assertThat(gateway.inbox().getStore().countEvents("github")).as("nothing stored").isEqualTo(storedBefore);
        assertThat(signed("{\"still\":\"serving\"}").status()).isEqualTo(202);
        CLEAR_4XX.incrementAndGet();
    }

    @Test
    void aReplayedStandardWebhookIsStoredOnce() throws Exception {
        String id = "msg_" + UUID.randomUUID();
        long timestamp = now();
        assertThat(RawHttp.send(gateway.port(), standardPost(timestamp, id)).status()).isEqualTo(202);
        Answer replay = RawHttp.send(gateway.port(), standardPost(timestamp, id));
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.body()).contains("\"duplicate\":true");
    }

    @Test
    void injectionStringsAreStoredAndShownBackAsData() throws Exception {
        String nasty = "<script>alert(1)</script>' OR 1=1; -- ${jndi:ldap://x} {{7*7}} \u202e";
        byte[] body = JSON.writeValueAsBytes(Map.of("title", nasty));
        Answer answer = RawHttp.send(gateway.port(), post("/hooks/github?next=" + "%3Cscript%3E",
                github(body, "X-GitHub-Event", "<img src=x onerror=alert(1)>", "X-GitHub-Delivery", "' OR '1'='1"),
                body));
        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.body()).doesNotContain("script").doesNotContain("OR");
        String id = answer.body().replaceAll(".*\"id\":\"(evt_[0-9A-Z]+)\".*", "$1");

        JsonNode event = JSON.readTree(gateway.get("/admin/events/" + id, Map.of()).body());
        assertThat(event.path("type").asText()).isEqualTo("<img src=x onerror=alert(1)>");
        assertThat(event.path("idempotencyKey").asText()).isEqualTo("' OR '1'='1");
        assertThat(JSON.readTree(event.path("body").asText()).path("title").asText()).isEqualTo(nasty);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests().stream()
                .anyMatch(r -> id.equals(r.header("webhook-id"))));
        assertThat(receiver.requests().stream().filter(r -> id.equals(r.header("webhook-id"))).findFirst()
                .orElseThrow().body()).isEqualTo(body);
    }

    @Test
    void theMatrixLeavesNoThreadsOrMemoryBehind() throws Exception {
        runMatrix(); // pools (Vert.x workers, the receiver's) grow to their working size
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        long heap = heapAfterGc();
        for (int round = 0; round < 10; round++) {
            runMatrix();
        }
        assertThat(ManagementFactory.getThreadMXBean().getThreadCount()).isLessThanOrEqualTo(threads + 5);
        // ten rounds send over 20 MB of bodies and headers: none of it may stay
        assertThat(heapAfterGc() - heap).isLessThan(16L * 1024 * 1024);
        assertThat(Http.post("http://127.0.0.1:" + gateway.port() + "/hooks/github", utf8("{}"),
                Signatures.githubHeaders(SECRET, "push", UUID.randomUUID().toString(), utf8("{}"))).statusCode())
                .isEqualTo(202);
    }
}
