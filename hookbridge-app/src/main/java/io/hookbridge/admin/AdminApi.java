package io.hookbridge.admin;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookbridge.inbox.DeliveryStatus;
import io.hookbridge.inbox.InboxComponent;
import io.hookbridge.inbox.InboxConsumer;
import io.hookbridge.inbox.InboxHistory.DeliveryFilter;
import io.hookbridge.inbox.InboxHistory.DeliveryView;
import io.hookbridge.inbox.InboxHistory.EventDetail;
import io.hookbridge.inbox.InboxHistory.EventFilter;
import io.hookbridge.inbox.InboxHistory.EventSummary;
import io.hookbridge.inbox.InboxHistory.HeldKey;
import io.hookbridge.inbox.InboxHistory.SubscriptionView;
import io.hookbridge.inbox.InboxMetrics;
import io.hookbridge.inbox.InboxStore;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.health.HealthCheckHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the admin API does, one method per operation; the REST routes bind requests to these. */
public class AdminApi {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;
    /** Deliveries replayed per transaction in a bulk replay. */
    static final int REPLAY_BATCH = 500;
    static final int DELETE_BATCH = 2000;

    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CamelContext context;

    public AdminApi(CamelContext context) {
        this.context = context;
    }

    /** A page of events, and the cursor of the next page (null on the last). */
    public record EventPage(List<EventSummary> items, String next) {
    }

    /** A page of deliveries, and the cursor of the next page (null on the last). */
    public record DeliveryPage(List<DeliveryView> items, String next) {
    }

    /** One delivery with its attempt log. */
    public record DeliveryDetail(@JsonUnwrapped DeliveryView delivery, List<AttemptView> attempts) {
    }

    /** One attempt: when, how long, its verdict, the destination's status and answer, the instance that made it. */
    public record AttemptView(int attempt, String startedAt, long durationMs, String outcome, Integer httpStatus,
            String error, String response, String instance) {
    }

    /** A subscription as the store knows it, and whether its route runs on this instance. */
    public record SubscriptionState(@JsonUnwrapped SubscriptionView subscription, boolean running, String state) {
    }

    /** An ordered subscription's keys held by a failed delivery. */
    public record HeldKeys(String subscription, List<HeldKey> heldKeys) {
    }

    private InboxComponent inbox() {
        return context.getComponent("inbox", InboxComponent.class);
    }

    public EventPage events(@Header("inbox") String inbox, @Header("source") String source,
            @Header("type") String type, @Header("key") String key, @Header("status") String status,
            @Header("from") String from, @Header("to") String to, @Header("cursor") String cursor,
            @Header("limit") String limit) throws Exception {
        int n = limit(limit);
        List<EventSummary> items = inbox().getHistory().events(new EventFilter(blank(inbox), blank(source),
                blank(type), blank(key), status(status), time("from", from), time("to", to), blank(cursor), n));
        return new EventPage(items, items.size() == n ? items.get(n - 1).id() : null);
    }

    public EventDetail event(@Header("id") String id) throws Exception {
        EventDetail event = inbox().getHistory().event(id);
        if (event == null) {
            throw new AdminException(404, "no event " + id);
        }
        return event;
    }

    public DeliveryDetail delivery(@Header("id") String eventId, @Header("subscription") String subscription)
            throws Exception {
        List<DeliveryView> found = inbox().getHistory().deliveries(new DeliveryFilter(subscription, null, null,
                null, null, null, null, null, 1), eventId);
        if (found.isEmpty()) {
            throw new AdminException(404, "no delivery of " + eventId + " to " + subscription);
        }
        List<AttemptView> attempts = new ArrayList<>();
        for (InboxStore.Attempt a : inbox().getStore().attempts(eventId, subscription)) {
            attempts.add(new AttemptView(a.attempt(), Instant.ofEpochMilli(a.startedAt()).toString(), a.durationMs(),
                    a.verdict(), a.httpStatus(), a.error(), a.response(), a.instance()));
        }
        return new DeliveryDetail(found.get(0), attempts);
    }

    public DeliveryPage deliveries(@Header("subscription") String subscription, @Header("status") String status,
            @Header("inbox") String inbox, @Header("source") String source, @Header("type") String type,
            @Header("from") String from, @Header("to") String to, @Header("cursor") String cursor,
            @Header("limit") String limit) throws Exception {
        int n = limit(limit);
        List<DeliveryView> items = inbox().getHistory().deliveries(new DeliveryFilter(blank(subscription),
                status(status), blank(inbox), blank(source), blank(type), time("from", from), time("to", to),
                blank(cursor), n), null);
        DeliveryView last = items.size() == n ? items.get(n - 1) : null;
        return new DeliveryPage(items, last == null ? null : last.eventId() + "." + last.subscription());
    }

    public Map<String, Object> replayEvent(@Header("id") String id, @Header("subscription") String subscriptions)
            throws Exception {
        event(id);
        Set<String> only = blank(subscriptions) == null ? null : Arrays.stream(subscriptions.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toCollection(LinkedHashSet::new));
        int replayed = inbox().getStore().replay(id, only).get(60, TimeUnit.SECONDS);
        inbox().wake();
        LOG.info("Admin: replayed event {} to {} deliveries", id, replayed);
        return Map.of("replayed", replayed);
    }

    public Map<String, Object> replayDelivery(@Header("id") String eventId, @Header("subscription") String subscription)
            throws Exception {
        delivery(eventId, subscription);
        return replayEvent(eventId, subscription);
    }

