package io.hookbridge.inbox;

import java.time.Duration;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.MultipleConsumersSupport;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.Route;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * A durable publish/subscribe channel. Producing stores the event (synced to disk before the producer returns);
 * every route consuming the same name is a durable subscription with its own retries.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "inbox", title = "Inbox", syntax = "inbox:name",
             category = { Category.MESSAGING }, headersClass = InboxHeaders.class)
public class InboxEndpoint extends DefaultEndpoint implements MultipleConsumersSupport {

    @UriPath(description = "The inbox name: producers and consumers of the same name form one channel")
    @Metadata(required = true)
    private final String name;

    @UriParam(label = "consumer", defaultValue = RetrySchedule.DEFAULT,
              description = "Delays between durable retries once the route's own error handler gave up, e.g. "
                            + "5s,5m,30m,2h (units ms, s, m, h, d); ±20% jitter. After the last one the delivery is dead.")
    private String retrySchedule = RetrySchedule.DEFAULT;

    @UriParam(label = "consumer", defaultValue = "1h",
              description = "The longest delay a destination's Retry-After (on a 429, a 503...) can ask for; the next "
                            + "attempt comes when it asks, up to this (units ms, s, m, h, d). It counts as one attempt "
                            + "of the retrySchedule.")
    private String maxRetryAfter = "1h";

    @UriParam(label = "consumer",
              description = "A JSONPath into the event (e.g. $.repository.full_name, $.data.object.customer): events "
                            + "with the same value are delivered one at a time, in the order received, across every "
                            + "instance; a failing one holds its key only. Events without it are not ordered.")
    private String orderingKey;

    @UriParam(label = "consumer", defaultValue = "false",
              description = "Deliver every event of this subscription one at a time, in the order received")
    private boolean fifo;

    @UriParam(label = "consumer", defaultValue = "block", enums = "block,skip",
              description = "With orderingKey or fifo, what a dead delivery does to the events after it: block (they "
                            + "wait until it is replayed and delivered) or skip (they go on)")
    private String orderingOnFailure = "block";
    /** The ordering the options above describe, made once (a producer asks on every event). */
    private volatile Ordering ordering;

    @UriParam(label = "consumer", defaultValue = "5d",
              description = "A subscription whose attempts have all failed for this long (at least 3 of them) pauses "
                            + "itself, as on a 410: its deliveries wait, nothing is lost, and resuming continues them. "
                            + "Units ms, s, m, h, d; 0 never pauses.")
    private String autoPause = "5d";

    @UriParam(label = "consumer",
              description = "At most this many attempts per period to this subscription, across every instance sharing "
                            + "the store: 10 (per second), 10/1s, 600/1m. Attempts are spaced evenly; waiting for the "
                            + "limit is not an attempt and spends nothing of the retrySchedule.")
    private String rateLimit;

    @UriParam(label = "consumer", defaultValue = "8",
              description = "How many deliveries of this subscription run in parallel")
    private int concurrency = 8;

    @UriParam(label = "consumer", defaultValue = "1000",
              description = "How many deliveries this subscription holds in memory; beyond that they wait in the database")
    private int bufferSize = 1000;

    @UriParam(label = "consumer", defaultValue = "1000",
              description = "Milliseconds between looks in the database for due retries and deliveries left waiting")
    private long pollInterval = 1000;

    @UriParam(label = "consumer",
              description = "The durable subscription name; defaults to the route id (which then must be set)")
    private String subscription;

    @UriParam(label = "consumer", defaultValue = "10",
              description = "After this many failed attempts in a row (5xx, 429, timeouts, refused connections...) the "
                            + "subscription holds its deliveries, 1 s at first, then twice as long after each failed "
                            + "try, up to maxBackoff, until an attempt succeeds; nothing is lost and no retry is spent "
                            + "meanwhile. 0 never holds.")
    private int backoffAfter = 10;

    @UriParam(label = "consumer", defaultValue = "30000",
              description = "Milliseconds a subscription holds its deliveries at most between two tries of a failing "
                            + "destination (see backoffAfter)")
    private long maxBackoff = 30_000;

    public InboxEndpoint(String uri, InboxComponent component, String name) {
        super(uri, component);
        this.name = name;
    }

    @Override
    public InboxComponent getComponent() {
        return (InboxComponent) super.getComponent();
    }

    /** Several routes may consume the same URI: each is its own subscription. */
    @Override
    public boolean isMultipleConsumersSupported() {
        return true;
    }

