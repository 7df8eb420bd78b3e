package io.hookbridge.admin;

import java.util.Map;

import io.hookbridge.inbox.InboxHistory;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.apache.camel.model.rest.RestParamType;
import org.apache.camel.spi.PropertiesComponent;

/**
 * The admin API under {@code /admin} on the admin listener (camel-main's management server, 127.0.0.1:9876 by default,
 * see {@link io.hookbridge.MainServerHttpEngine}), in Camel's REST DSL (its OpenAPI document at
 * {@code /admin/openapi.json}): events, deliveries and their attempts, replay (one delivery, one event, or in bulk
 * with a dry run), subscriptions with pause / resume / retry-dead. Access: see {@link AdminAccess}. Off with
 * {@code hookbridge.admin.enabled=false}.
 */
public class AdminRoutes extends RouteBuilder {

    private static boolean managementServer(PropertiesComponent properties) {
        return properties.resolveProperty("camel.management.enabled").map(Boolean::parseBoolean).orElse(false);
    }

    @Override
    public void configure() {
        PropertiesComponent properties = getContext().getPropertiesComponent();
        if (!Boolean.parseBoolean(properties.resolveProperty("hookbridge.admin.enabled").orElse("true"))) {
            return;
        }
        AdminApi api = new AdminApi(getContext());

        // the context's REST configuration: only the server component and the API document, so that a user's own
        // REST routes keep their binding (the admin API sets JSON binding on its own routes below)
        restConfiguration().component("platform-http")
                .apiContextPath("/admin/openapi.json")
                .apiProperty("api.title", "Hookbridge admin API")
                .apiProperty("api.version", "1")
                .apiProperty("api.description", "Events, deliveries, attempts, replays and subscriptions of the inbox");

        onException(Exception.class).handled(true).bean(api, "error");
        AdminAccess access = AdminAccess.from(properties);
        String host = properties.resolveProperty("camel.management.host").orElse("0.0.0.0");
        if (managementServer(properties) && !AdminAccess.isLoopback(host) && !access.hasToken()) {
            throw new IllegalArgumentException("camel.management.host=" + host + " would serve the admin API and console"
                    + " beyond this machine without a token: set hookbridge.admin.token (and hookbridge.admin.read-token"
                    + " for read-only access), or keep camel.management.host=127.0.0.1");
        }
        // one route per operation, access checked in it (so that a refusal takes the onException above); an answer
        // carries no header but its status and content type (query parameters, which are message headers, would
        // otherwise be sent back)
        for (String operation : new String[] { "events", "event", "delivery", "replayEvent", "replayDelivery",
                "deliveries", "replay", "subscriptions", "heldKeys", "pause", "resume", "retryDead", "deleteSubscription",
                "overview" }) {
            from("direct:hookbridge-admin-" + operation).routeId("hookbridge-admin-" + operation)
                    .process(access)
                    .bean(api, operation)
                    .removeHeaders("*", "CamelHttpResponseCode");
        }

        // the operator console: static files over the API above
        from("platform-http:/console?matchOnUriPrefix=true&httpMethodRestrict=GET").routeId("hookbridge-console")
                .process(new ConsoleFiles());

        rest("/admin").description("Hookbridge operations").bindingMode(RestBindingMode.json).produces("application/json")
                .get("/events").description("Events, newest first; filters combine").outType(AdminApi.EventPage.class)
                    .param().name("inbox").type(RestParamType.query).description("Inbox name").endParam()
                    .param().name("source").type(RestParamType.query).description("Source name, e.g. github").endParam()
                    .param().name("type").type(RestParamType.query).description("Event type, e.g. push").endParam()
                    .param().name("key").type(RestParamType.query)
                        .description("The provider's delivery id (idempotency key), e.g. X-GitHub-Delivery").endParam()
                    .param().name("status").type(RestParamType.query)
                        .description("Events with a delivery in this state: pending (not finished), retrying, paused, "
                                + "delivered, dead, filtered").endParam()
                    .param().name("from").type(RestParamType.query).description("Received at or after (ISO-8601)").endParam()
                    .param().name("to").type(RestParamType.query).description("Received before (ISO-8601)").endParam()
                    .param().name("cursor").type(RestParamType.query).description("The 'next' of the previous page").endParam()
                    .param().name("limit").type(RestParamType.query).dataType("integer")
                        .description("1-1000, default 50").endParam()
                    .to("direct:hookbridge-admin-events")
                .get("/events/{id}").description("One event: headers, body (or a preview), deliveries")
                    .outType(InboxHistory.EventDetail.class)
                    .to("direct:hookbridge-admin-event")
                .get("/events/{id}/deliveries/{subscription}").description("One delivery with its attempt log")
                    .outType(AdminApi.DeliveryDetail.class)
                    .to("direct:hookbridge-admin-delivery")
                .post("/events/{id}/replay").description("Replay an event to all its subscriptions, or to those listed")
                    .param().name("subscription").type(RestParamType.query)
                        .description("Comma-separated subscriptions").endParam()
                    .to("direct:hookbridge-admin-replayEvent")
                .post("/events/{id}/deliveries/{subscription}/replay").description("Replay one delivery")
                    .to("direct:hookbridge-admin-replayDelivery")
                .get("/deliveries").description("Deliveries, newest event first").outType(AdminApi.DeliveryPage.class)
                    .param().name("subscription").type(RestParamType.query).description("Subscription (route id)").endParam()
                    .param().name("status").type(RestParamType.query)
                        .description("pending (not finished), retrying, paused, delivered, dead or filtered").endParam()
                    .param().name("inbox").type(RestParamType.query).endParam()
                    .param().name("source").type(RestParamType.query).endParam()
                    .param().name("type").type(RestParamType.query).endParam()
                    .param().name("from").type(RestParamType.query).description("ISO-8601").endParam()
                    .param().name("to").type(RestParamType.query).description("ISO-8601").endParam()
                    .param().name("cursor").type(RestParamType.query).endParam()
                    .param().name("limit").type(RestParamType.query).dataType("integer").endParam()
                    .to("direct:hookbridge-admin-deliveries")
                .post("/deliveries/replay").type(Map.class)
                    .description("Bulk replay of what a filter matches (JSON: subscription, status (default dead), inbox, "
                                 + "source, type, from, to, dryRun); answers the count matched and replayed")
                    .to("direct:hookbridge-admin-replay")
                .get("/overview").description("This instance's last hour, minute by minute (events accepted, attempts "
                        + "delivered and failed, backlog), and each subscription's attempts, success rate and mean time per "
                        + "attempt over it; kept in memory since the start")
                    .to("direct:hookbridge-admin-overview")
                .get("/subscriptions").description("Subscriptions with their backlog, last success and failure, state")
                    .outType(AdminApi.SubscriptionState[].class)
                    .to("direct:hookbridge-admin-subscriptions")
                .get("/subscriptions/{id}/held-keys")
                    .description("An ordered subscription's keys held by a failed delivery, with what waits behind it")
                    .outType(AdminApi.HeldKeys.class)
                    .to("direct:hookbridge-admin-heldKeys")
                .post("/subscriptions/{id}/pause").description("Stop delivering (deliveries are kept)")
                    .to("direct:hookbridge-admin-pause")
                .post("/subscriptions/{id}/resume").description("Deliver again, e.g. after a 410 pause")
                    .to("direct:hookbridge-admin-resume")
                .post("/subscriptions/{id}/retry-dead").description("Replay every dead delivery of the subscription")
                    .to("direct:hookbridge-admin-retryDead")
                .delete("/subscriptions/{id}")
                    .description("Forget a subscription whose route is gone, with its deliveries (pending ones too)")
                    .param().name("dryRun").type(RestParamType.query).dataType("boolean")
                        .description("Only count its deliveries by status").endParam()
                    .to("direct:hookbridge-admin-deleteSubscription");
    }
}
