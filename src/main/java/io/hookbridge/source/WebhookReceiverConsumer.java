package io.hookbridge.source;

import java.util.Map;

import io.hookbridge.inbox.InboxHeaders;
import io.hookbridge.inbox.InboxUnavailableException;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a platform-http consumer on the endpoint's path and wraps the route: before it, the raw body is read within
 * limits and the verifier runs; after it, the reply is shaped. The provider gets the route's status and body (the
 * inbox receipt), a 4xx with a short JSON reason when its request is refused, or 503 when the event could not be
 * stored, so it retries. Only the content type leaves as a header: request headers are never echoed.
 */
public class WebhookReceiverConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiverConsumer.class);

    private final WebhookReceiverEndpoint endpoint;
    private Consumer http;

    public WebhookReceiverConsumer(WebhookReceiverEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        Endpoint platformHttp = getEndpoint().getCamelContext().getEndpoint("platform-http:" + endpoint.getPath()
                + "?httpMethodRestrict=" + endpoint.getHttpMethods() + "&useBodyHandler=false&muteException=true");
        http = platformHttp.createConsumer(this::handle);
        ServiceHelper.initService(http);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        ServiceHelper.startService(http);
    }

    @Override
    protected void doStop() throws Exception {
        ServiceHelper.stopService(http);
        super.doStop();
    }

    @Override
    protected void doShutdown() throws Exception {
        ServiceHelper.stopAndShutdownService(http);
        super.doShutdown();
    }

    private void handle(Exchange exchange) {
        Message m = exchange.getMessage();
        try {
            // a caller must not set what only sources and the inbox may say
            m.getHeaders().keySet().removeIf(name -> name.regionMatches(true, 0, InboxHeaders.PREFIX, 0,
                    InboxHeaders.PREFIX.length()));
            Object body = m.getBody();
            byte[] bytes = body instanceof HttpServerRequest request
                    ? RequestBody.read(request, endpoint.getMaxBodySize(), endpoint.getBodyTimeout())
                    : m.getBody(byte[].class);
            m.setBody(bytes == null ? new byte[0] : bytes);
            if (endpoint.getSource() != null) {
                m.setHeader(InboxHeaders.SOURCE, endpoint.getSource());
            }
            if (endpoint.getVerifier() != null) {
                endpoint.getVerifier().process(exchange);
            }
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        Exception failure = exchange.getException();
        if (failure != null) {
            exchange.setException(null);
            replyWithError(exchange, failure);
        } else {
            keepOnlyReplyHeaders(exchange.getMessage());
        }
    }

    private void replyWithError(Exchange exchange, Exception failure) {
        Message m = exchange.getMessage();
        int status;
        String reason;
        if (failure instanceof WebhookRejection rejection) {
            status = rejection.getStatus();
            reason = rejection.getMessage();
            LOG.info("Refused a webhook on {}: {} {}", endpoint.getPath(), status, reason);
        } else if (org.apache.camel.util.ObjectHelper.getException(InboxUnavailableException.class, failure) != null) {
            status = 503;
            reason = "the event could not be stored; retry later";
            LOG.error("Could not store a webhook received on {}", endpoint.getPath(), failure);
        } else {
            status = 500;
            reason = "internal error";
            LOG.error("Failed handling a webhook received on {}", endpoint.getPath(), failure);
        }
        m.getHeaders().clear();
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setBody(Json.error(reason));
    }

    private static void keepOnlyReplyHeaders(Message m) {
        Map<String, Object> headers = m.getHeaders();
        Object status = headers.get(Exchange.HTTP_RESPONSE_CODE);
        Object contentType = headers.get(Exchange.CONTENT_TYPE);
        headers.clear();
        if (status != null) {
            headers.put(Exchange.HTTP_RESPONSE_CODE, status);
        }
        if (contentType != null) {
            headers.put(Exchange.CONTENT_TYPE, contentType);
        }
    }
}