    @Override
    public Producer createProducer() {
        return new InboxProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        InboxConsumer consumer = new InboxConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    /** The subscription a route consuming an inbox stands for: its subscription option, else its route id. */
    static String subscriptionName(Route route) {
        InboxEndpoint e = (InboxEndpoint) route.getEndpoint();
        if (e.getSubscription() != null) {
            return e.getSubscription();
        }
        if (!route.isCustomId()) {
            throw new IllegalArgumentException("The route consuming " + e.getEndpointUri()
                    + " needs an explicit id: the id names its durable subscription");
        }
        return route.getRouteId();
    }

    public String getName() {
        return name;
    }

    public String getRetrySchedule() {
        return retrySchedule;
    }

    public void setRetrySchedule(String retrySchedule) {
        RetrySchedule.parse(retrySchedule); // fail at start-up, not at the first failure
        this.retrySchedule = retrySchedule;
    }

    public String getMaxRetryAfter() {
        return maxRetryAfter;
    }

    public void setMaxRetryAfter(String maxRetryAfter) {
        try {
            Durations.parse(maxRetryAfter); // fail at start-up, not at the first Retry-After
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("maxRetryAfter: " + e.getMessage(), e);
        }
        this.maxRetryAfter = maxRetryAfter;
    }

    /** This subscription's ordering, or null if it delivers in parallel. */
    Ordering ordering() {
        if (ordering == null && (orderingKey != null || fifo)) {
            ordering = Ordering.of(this);
        }
        return ordering;
    }

    public String getOrderingKey() {
        return orderingKey;
    }

    public void setOrderingKey(String orderingKey) {
        this.orderingKey = orderingKey == null || orderingKey.isBlank() ? null : orderingKey.trim();
        if (this.orderingKey != null) {
            Ordering.compile(this.orderingKey); // fail at start-up
        }
    }

    public boolean isFifo() {
        return fifo;
    }

    public void setFifo(boolean fifo) {
        this.fifo = fifo;
    }

    public String getOrderingOnFailure() {
        return orderingOnFailure;
    }

    public void setOrderingOnFailure(String orderingOnFailure) {
        if (!"block".equals(orderingOnFailure) && !"skip".equals(orderingOnFailure)) {
            throw new IllegalArgumentException("orderingOnFailure must be block or skip");
        }
        this.orderingOnFailure = orderingOnFailure;
    }

    public String getAutoPause() {
        return autoPause;
    }

    public void setAutoPause(String autoPause) {
        try {
            autoPauseAfter(autoPause); // fail at start-up
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("autoPause: " + e.getMessage(), e);
        }
        this.autoPause = autoPause;
    }

    /** The autoPause duration; zero for never. */
    static Duration autoPauseAfter(String autoPause) {
        return autoPause.trim().equals("0") ? Duration.ZERO : Durations.parse(autoPause);
    }

    public String getRateLimit() {
        return rateLimit;
    }

    public void setRateLimit(String rateLimit) {
        this.rateLimit = rateLimit == null || rateLimit.isBlank() ? null : rateLimit;
        if (this.rateLimit != null) {
            RateLimit.parse(rateLimit); // fail at start-up
        }
    }

    public int getConcurrency() {
        return concurrency;
    }

    public void setConcurrency(int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        this.concurrency = concurrency;
    }

    public int getBufferSize() {
        return bufferSize;
    }

    public void setBufferSize(int bufferSize) {
        if (bufferSize < 1) {
            throw new IllegalArgumentException("bufferSize must be at least 1");
        }
        this.bufferSize = bufferSize;
    }

    public long getPollInterval() {
        return pollInterval;
    }

    public void setPollInterval(long pollInterval) {
        if (pollInterval < 1) {
            throw new IllegalArgumentException("pollInterval must be at least 1 ms");
        }
        this.pollInterval = pollInterval;
    }

    public String getSubscription() {
        return subscription;
    }

    public int getBackoffAfter() {
        return backoffAfter;
    }

    public void setBackoffAfter(int backoffAfter) {
        if (backoffAfter < 0) {
            throw new IllegalArgumentException("backoffAfter must be 0 (never) or more");
        }
        this.backoffAfter = backoffAfter;
    }

    public long getMaxBackoff() {
        return maxBackoff;
    }

    public void setMaxBackoff(long maxBackoff) {
        if (maxBackoff < 1) {
            throw new IllegalArgumentException("maxBackoff must be at least 1 ms");
        }
        this.maxBackoff = maxBackoff;
    }

    public void setSubscription(String subscription) {
        this.subscription = subscription;
    }
}