    /**
     * Replays what a filter matches (default: dead deliveries); {@code dryRun} only counts. The body is a JSON object
     * with subscription, status, inbox, source, type, from, to, dryRun.
     */
    public Map<String, Object> replay(Exchange exchange) throws Exception {
        Map<?, ?> body = exchange.getMessage().getBody(Map.class);
        Map<?, ?> q = body == null ? Map.of() : body;
        DeliveryFilter filter = new DeliveryFilter(text(q, "subscription"),
                text(q, "status") == null ? DeliveryStatus.DEAD : status(text(q, "status")), text(q, "inbox"),
                text(q, "source"), text(q, "type"), time("from", text(q, "from")), time("to", text(q, "to")), null, 0);
        int matched = inbox().getHistory().countDeliveries(filter);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("matched", matched);
        if (Boolean.parseBoolean(String.valueOf(q.get("dryRun")))) {
            answer.put("replayed", 0);
            answer.put("dryRun", true);
            return answer;
        }
        int replayed = inbox().getStore().replayMatching(filter, REPLAY_BATCH);
        inbox().wake();
        LOG.info("Admin: bulk replay of {} deliveries ({})", replayed, q);
        answer.put("replayed", replayed);
        return answer;
    }

    public List<SubscriptionState> subscriptions() throws Exception {
        List<SubscriptionState> subs = new ArrayList<>();
        for (SubscriptionView s : inbox().getHistory().subscriptions()) {
            InboxConsumer consumer = inbox().subscription(s.id());
            subs.add(new SubscriptionState(s, consumer != null && consumer.isRunAllowed(),
                    s.paused() ? "paused" : consumer != null ? "active" : "not running here"));
        }
        return subs;
    }

    public HeldKeys heldKeys(@Header("id") String subscription) throws Exception {
        known(subscription);
        return new HeldKeys(subscription, inbox().getHistory().heldKeys(subscription));
    }

    public Map<String, Object> pause(@Header("id") String subscription) throws Exception {
        known(subscription);
        inbox().setPaused(subscription, true, "paused by an operator");
        return Map.of("subscription", subscription, "paused", true);
    }

    public Map<String, Object> resume(@Header("id") String subscription) throws Exception {
        known(subscription);
        inbox().setPaused(subscription, false, null);
        inbox().wake();
        return Map.of("subscription", subscription, "paused", false);
    }

    public Map<String, Object> retryDead(@Header("id") String subscription) throws Exception {
        known(subscription);
        int replayed = inbox().getStore().replayMatching(new DeliveryFilter(subscription, DeliveryStatus.DEAD, null, null, null,
                null, null, null, 0), REPLAY_BATCH);
        inbox().wake();
        return Map.of("subscription", subscription, "replayed", replayed);
    }

    /**
     * Forgets a subscription whose route is gone: its deliveries (pending ones included, never sent) and their
     * attempts, then the subscription. With {@code dryRun} only counts them. A subscription still consuming here is
     * refused: its route would register it again at once.
     */
    public Map<String, Object> deleteSubscription(@Header("id") String subscription, @Header("dryRun") String dryRun)
            throws Exception {
        known(subscription);
        if (inbox().subscription(subscription) != null) {
            throw new AdminException(409, "subscription " + subscription + " is a route of this gateway: remove the "
                    + "route from the route files (and restart) first");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("subscription", subscription);
        if (Boolean.parseBoolean(dryRun)) {
            answer.put("dryRun", true);
            answer.put("deliveries", inbox().getStore().countByStatus(subscription));
            return answer;
        }
        int deleted = 0;
        for (int batch = DELETE_BATCH; batch == DELETE_BATCH;) {
            batch = inbox().getStore().deleteSubscription(subscription, DELETE_BATCH).get();
            deleted += batch;
        }
        LOG.info("Admin: subscription {} deleted with its {} deliveries", subscription, deleted);
        answer.put("deleted", true);
        answer.put("deliveries", deleted);
        return answer;
    }

    /** This instance's last hour minute by minute, and each subscription's success rate and time per attempt. */
    public Map<String, Object> overview() {
        Map<String, Object> overview = new LinkedHashMap<>(InboxMetrics.of(context).recent().snapshot());
        // the store's health as the health endpoint reports it: up, down, or up with a backlog over the threshold
        HealthCheckHelper.invoke(context, "hookbridge-inbox", Map.of()).ifPresent(r -> overview.put("store",
                Map.of("state", r.getState().name().toLowerCase(Locale.ROOT), "message", r.getMessage().orElse(""))));
        return overview;
    }

    /** Shapes an error as the API answers it. */
    public void error(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        int status = e instanceof AdminException a ? a.getStatus() : e instanceof IllegalArgumentException ? 400 : 500;
        if (status == 500) {
            LOG.error("Admin request failed", e);
        }
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        // a String: an error skips the REST binding's JSON marshalling
        exchange.getMessage().setBody(JSON.createObjectNode().put("error", status == 500 ? "internal error" : e.getMessage())
                .toString());
    }

    private void known(String subscription) throws Exception {
        if (!inbox().getHistory().knows(subscription)) {
            throw new AdminException(404, "no subscription " + subscription);
        }
    }

    private static int limit(String limit) {
        if (blank(limit) == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(limit.trim());
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw new IllegalArgumentException("limit must be a number from 1 to " + MAX_LIMIT);
    }

    private static DeliveryStatus status(String status) {
        return DeliveryStatus.parse(blank(status));
    }

    private static Long time(String name, String value) {
        if (blank(value) == null) {
            return null;
        }
        try {
            return Instant.parse(value.trim()).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 instant such as 2026-11-29T08:00:00Z");
        }
    }

    private static String text(Map<?, ?> map, String key) {
        Object v = map.get(key);
        return v == null ? null : blank(v.toString());
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
