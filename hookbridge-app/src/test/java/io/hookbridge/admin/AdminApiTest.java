package io.hookbridge.admin;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookbridge.inbox.DeliveryStatus;
import io.hookbridge.inbox.InboxHistory;
import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.Http;
import io.hookbridge.testing.Receiver;
import io.hookbridge.testing.RouteFiles;
import io.hookbridge.testing.Signatures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator's questions answered through the admin API over real HTTP, on the shipped example route file
 * (routes/github-to-partners.yaml) with both partners played by local receivers: what happened to an event, why a
 * partner fails, replay (one delivery, one event, in bulk after a dry run), pause and resume, access rules, and the
 * metrics and health an operator scrapes.
 */
class AdminApiTest {

    static final String SECRET = "github-secret";
    static final Map<String, String> ADMIN = Map.of("Authorization", "Bearer admin-token");
    static final Map<String, String> READER = Map.of("Authorization", "Bearer read-token");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    final Receiver partnerA = newReceiver();
    final Receiver partnerB = newReceiver();
    Gateway gateway;
    int managementPort;

    static Receiver newReceiver() {
        try {
            return new Receiver();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void start(Map<String, String> extra) throws Exception {
        start("file:routes/github-to-partners.yaml", extra);
    }

    void start(String routes, Map<String, String> extra) throws Exception {
        managementPort = Gateway.freePort();
        Map<String, String> properties = new HashMap<>(Map.of(
                "github.secret", SECRET,
                "partner-a.url", partnerA.url("/a"),
                "partner-a.secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "partner-b.url", partnerB.url("/b"),
                "camel.management.enabled", "true",
                "camel.management.host", "127.0.0.1",
                "camel.management.port", Integer.toString(managementPort),
                "camel.component.inbox.figures-interval", "100ms"));
        properties.putAll(extra);
        gateway = Gateway.start(dir, routes, properties);
    }

    void start() throws Exception {
        start(Map.of("hookbridge.admin.token", "admin-token", "hookbridge.admin.read-token", "read-token"));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        partnerA.close();
        partnerB.close();
    }

    /** A signed GitHub webhook; answers the event id. */
    String push(String type) throws Exception {
        return push(type, UUID.randomUUID().toString());
    }

    String push(String type, String deliveryId) throws Exception {
        byte[] body = ("{\"delivery\":\"" + deliveryId + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = gateway.post("/webhooks/github", body,
                Signatures.githubHeaders(SECRET, type, deliveryId, body));
        assertThat(r.statusCode()).as(r.body()).isIn(200, 202);
        return Http.eventId(r);
    }

    JsonNode get(String path) throws Exception {
        HttpResponse<String> r = gateway.get(path, ADMIN);
        assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> r = post(path, body, ADMIN);
        assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    HttpResponse<String> post(String path, String body, Map<String, String> auth) throws Exception {
        Map<String, String> headers = new HashMap<>(auth);
        headers.put("Content-Type", "application/json");
        return gateway.post(path, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    String status(String eventId, String subscription) throws Exception {
        return get("/admin/events/" + eventId + "/deliveries/" + subscription).path("status").asText();
    }

    void awaitStatus(String eventId, String subscription, String status) {
        await().atMost(Duration.ofSeconds(15)).until(() -> status.equals(status(eventId, subscription)));
    }

    static List<String> ids(JsonNode page, String field) {
        List<String> ids = new ArrayList<>();
        page.path("items").forEach(item -> ids.add(item.path(field).asText()));
        return ids;
    }

    static List<String> webhookIds(Receiver receiver) {
        return receiver.requests().stream().map(r -> r.header("webhook-id")).toList();
    }

    /** Starts the gateway with partner B answering 400: an event whose delivery there is dead, something to look at. */
    String anEventDeadAtPartnerB() throws Exception {
        start();
        partnerB.answer(400);
        String id = push("push");
        awaitStatus(id, "to-partner-b", "dead");
        return id;
    }

    @Test
    void whatHappenedToAnEventAndWhyAPartnerFails() throws Exception {
        String id = anEventDeadAtPartnerB();

        JsonNode event = get("/admin/events/" + id);
        assertThat(event.path("source").asText()).isEqualTo("github");
        assertThat(event.path("type").asText()).isEqualTo("push");
        assertThat(event.path("body").asText()).contains("\"delivery\"");
        assertThat(event.path("headers").toString()).contains("push").doesNotContainIgnoringCase("sha256=");
        Map<String, String> byPartner = new HashMap<>();
        event.path("deliveries").forEach(d -> byPartner.put(d.path("subscription").asText(), d.path("status").asText()));
        assertThat(byPartner).containsEntry("to-partner-b", "dead").containsKey("to-partner-a");

        JsonNode failing = get("/admin/events/" + id + "/deliveries/to-partner-b");
        assertThat(failing.path("attempts")).hasSize(1);
        JsonNode attempt = failing.path("attempts").get(0);
        assertThat(attempt.path("httpStatus").asInt()).isEqualTo(400);
        assertThat(attempt.path("outcome").asText()).isEqualTo("dead");
        assertThat(attempt.path("response").asText()).contains("\"status\":400");
        assertThat(attempt.path("durationMs").isNumber()).isTrue();

        assertThat(ids(get("/admin/deliveries?subscription=to-partner-b&status=dead"), "eventId")).containsExactly(id);
        JsonNode partnerBFigures = subscription("to-partner-b");
        assertThat(partnerBFigures.path("deliveries").path("dead").asInt()).isEqualTo(1);
        assertThat(partnerBFigures.path("lastFailureAt").asText()).isNotBlank();
        assertThat(partnerBFigures.path("lastFailure").asText()).contains("400");
        assertThat(partnerBFigures.path("lastSuccessAt").isNull()).isTrue();
        assertThat(subscription("to-partner-a").path("lastSuccessAt").asText()).isNotBlank();
        assertThat(partnerBFigures.path("state").asText()).isEqualTo("active");

        assertError(gateway.get("/admin/events/evt_00000000000000000000000000", ADMIN), 404);
        assertError(gateway.get("/admin/events/" + id + "/deliveries/nobody", ADMIN), 404);
        assertError(gateway.get("/admin/events?status=lost", ADMIN), 400);
        assertError(gateway.get("/admin/events?limit=0", ADMIN), 400);
        assertError(gateway.get("/admin/deliveries?limit=many", ADMIN), 400);
        assertError(gateway.get("/admin/events?from=yesterday", ADMIN), 400);
        assertError(post("/admin/subscriptions/nobody/pause", "", ADMIN), 404);

        // the list counts each event's deliveries by state, as the detail lists them
        String secondId = push("push");
        JsonNode listed = get("/admin/events?limit=2");
        assertThat(ids(listed, "id")).containsExactly(secondId, id);
        JsonNode counts = listed.path("items").get(1).path("deliveries");
        assertThat(counts.path("dead").asInt()).isEqualTo(1);
        int total = 0;
        for (JsonNode n : counts) {
            total += n.asInt();
        }
        assertThat(total).isEqualTo(2);
        int secondTotal = 0;
        for (JsonNode n : listed.path("items").get(0).path("deliveries")) {
            secondTotal += n.asInt();
        }
        assertThat(secondTotal).isEqualTo(2);
    }

    @Test
    void aLargeBodyIsShownAsItsStartInBase64AndASmallOneAsText() throws Exception {
        start();
        byte[] large = ("{\"padding\":\"" + "x".repeat(70_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = gateway.post("/webhooks/github", large,
                Signatures.githubHeaders(SECRET, "push", UUID.randomUUID().toString(), large));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);

        JsonNode event = get("/admin/events/" + Http.eventId(r));
        assertThat(event.has("body")).isFalse();
        assertThat(event.path("size").asInt()).isEqualTo(large.length);
        assertThat(Base64.getDecoder().decode(event.path("bodyPreviewBase64").asText()))
                .isEqualTo(Arrays.copyOf(large, 1024));
        assertThat(event.path("bodyTruncated").asBoolean()).isTrue();
        JsonNode small = get("/admin/events/" + push("push"));
        assertThat(small.path("body").asText()).startsWith("{\"delivery\":");
        assertThat(small.has("bodyPreviewBase64")).isFalse();
        assertThat(small.has("bodyTruncated")).isFalse();
    }

    @Test
    void theOpenApiDocumentDescribesTheFieldsEachReadAnswers() throws Exception {
        String id = anEventDeadAtPartnerB();
        JsonNode openApi = get("/admin/openapi.json");

        Map<String, JsonNode> answers = new LinkedHashMap<>();
        answers.put("/admin/events", get("/admin/events?limit=1"));
        answers.put("/admin/events/{id}", get("/admin/events/" + id));
        answers.put("/admin/events/{id}/deliveries/{subscription}", get("/admin/events/" + id + "/deliveries/to-partner-b"));
        answers.put("/admin/deliveries", get("/admin/deliveries?limit=1"));
        answers.put("/admin/subscriptions", get("/admin/subscriptions").get(0));
        answers.put("/admin/subscriptions/{id}/held-keys", get("/admin/subscriptions/to-partner-b/held-keys"));
        for (Map.Entry<String, JsonNode> answer : answers.entrySet()) {
            JsonNode schema = schema(openApi, openApi.path("paths").path(answer.getKey()).path("get").path("responses")
                    .path("200").path("content").path("application/json").path("schema"));
            assertThat(fieldNames(schema.path("properties"))).as(answer.getKey())
                    .containsAll(fieldNames(answer.getValue()));
        }
        // and a level down: an event's deliveries, a delivery's attempts, a page's items
        JsonNode event = schema(openApi, openApi.path("paths").path("/admin/events/{id}").path("get")
                .path("responses").path("200").path("content").path("application/json").path("schema"));
        assertThat(fieldNames(schema(openApi, event.path("properties").path("deliveries").path("items"))
                .path("properties"))).containsAll(fieldNames(answers.get("/admin/events/{id}").path("deliveries").get(0)));
        JsonNode page = schema(openApi, openApi.path("paths").path("/admin/events").path("get")
                .path("responses").path("200").path("content").path("application/json").path("schema"));
        assertThat(fieldNames(schema(openApi, page.path("properties").path("items").path("items")).path("properties")))
                .containsAll(fieldNames(answers.get("/admin/events").path("items").get(0)));
    }

    /** A schema, following a $ref and an array's items. */
    static JsonNode schema(JsonNode openApi, JsonNode schema) {
        if (schema.has("items") && "array".equals(schema.path("type").asText())) {
            return schema(openApi, schema.path("items"));
        }
        String ref = schema.path("$ref").asText();
        return ref.isEmpty() ? schema : schema(openApi, openApi.at(ref.substring(1)));
    }

    static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static void assertError(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
        assertThat(JSON.readTree(response.body()).path("error").asText()).isNotBlank();
    }

    @Test
    void filtersAndCursorPagesListEveryEventOnce() throws Exception {
        start();
        List<String> sent = new ArrayList<>();
        sent.add(push("push"));
        sent.add(push("issues"));
        sent.add(push("push"));
        Thread.sleep(5);
        Instant between = Instant.now();
        Thread.sleep(5);
        sent.add(push("issues"));
        sent.add(push("push"));
        for (String id : sent) {
            awaitStatus(id, "to-partner-a", "delivered");
            awaitStatus(id, "to-partner-b", "delivered");
        }

        List<String> paged = new ArrayList<>();
        String cursor = "";
        int pages = 0;
        do {
            JsonNode page = get("/admin/events?limit=2" + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            paged.addAll(ids(page, "id"));
            cursor = page.path("next").isNull() ? "" : page.path("next").asText();
            pages++;
        } while (!cursor.isEmpty() && pages < 10);
        List<String> newestFirst = new ArrayList<>(sent);
        Collections.reverse(newestFirst);
        // 5 events in pages of 2: the third page is short and has no next
        assertThat(paged).containsExactlyElementsOf(newestFirst);
        assertThat(pages).isEqualTo(3);

        assertThat(ids(get("/admin/events?type=issues"), "id")).containsExactly(sent.get(3), sent.get(1));
        assertThat(ids(get("/admin/events?from=" + between), "id")).containsExactly(sent.get(4), sent.get(3));
        assertThat(ids(get("/admin/events?to=" + between + "&type=push"), "id")).containsExactly(sent.get(2), sent.get(0));
        assertThat(ids(get("/admin/events?source=github&status=delivered"), "id")).hasSize(5);
        assertThat(ids(get("/admin/events?source=stripe"), "id")).isEmpty();
        assertThat(ids(get("/admin/events?status=dead"), "id")).isEmpty();

        // deliveries page by (event, subscription): a page may end between the two deliveries of one event
        Set<String> deliveries = new LinkedHashSet<>();
        cursor = "";
        pages = 0;
        do {
            JsonNode page = get("/admin/deliveries?limit=3" + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            page.path("items").forEach(d -> deliveries.add(d.path("eventId").asText() + "/" + d.path("subscription").asText()));
            cursor = page.path("next").isNull() ? "" : page.path("next").asText();
            pages++;
        } while (!cursor.isEmpty() && pages < 10);
        assertThat(deliveries).hasSize(10);
        assertThat(ids(get("/admin/deliveries?subscription=to-partner-a&type=issues"), "eventId"))
                .containsExactly(sent.get(3), sent.get(1));
    }

    @Test
    void replayEverythingThatFailedAfterADryRunKeepsTheEventIds() throws Exception {
        start();
        partnerB.answer(400, 400, 400);
        List<String> failed = List.of(push("push"), push("push"), push("issues"));
        for (String id : failed) {
            awaitStatus(id, "to-partner-b", "dead");
        }
        String fine = push("push");
        awaitStatus(fine, "to-partner-b", "delivered");

        JsonNode dryRun = post("/admin/deliveries/replay", "{\"subscription\":\"to-partner-b\",\"dryRun\":true}");
        assertThat(dryRun.path("matched").asInt()).isEqualTo(3);
        assertThat(dryRun.path("replayed").asInt()).isZero();
        JsonNode typed = post("/admin/deliveries/replay",
                "{\"status\":\"dead\",\"type\":\"issues\",\"dryRun\":true}");
        assertThat(typed.path("matched").asInt()).isEqualTo(1);
        Thread.sleep(500);
        assertThat(partnerB.requests()).hasSize(4);

        JsonNode replay = post("/admin/deliveries/replay", "{\"subscription\":\"to-partner-b\",\"status\":\"dead\","
                + "\"from\":\"" + Instant.now().minusSeconds(3600) + "\"}");
        assertThat(replay.path("matched").asInt()).isEqualTo(3);
        assertThat(replay.path("replayed").asInt()).isEqualTo(3);
        for (String id : failed) {
            awaitStatus(id, "to-partner-b", "delivered");
        }
        assertThat(webhookIds(partnerB).subList(4, 7)).containsExactlyInAnyOrderElementsOf(failed);
        assertThat(get("/admin/events/" + failed.get(0) + "/deliveries/to-partner-b").path("attempts")).hasSize(2);
        assertThat(partnerA.requests()).as("the other partner got each event once").hasSize(4);
    }

    @Test
    void aBulkReplayInSmallBatchesTakesEveryDeliveryOfAnEvent() throws Exception {
        start();
        partnerA.always(400);
        partnerB.always(400);
        String id = push("push");
        awaitStatus(id, "to-partner-a", "dead");
        awaitStatus(id, "to-partner-b", "dead");
        partnerA.always(200);
        partnerB.always(200);

        // batches of one: the event's two deliveries fall in two batches
        int replayed = gateway.inbox().getStore().replayMatching(new InboxHistory.DeliveryFilter(null,
                DeliveryStatus.DEAD, null, null, null, null, null, null, 0), 1);

        assertThat(replayed).isEqualTo(2);
        awaitStatus(id, "to-partner-a", "delivered");
        awaitStatus(id, "to-partner-b", "delivered");
    }

    @Test
    void replayOneDeliveryOrOneEventToSomeOrAllSubscriptions() throws Exception {
        start();
        String id = push("push");
        awaitStatus(id, "to-partner-a", "delivered");
        awaitStatus(id, "to-partner-b", "delivered");

        assertThat(post("/admin/events/" + id + "/deliveries/to-partner-a/replay", "").path("replayed").asInt())
                .isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> partnerA.requests().size() == 2);

        assertThat(post("/admin/events/" + id + "/replay?subscription=to-partner-b,%20", "").path("replayed").asInt())
                .isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> partnerB.requests().size() == 2);

        assertThat(post("/admin/events/" + id + "/replay", "").path("replayed").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> partnerA.requests().size() == 3
                && partnerB.requests().size() == 3);
        assertThat(webhookIds(partnerA)).containsOnly(id);
        assertThat(webhookIds(partnerB)).containsOnly(id);
        assertError(post("/admin/events/evt_00000000000000000000000000/replay", "", ADMIN), 404);
    }

    @Test
    void aPausedSubscriptionKeepsItsDeliveriesUntilResumedAndDeadOnesRetryOnDemand() throws Exception {
        start();
        assertThat(post("/admin/subscriptions/to-partner-b/pause", "").path("paused").asBoolean()).isTrue();
        String held = push("push");
        awaitStatus(held, "to-partner-a", "delivered");
        Thread.sleep(700);
        assertThat(partnerB.requests()).isEmpty();
        JsonNode paused = subscription("to-partner-b");
        assertThat(paused.path("state").asText()).isEqualTo("paused");
        assertThat(paused.path("pausedReason").asText()).isNotBlank();
        assertThat(paused.path("deliveries").path("pending").asInt()).isEqualTo(1);
        assertThat(ids(get("/admin/deliveries?status=paused"), "eventId")).containsExactly(held);
        assertThat(status(held, "to-partner-b")).isEqualTo("paused");

        assertThat(post("/admin/subscriptions/to-partner-b/resume", "").path("paused").asBoolean()).isFalse();
        awaitStatus(held, "to-partner-b", "delivered");
        assertThat(webhookIds(partnerB)).containsExactly(held);

        partnerB.answer(400);
        String dead = push("push");
        awaitStatus(dead, "to-partner-b", "dead");
        assertThat(post("/admin/subscriptions/to-partner-b/retry-dead", "").path("replayed").asInt()).isEqualTo(1);
        awaitStatus(dead, "to-partner-b", "delivered");
    }

    @Test
    void aSubscriptionWhoseRouteIsGoneCanBeDeletedWithItsDeliveriesAfterADryRun() throws Exception {
        start();
        post("/admin/subscriptions/to-partner-b/pause", "");
        String held = push("push");
        awaitStatus(held, "to-partner-a", "delivered");
        gateway.close();
        // the route to partner B is removed from the route files
        start(RouteFiles.write(dir.resolve("without-b.yaml"), RouteFiles.githubIn("/webhooks/github", SECRET, "github"),
                RouteFiles.webhookOut("to-partner-a", "github", partnerA.url("/a"))),
                Map.of("hookbridge.admin.token", "admin-token", "hookbridge.admin.read-token", "read-token"));
        assertThat(subscription("to-partner-b").path("running").asBoolean()).isFalse();

        assertError(delete("/admin/subscriptions/to-partner-a", ADMIN), 409);
        assertError(delete("/admin/subscriptions/to-partner-b", READER), 403);
        assertError(delete("/admin/subscriptions/no-such-route", ADMIN), 404);
        HttpResponse<String> dryRun = delete("/admin/subscriptions/to-partner-b?dryRun=true", ADMIN);
        assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(200);
        assertThat(JSON.readTree(dryRun.body()).path("deliveries").path("pending").asInt()).isEqualTo(1);
        assertThat(status(held, "to-partner-b")).as("a dry run deletes nothing").isEqualTo("paused");

        HttpResponse<String> deleted = delete("/admin/subscriptions/to-partner-b", ADMIN);
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        assertThat(JSON.readTree(deleted.body()).path("deliveries").asInt()).isEqualTo(1);
        assertThat(get("/admin/subscriptions")).extracting(s -> s.path("id").asText()).containsExactly("to-partner-a");
        assertThat(get("/admin/events/" + held).path("deliveries")).extracting(d -> d.path("subscription").asText())
                .containsExactly("to-partner-a");
    }

    HttpResponse<String> delete(String path, Map<String, String> auth) throws Exception {
        return Http.delete(gateway.url(path), auth);
    }

    JsonNode subscription(String id) throws Exception {
        for (JsonNode s : get("/admin/subscriptions")) {
            if (s.path("id").asText().equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no subscription " + id);
    }

    @Test
    void anOrderedSubscriptionShowsWhichKeyAFailingDeliveryHolds() throws Exception {
        partnerA.always(500);
        String routes = RouteFiles.write(dir.resolve("ordered.yaml"),
                RouteFiles.githubIn("/webhooks/github", SECRET, "github"),
                RouteFiles.withInboxOptions(RouteFiles.webhookOut(
                        "ordered", "github", partnerA.url("/a")), "fifo=true&retrySchedule=10m"));
        start(routes, Map.of());
        String first = push("push");
        String second = push("push");

        await().atMost(Duration.ofSeconds(10)).until(() -> get("/admin/subscriptions/ordered/held-keys")
                .path("heldKeys").size() == 1);
        JsonNode held = get("/admin/subscriptions/ordered/held-keys").path("heldKeys").get(0);
        assertThat(held.path("key").asText()).isEmpty(); // fifo: one key for every event
        assertThat(held.path("eventId").asText()).isEqualTo(first);
        assertThat(held.path("status").asText()).isEqualTo("pending");
        assertThat(held.path("attempts").asInt()).isEqualTo(1);
        assertThat(held.path("lastError").asText()).isEqualTo("HTTP 500 Internal Server Error");
        assertThat(held.path("waiting").asInt()).isEqualTo(1);
        assertThat(status(second, "ordered")).isEqualTo("pending");
        assertThat(webhookIds(partnerA)).containsExactly(first);
    }

    @Test
    void aTokenIsNeededAndAReadTokenOnlyReads() throws Exception {
        start();
        assertError(gateway.get("/admin/events", Map.of()), 401);
        assertError(gateway.get("/admin/events", Map.of("Authorization", "Bearer admin-tokeN")), 401);
        assertThat(gateway.get("/admin/events", READER).statusCode()).isEqualTo(200);
        assertError(post("/admin/subscriptions/to-partner-b/pause", "", READER), 403);
        assertError(post("/admin/deliveries/replay", "{}", Map.of()), 401);
        assertThat(subscription("to-partner-b").path("paused").asBoolean()).isFalse();
        assertThat(post("/admin/subscriptions/to-partner-b/pause", "", ADMIN).statusCode()).isEqualTo(200);

        HttpResponse<String> openApi = gateway.get("/admin/openapi.json", Map.of());
        assertThat(openApi.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(openApi.body()).path("paths").has("/admin/deliveries/replay")).isTrue();
    }

    @Test
    void withoutATokenOnlyLoopbackCallersGetIn() throws Exception {
        InetAddress external = null;
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(n.getInetAddresses())) {
                if (n.isUp() && a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    external = a;
                }
            }
        }
        assumeThat(external).as("a non-loopback IPv4 address on this machine").isNotNull();
        // without camel-main's management server (an application embedding Hookbridge), the admin API shares the
        // webhooks' listener, here on every address
        start(Map.of("camel.server.host", "0.0.0.0", "camel.management.enabled", "false"));
        assertThat(gateway.adminPort()).isEqualTo(gateway.port());

        assertThat(gateway.get("/admin/events", Map.of()).statusCode()).isEqualTo(200);
        // a reverse proxy on this host connects from loopback on behalf of anyone
        assertError(gateway.get("/admin/events", Map.of("X-Forwarded-For", "203.0.113.9")), 403);
        HttpResponse<String> fromOutside = Http.get("http://" + external.getHostAddress() + ":" + gateway.port()
                + "/admin/events", Map.of());
        assertError(fromOutside, 403);
    }

    @Test
    void theAdminApiHasItsOwnListenerAndRefusesOtherSitesInTheBrowser() throws Exception {
        start(Map.of());
        String webhooks = "http://127.0.0.1:" + gateway.port();
        String admin = "http://127.0.0.1:" + managementPort;

        assertThat(gateway.adminPort()).isEqualTo(managementPort);
        assertThat(Http.get(admin + "/admin/events", Map.of()).statusCode()).isEqualTo(200);
        assertThat(Http.get(admin + "/observe/health", Map.of()).statusCode()).isEqualTo(200);
        assertThat(Http.get(webhooks + "/admin/events", Map.of()).statusCode()).as("webhooks only").isEqualTo(404);
        assertThat(Http.get(webhooks + "/admin/openapi.json", Map.of()).statusCode()).isEqualTo(404);
        // a page of another site posting from the operator's browser
        assertError(Http.post(admin + "/admin/subscriptions/to-partner-b/pause", new byte[0],
                Map.of("Origin", "https://attacker.example")), 403);
        assertThat(subscription("to-partner-b").path("paused").asBoolean()).isFalse();
        assertThat(Http.post(admin + "/admin/subscriptions/to-partner-b/pause", new byte[0],
                Map.of("Origin", admin)).statusCode()).as("the console's own origin").isEqualTo(200);
        // a page of another site whose name now resolves to 127.0.0.1 (DNS rebinding) sends its own Host
        assertThat(rawGet(managementPort, "/admin/events", "attacker.example:" + managementPort)).startsWith("HTTP/1.1 403");
        assertThat(rawGet(managementPort, "/admin/events", "localhost:" + managementPort)).startsWith("HTTP/1.1 200");
    }

    @Test
    void bindingTheAdminListenerBeyondLoopbackNeedsAToken() throws Exception {
        Throwable refused = catchThrowable(() -> start(Map.of("camel.management.host", "0.0.0.0")));
        if (refused instanceof TestAbortedException noStoreHere) {
            throw noStoreHere;
        }
        assertThat(refused).hasStackTraceContaining("camel.management.host=0.0.0.0 would serve the admin API and "
                + "console beyond this machine without a token: set hookbridge.admin.token");

        start(Map.of("camel.management.host", "0.0.0.0", "hookbridge.admin.read-token", "read-token"));
        assertThat(Http.get("http://127.0.0.1:" + managementPort + "/admin/events", Map.of()).statusCode())
                .isEqualTo(401);
    }

    /** A GET with a Host header of our choosing (the JDK's client sets its own). */
    static String rawGet(int port, String path, String host) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void metricsAndHealthTellTheStoryOfTheTraffic() throws Exception {
        start(Map.of("camel.component.inbox.backlog-threshold", "0"));
        partnerB.answer(400);
        String first = push("push", "delivery-1");
        awaitStatus(first, "to-partner-b", "dead");
        String second = push("push", "delivery-2");
        awaitStatus(second, "to-partner-b", "delivered");
        assertThat(push("push", "delivery-2")).as("a provider's retry").isEqualTo(second);
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        assertThat(gateway.post("/webhooks/github", body, Signatures.githubHeaders("wrong", "push", "x", body))
                .statusCode()).isEqualTo(401);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics())
                .contains("hookbridge_events_received_total{outcome=\"accepted\",reason=\"\",source=\"github\"} 2.0")
                .contains("hookbridge_events_received_total{outcome=\"duplicate\",reason=\"\",source=\"github\"} 1.0")
                .contains("hookbridge_events_received_total{outcome=\"rejected\",reason=\"401\",source=\"github\"} 1.0")
                .contains("hookbridge_deliveries_total{outcome=\"delivered\",subscription=\"to-partner-a\"} 2.0")
                .contains("hookbridge_deliveries_total{outcome=\"dead\",subscription=\"to-partner-b\"} 1.0")
                .contains("hookbridge_attempt_duration_seconds_count{subscription=\"to-partner-b\"} 2")
                .contains("hookbridge_dead{subscription=\"to-partner-b\"} 1.0")
                .contains("hookbridge_backlog{subscription=\"to-partner-a\"} 0.0")
                .containsPattern("hookbridge_store_commit_seconds_count\\{writer=\"(ingest|writer)\"} [1-9]"));

        // the console's overview: the last hour of this instance, minute by minute
        JsonNode overview = get("/admin/overview");
        assertThat(overview.path("minutes")).hasSize(60);
        assertThat(overview.path("store").path("state").asText()).isEqualTo("up");
        long received = 0;
        long delivered = 0;
        long failed = 0;
        for (JsonNode minute : overview.path("minutes")) {
            received += minute.path("received").asLong();
            delivered += minute.path("delivered").asLong();
            failed += minute.path("failed").asLong();
        }
        assertThat(received).as("the duplicate and the refused one are not events").isEqualTo(2);
        assertThat(delivered).isEqualTo(3);
        assertThat(failed).isEqualTo(1);
        JsonNode b = overview.path("subscriptions").path("to-partner-b");
        assertThat(b.path("attempts").asLong()).isEqualTo(2);
        assertThat(b.path("successRate").asDouble()).isEqualTo(0.5);
        assertThat(overview.path("subscriptions").path("to-partner-a").path("successRate").asDouble()).isEqualTo(1.0);

        JsonNode inbox = inboxHealth();
        assertThat(inbox.path("status").asText()).isEqualTo("UP");
        assertThat(inbox.path("data").path("degraded").asBoolean()).isFalse();
        post("/admin/subscriptions/to-partner-b/pause", "");
        push("push");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics())
                .contains("hookbridge_backlog{subscription=\"to-partner-b\"} 1.0"));
        inbox = inboxHealth();
        assertThat(inbox.path("status").asText()).as("ingest still works").isEqualTo("UP");
        assertThat(inbox.path("data").path("degraded").asBoolean()).isTrue();
        assertThat(inbox.path("message").asText()).isEqualTo("backlog over 0 for to-partner-b");
    }

    String metrics() throws Exception {
        return Http.get("http://127.0.0.1:" + managementPort + "/observe/metrics", Map.of()).body();
    }

    /** The inbox's check, as an operator asks for it: with every check's details. */
    JsonNode inboxHealth() throws Exception {
        HttpResponse<String> r = Http.get("http://127.0.0.1:" + managementPort
                + "/observe/health?exposureLevel=full&data=true", Map.of());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode root = JSON.readTree(r.body());
        assertThat(root.path("status").asText()).isEqualTo("UP");
        for (JsonNode check : root.path("checks")) {
            if (check.path("name").asText().equals("hookbridge-inbox")) {
                return check;
            }
        }
        throw new AssertionError("no hookbridge-inbox check in " + r.body());
    }
}
