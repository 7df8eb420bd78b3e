package io.hookbridge.source;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * Receives webhooks on the gateway's HTTP server. The route sees the body as the exact bytes received, only after the
 * verifier accepted the request; the provider gets back the route's reply (for an inbox, its receipt) or a short JSON
 * error, never its own request headers.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "webhook-receiver", title = "Webhook receiver", syntax = "webhook-receiver:path",
             consumerOnly = true, category = { Category.HTTP })
public class WebhookReceiverEndpoint extends DefaultEndpoint {

    @UriPath(description = "The HTTP path providers post to")
    @Metadata(required = true)
    private final String path;

    @UriParam(description = "Checks each request before the route runs; throws WebhookRejection (e.g. 401) to refuse it. "
                            + "Without one, every request is accepted.")
    private Processor verifier;

    @UriParam(description = "Answers a provider's subscription handshake before verification (e.g. a challenge echo); "
                            + "when it sets CamelHttpResponseCode, that is the answer and the route does not run")
    private Processor handshake;

    @UriParam(description = "A request header holding the provider's delivery id, copied to HookbridgeIdempotencyKey")
    private String idempotencyHeader;

    @UriParam(description = "A request header holding the event type, copied to HookbridgeEventType")
    private String eventTypeHeader;

    @UriParam(description = "A JSONPath to the provider's event id in a JSON body (e.g. $.id), for HookbridgeIdempotencyKey")
    private String idempotencyJsonPath;

    @UriParam(description = "A JSONPath to the event type in a JSON body (e.g. $.type), for HookbridgeEventType")
    private String eventTypeJsonPath;

    @UriParam(defaultValue = "1048576", description = "Largest accepted body in bytes; a larger one gets 413")
    private long maxBodySize = 1024 * 1024;

    @UriParam(defaultValue = "10000",
              description = "Milliseconds the whole body may take to arrive; then 408 and the connection is closed")
    private long bodyTimeout = 10_000;

    @UriParam(defaultValue = "POST", description = "The HTTP methods accepted, comma-separated; others get 405")
    private String httpMethods = "POST";

    @UriParam(description = "The media types accepted, comma-separated (parameters such as charset do not matter), "
                            + "e.g. application/json; another or a missing Content-Type gets 415. Empty accepts any. "
                            + "A JSON body must be well-formed (400 otherwise).")
    private String contentTypes;

    @UriParam(description = "The source name stored with each event (header HookbridgeSource)")
    private String source;

    public WebhookReceiverEndpoint(String uri, WebhookReceiverComponent component, String path) {
        super(uri, component);
        this.path = path;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("webhook-receiver: only receives; use kamelet:webhook-sink to send");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        WebhookReceiverConsumer consumer = new WebhookReceiverConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    public String getPath() {
        return path;
    }

    public Processor getVerifier() {
        return verifier;
    }

    public void setVerifier(Processor verifier) {
        this.verifier = verifier;
    }

    public Processor getHandshake() {
        return handshake;
    }

    public void setHandshake(Processor handshake) {
        this.handshake = handshake;
    }

    public String getIdempotencyHeader() {
        return idempotencyHeader;
    }

    public void setIdempotencyHeader(String idempotencyHeader) {
        this.idempotencyHeader = blankToNull(idempotencyHeader);
    }

    public String getEventTypeHeader() {
        return eventTypeHeader;
    }

    public void setEventTypeHeader(String eventTypeHeader) {
        this.eventTypeHeader = blankToNull(eventTypeHeader);
    }

    public String getIdempotencyJsonPath() {
        return idempotencyJsonPath;
    }

    public void setIdempotencyJsonPath(String idempotencyJsonPath) {
        this.idempotencyJsonPath = blankToNull(idempotencyJsonPath);
    }

    public String getEventTypeJsonPath() {
        return eventTypeJsonPath;
    }

    public void setEventTypeJsonPath(String eventTypeJsonPath) {
        this.eventTypeJsonPath = blankToNull(eventTypeJsonPath);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    public long getMaxBodySize() {
        return maxBodySize;
    }

    public void setMaxBodySize(long maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    public long getBodyTimeout() {
        return bodyTimeout;
    }

    public void setBodyTimeout(long bodyTimeout) {
        this.bodyTimeout = bodyTimeout;
    }

    public String getHttpMethods() {
        return httpMethods;
    }

    public void setHttpMethods(String httpMethods) {
        this.httpMethods = httpMethods;
    }

    public String getContentTypes() {
        return contentTypes;
    }

    public void setContentTypes(String contentTypes) {
        this.contentTypes = contentTypes;
    }

    public String getSource() {
        return source;
    }

    public void setSource(String source) {
        this.source = blankToNull(source);
    }
}
