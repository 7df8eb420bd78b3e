package io.hookbridge.source;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.hookbridge.RouteOrigin;
import io.hookbridge.inbox.InboxHeaders;
import io.hookbridge.inbox.InboxMetrics;
import io.hookbridge.inbox.InboxProducer;
import io.hookbridge.inbox.InboxUnavailableException;
import io.hookbridge.inbox.IngestPressure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.HttpEndpointModel;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.stream.Collectors.toSet;

/**
 * Serves one webhook path on the gateway's HTTP server (the Vert.x router of Camel's platform-http).
 * <p>
 * The body is read on the event loop, as the exact bytes that arrived, within a size limit (413) and a deadline (408):
 * a slow or oversized sender costs a connection, never one of the worker threads the routes run on. Only then does
 * the exchange go to a worker: the verifier (401 and friends), then the route. The route runs asynchronously: the
 * worker is free again once the inbox has queued the event for its commit, and the exchange completes on the
 * request's event loop (see {@link InboxProducer#RESUME_ON}), which answers; while it waits, it counts towards the
 * {@link IngestPressure} deliveries give way to. The provider gets the status and body the
 * route set (the inbox receipt), a short JSON error when its request is refused, or 503 when the event could not be
 * stored so that it retries. No request header is echoed back, and query parameters do not become headers.
 */
public class WebhookReceiverConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiverConsumer.class);

    private final WebhookReceiverEndpoint endpoint;
    private Route route;
    private Set<String> methods;
    private Set<String> mediaTypes;
    private InboxMetrics metrics;
    private IngestPressure pressure;

    public WebhookReceiverConsumer(WebhookReceiverEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        PlatformHttpComponent http = getEndpoint().getCamelContext().getComponent("platform-http",
                PlatformHttpComponent.class);
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(getEndpoint().getCamelContext(),
                VertxPlatformHttpRouter.getRouterNameFromPort(http.getEngine().getServerPort()));
        metrics = InboxMetrics.of(getEndpoint().getCamelContext());
        pressure = IngestPressure.of(getEndpoint().getCamelContext());
        // before the path is served: a verifier refuses a malformed secret when it starts
        try {
            ServiceHelper.startService(endpoint.getVerifier(), endpoint.getHandshake());
        } catch (RuntimeException e) {
            Throwable cause = e instanceof IllegalArgumentException ? e : e.getCause();
            throw new IllegalArgumentException(RouteOrigin.describe(getEndpoint().getCamelContext(), this) + ": "
                    + (cause == null ? e : cause).getMessage());
        }
        methods = list(endpoint.getHttpMethods()).stream().map(m -> m.toUpperCase(Locale.ROOT)).collect(toSet());
        mediaTypes = list(endpoint.getContentTypes()).stream().map(t -> t.toLowerCase(Locale.ROOT)).collect(toSet());
        for (HttpEndpointModel served : http.getHttpEndpoints()) {
            if (served.getUri().equals(endpoint.getPath())) {
                // the first route on a path would take every call, the other's provider getting its 401s
                throw new IllegalStateException("Two routes serve " + endpoint.getPath() + ": "
                        + RouteOrigin.describe(getEndpoint().getCamelContext(), served.getConsumer()) + " and "
                        + RouteOrigin.describe(getEndpoint().getCamelContext(), this)
                        + "; give each source its own path");
            }
        }
        // every method reaches this route, so that the others get this source's JSON 405 rather than Vert.x's page
        route = router.route(endpoint.getPath());
        route.handler(this::receive);
        http.addHttpEndpoint(endpoint.getPath(), endpoint.getHttpMethods(), null, null, this);
    }

    @Override
    protected void doStop() throws Exception {
        if (route != null) {
            route.remove();
            route = null;
            getEndpoint().getCamelContext().getComponent("platform-http", PlatformHttpComponent.class)
                    .removeHttpEndpoint(endpoint.getPath());
        }
        super.doStop();
    }

    /** On the event loop: collect the body, then hand over to a worker. */
    private void receive(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (!methods.contains(request.method().name())) {
            ctx.response().putHeader("Allow", String.join(", ", methods));
            refuse(ctx, new WebhookRejection(405, "use " + String.join(" or ", methods)), true);
            return;
        }
        long max = endpoint.getMaxBodySize();
        String declared = request.getHeader("Content-Length");
        if (declared != null && declared.length() < 19 && declared.chars().allMatch(Character::isDigit)
                && Long.parseLong(declared) > max) {
            refuse(ctx, tooLarge(max), true);
            return;
        }
        Vertx vertx = ctx.vertx();
        Buffer body = Buffer.buffer();
        long deadline = vertx.setTimer(endpoint.getBodyTimeout(), id -> refuse(ctx,
                new WebhookRejection(408, "the request body did not arrive within " + endpoint.getBodyTimeout() + " ms"),
                true));
        request.handler(chunk -> {
            if (ctx.response().ended()) {
                return;
            }
            if (body.length() + chunk.length() > max) {
                vertx.cancelTimer(deadline);
                refuse(ctx, tooLarge(max), true);
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.exceptionHandler(e -> vertx.cancelTimer(deadline));
        request.endHandler(end -> {
            vertx.cancelTimer(deadline);
            if (!ctx.response().ended()) {
                Context eventLoop = vertx.getOrCreateContext();
                pressure.arrived();
                AtomicBoolean answered = new AtomicBoolean();
                Consumer<Reply> answer = reply -> {
                    if (answered.compareAndSet(false, true)) {
                        pressure.answered();
                    }
                    if (Vertx.currentContext() == eventLoop) {
                        respond(ctx, reply);
                    } else {
                        eventLoop.runOnContext(v -> respond(ctx, reply));
                    }
                };
                vertx.executeBlocking(() -> {
                    process(request, body.getBytes(), eventLoop, answer);
                    return null;
                }, false).onFailure(e -> answer.accept(internalError(e)));
            }
        });
        request.resume();
    }

    /** What the provider gets: status, content type, body. */
    private record Reply(int status, String contentType, Object body) {
    }

    /**
     * On a worker: build the exchange, verify, then run the route, which may complete later on another thread; the
     * reply goes to {@code answer} either way.
     */
    private void process(HttpServerRequest request, byte[] body, Context eventLoop, Consumer<Reply> answer) {
        Exchange exchange = createExchange(false);
        boolean routed = false;
        try {
            Message m = exchange.getMessage();
            request.headers().forEach(h -> {
                // a caller must not set what only Camel, the sources and the inbox may say
                if (!startsWithIgnoreCase(h.getKey(), "camel") && !startsWithIgnoreCase(h.getKey(), InboxHeaders.PREFIX)
                        && !startsWithIgnoreCase(h.getKey(), "org.apache.camel")) {
                    m.setHeader(h.getKey(), h.getValue());
                }
            });
            m.setHeader(Exchange.HTTP_METHOD, request.method().name());
            m.setHeader(Exchange.HTTP_PATH, request.path());
            m.setHeader(Exchange.HTTP_URI, request.uri());
            m.setHeader(Exchange.HTTP_QUERY, request.query());
            if (endpoint.getSource() != null) {
                m.setHeader(InboxHeaders.SOURCE, endpoint.getSource());
            }
            m.setBody(body);
            try {
                if (endpoint.getHandshake() != null) {
                    endpoint.getHandshake().process(exchange);
                    if (m.getHeader(Exchange.HTTP_RESPONSE_CODE) != null) {
                        answer.accept(routeReply(m));
                        return;
                    }
                }
                String mediaType = mediaType(request.getHeader("Content-Type"));
                if (!mediaTypes.isEmpty() && !mediaTypes.contains(mediaType)) {
                    throw new WebhookRejection(415, (mediaType.isEmpty() ? "a Content-Type is needed" : "content type "
                            + mediaType + " is not accepted") + "; send " + String.join(" or ", mediaTypes));
                }
                if (endpoint.getVerifier() != null) {
                    endpoint.getVerifier().process(exchange);
                }
                if (mediaType.equals("application/json") || mediaType.endsWith("+json")) {
                    WellFormedJson.check(body);
                }
                describe(m, body);
            } catch (Exception e) {
                answer.accept(error(e));
                return;
            }
            exchange.setProperty(InboxProducer.RESUME_ON, (Executor) command -> eventLoop.runOnContext(v -> command.run()));
            routed = true;
            getAsyncProcessor().process(exchange, doneSync -> {
                try {
                    answer.accept(exchange.getException() != null ? error(exchange.getException())
                            : routeReply(exchange.getMessage()));
                } finally {
                    releaseExchange(exchange, false);
                }
            });
        } finally {
            if (!routed) {
                releaseExchange(exchange, false);
            }
        }
    }

    /** Sets the idempotency key and event type from the provider's headers or JSON body, as configured. */
    private void describe(Message m, byte[] body) {
        JsonFields json = new JsonFields(body);
        set(m, InboxHeaders.IDEMPOTENCY_KEY, endpoint.getIdempotencyHeader(), endpoint.getIdempotencyJsonPath(), json);
        set(m, InboxHeaders.EVENT_TYPE, endpoint.getEventTypeHeader(), endpoint.getEventTypeJsonPath(), json);
    }

    private static void set(Message m, String target, String headers, String jsonPath, JsonFields json) {
        String value = headers == null ? null : Headers.first(name -> m.getHeader(name, String.class), headers);
        if (value == null && jsonPath != null) {
            value = json.read(jsonPath);
        }
        if (value != null) {
            m.setHeader(target, value);
        }
    }

    /**
     * The route's answer: the status it set, else an inbox's receipt (202 Accepted with the event id, 200 for a
     * duplicate), else 200 with an empty body (never the request back).
     */
    private static Reply routeReply(Message m) {
        Integer status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status == null && m.getHeader(InboxHeaders.EVENT_ID) != null) {
            status = m.getHeader(InboxHeaders.DUPLICATE, false, Boolean.class) ? 200 : 202;
        }
        if (status == null) {
            return new Reply(200, null, null);
        }
        return new Reply(status, m.getHeader(Exchange.CONTENT_TYPE, String.class), m.getBody());
    }

    private Reply error(Exception failure) {
        if (failure instanceof WebhookRejection rejection) {
            return rejected(rejection);
        }
        if (ObjectHelper.getException(InboxUnavailableException.class, failure) != null) {
            LOG.error("Could not store a webhook received on {}", endpoint.getPath(), failure);
            return json(503, "the event could not be stored; retry later");
        }
        return internalError(failure);
    }

    private Reply internalError(Throwable failure) {
        LOG.error("Failed handling a webhook received on {}", endpoint.getPath(), failure);
        return json(500, "internal error");
    }

    private static Reply json(int status, String reason) {
        return new Reply(status, "application/json", Json.error(reason));
    }

    private void refuse(RoutingContext ctx, WebhookRejection rejection, boolean close) {
        if (ctx.response().ended()) {
            return;
        }
        if (close) {
            // the rest of the body is not wanted: do not keep reading it on this connection
            ctx.response().putHeader("Connection", "close");
        }
        respond(ctx, rejected(rejection));
    }

    /** Every refusal is logged and counted with its reason (the status), then answered in JSON. */
    private Reply rejected(WebhookRejection rejection) {
        LOG.info("Refused a webhook on {}: {} {}", endpoint.getPath(), rejection.getStatus(), rejection.getMessage());
        metrics.received(endpoint.getSource(), "rejected",
                Integer.toString(rejection.getStatus()));
        return json(rejection.getStatus(), rejection.getMessage());
    }

    private void respond(RoutingContext ctx, Reply reply) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(reply.status());
        if (reply.contentType() != null) {
            response.putHeader("Content-Type", reply.contentType());
        }
        Object body = reply.body();
        if (body == null) {
            response.end();
        } else if (body instanceof String text) {
            response.end(text);
        } else if (body instanceof byte[] bytes) {
            response.end(Buffer.buffer(bytes));
        } else {
            String text = getEndpoint().getCamelContext().getTypeConverter().tryConvertTo(String.class, body);
            response.end(text == null ? "" : text);
        }
    }

    private static WebhookRejection tooLarge(long max) {
        return new WebhookRejection(413, "the body is larger than " + max + " bytes");
    }

    /** "application/json" of "Application/JSON; charset=utf-8"; empty when there is none. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static List<String> list(String commaSeparated) {
        return commaSeparated == null ? List.of() : Arrays.stream(commaSeparated.split(","))
                .map(String::trim).filter(t -> !t.isEmpty()).toList();
    }

    private static boolean startsWithIgnoreCase(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }
}
