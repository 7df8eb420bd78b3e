package io.hookbridge.inbox;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A durable subscription to an inbox: the route that consumes {@code inbox:NAME}, named by its route id. It gets the
 * events its inbox stores in memory right after their commit, and claims from the database what memory does not hold:
 * deliveries left over from before a restart, retries that fell due, and the overflow of a burst.
 * <p>
 * Each subscription has its own worker threads ({@code concurrency}) and holds at most {@code bufferSize} deliveries
 * (and {@link #BUFFERED_BYTES} of bodies) in memory, so a slow or dead destination only ever holds up itself. A worker
 * never waits for the database: it hands the attempt's outcome to the store, which writes it with the others of its
 * commit, and takes the next delivery. When a burst overflows to the database, the subscription claims the overflow as
 * soon as half its room is free again, so a backlog drains at the speed of the destination.
 */
public class InboxConsumer extends DefaultConsumer {

    /** Bodies held in memory per subscription; beyond that, workers read them from the database when they get there. */
    static final long BUFFERED_BYTES = 8 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(InboxConsumer.class);
    private static final long WRITE_TIMEOUT_SECONDS = 60;

    private final InboxEndpoint endpoint;
    private final RetrySchedule schedule;
    private final Duration maxRetryAfter;
    private final RateLimit rateLimit;
    private final Ordering ordering;
    private final long autoPauseMillis;
    /** The current run of failed attempts: how many, and when the first of them started (0: none). */
    private int failuresInARow;
    private long failingSince;
    /**
     * How many deliveries it holds at most: {@code bufferSize}, or, with a rate limit, what it attempts within half a
     * lease, so that none waits here for its turn until its lease runs out (another instance could then claim it).
     */
    private int capacity;
    private final DestinationBackoff backoff;
    private final BlockingQueue<Delivery> queue = new LinkedBlockingQueue<>();
    /**
     * Deliveries held here: queued, being attempted, or attempted with the outcome not yet written. A poll never hands
     * out one of these twice, and their number is what {@code bufferSize} bounds.
     */
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final AtomicLong bufferedBytes = new AtomicLong();
    private final AtomicBoolean polling = new AtomicBoolean();
    private final AtomicBoolean pollQueued = new AtomicBoolean();
    /**
     * Counts the events stored for this subscription without being handed over in memory; {@link #claimedUpTo} is the
     * count as of the last poll that found no more due deliveries. While they differ, a backlog waits in the store.
     */
    private final AtomicLong overflowed = new AtomicLong(1); // at start: whatever was left in the store
    private volatile long claimedUpTo;
    private String subscription;
    private ExecutorService workers;
    private ScheduledFuture<?> poller;
    private volatile boolean paused;

    public InboxConsumer(InboxEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.schedule = RetrySchedule.parse(endpoint.getRetrySchedule());
        this.maxRetryAfter = Durations.parse(endpoint.getMaxRetryAfter());
        this.rateLimit = endpoint.getRateLimit() == null ? null : RateLimit.parse(endpoint.getRateLimit());
        this.ordering = endpoint.ordering();
        this.autoPauseMillis = InboxEndpoint.autoPauseAfter(endpoint.getAutoPause()).toMillis();
        this.backoff = new DestinationBackoff(endpoint.getBackoffAfter(), Duration.ofMillis(endpoint.getMaxBackoff()));
    }

    public String getSubscription() {
        return subscription;
    }

    public boolean isPaused() {
        return paused;
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        subscription = InboxEndpoint.subscriptionName(getRoute());
        endpoint.getComponent().subscriptions().checkUnique(subscription, getRoute());
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        InboxComponent component = endpoint.getComponent();
        paused = component.getStore().register(subscription, endpoint.getName(), component.getClock().millis())
                .get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (paused) {
            LOG.warn("Subscription {} is paused: its deliveries wait until it is resumed", subscription);
        }
        capacity = rateLimit == null ? endpoint.getBufferSize() : (int) Math.max(1, Math.min(endpoint.getBufferSize(),
                component.getLeaseTime() * 1000 / 2 / rateLimit.intervalMicros()));
        int threads = endpoint.getConcurrency();
        workers = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newFixedThreadPool(this, "inbox-" + subscription, threads);
        for (int i = 0; i < threads; i++) {
            workers.execute(this::work);
        }
        poller = component.getScheduler().scheduleWithFixedDelay(this::poll, 0, endpoint.getPollInterval(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() throws Exception {
        if (poller != null) {
            poller.cancel(false);
        }
        // what is queued goes back to the database; attempts under way finish (their outcome is recorded if it is
        // still the latest word on the delivery)
        List<Delivery> unstarted = new ArrayList<>();
        queue.drainTo(unstarted);
        unstarted.forEach(this::forget);
        if (!unstarted.isEmpty()) {
            endpoint.getComponent().getStore().release(subscription, unstarted.stream().map(Delivery::eventId).toList())
                    .get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        if (workers != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(workers);
            workers = null;
        }
        super.doStop();
    }

    /**
     * Whether a delivery of an event with a body of that size, handed over in memory now, would be taken (the producer
     * then leases it for this instance).
     */
    boolean isAccepting(int bodySize) {
        return isRunAllowed() && !paused && held.size() < capacity
                && bufferedBytes.get() + bodySize <= BUFFERED_BYTES;
    }

    /** Hands over a delivery stored (and leased for this instance) a moment ago. */
    void offer(Delivery delivery) {
        take(delivery);
    }

    /** An event was stored for this subscription without being handed over: it waits in the store for a claim. */
    void overflowed() {
        overflowed.incrementAndGet();
        if (ordering != null) {
            pollSoon(); // ordered deliveries always come through a claim
        }
    }

    private boolean backlogInStore() {
        return overflowed.get() != claimedUpTo;
    }

    /** Takes a delivery leased for this instance; one already held here, or taken while stopping, goes back. */
    private void take(Delivery delivery) {
        if (!held.add(delivery.eventId())) {
            // being worked on here already (a poll raced a finishing attempt): give back the lease just taken, so
            // that the delivery is not left waiting for it to expire
            endpoint.getComponent().getStore().release(subscription, List.of(delivery.eventId()));
            return;
        }
        bufferedBytes.addAndGet(delivery.bodySize());
        if (!isRunAllowed()) {
            forget(delivery);
            endpoint.getComponent().getStore().release(subscription, List.of(delivery.eventId()));
            return;
        }
        queue.add(delivery);
    }

    private void forget(Delivery delivery) {
        held.remove(delivery.eventId());
        bufferedBytes.addAndGet(-delivery.bodySize());
    }

    /** Pauses (an operator) or resumes; resuming polls at once. */
    public void setPaused(boolean pause, String reason) throws Exception {
        setPaused(pause, "admin", reason);
    }

    /** {@code cause}: what paused it, as the operational event says ({@code admin}, {@code auto}). */
    private void setPaused(boolean pause, String cause, String reason) throws Exception {
        endpoint.getComponent().getStore().setPaused(subscription, clock().millis(), pause ? reason : null)
                .get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        paused = pause;
        if (pause) {
            endpoint.getComponent().getOperationalEvents().paused(endpoint.getName(), subscription, cause, reason);
        } else {
            endpoint.getComponent().getOperationalEvents().resumed(endpoint.getName(), subscription);
            pollSoon();
        }
    }

    /** Looks for due deliveries now rather than at the next poll. */
    void pollNow() {
        poll();
    }

    /** Polls on the poller thread as soon as it is free; at most one such poll waits at a time. */
    private void pollSoon() {
        if (pollQueued.compareAndSet(false, true)) {
            endpoint.getComponent().getScheduler().execute(() -> {
                pollQueued.set(false);
                poll();
            });
        }
    }

    private Clock clock() {
        return endpoint.getComponent().getClock();
    }

    /**
     * Claims what is due, as much as there is room for, and learns whether the subscription is paused: with a shared
     * store, another instance may have paused or resumed it.
     */
    private void poll() {
        if (!isRunAllowed() || !polling.compareAndSet(false, true)) {
            return;
        }
        try {
            long now = clock().millis();
            long overflowSeen = overflowed.get();
            int room = Math.max(0, capacity - held.size());
            long leaseUntil = now + endpoint.getComponent().getLeaseTime();
            InboxStore store = endpoint.getComponent().getStore();
            InboxStore.Claim claim = (ordering == null ? store.claimDue(subscription, now, room, leaseUntil, held)
                    : store.claimOrdered(subscription, now, room, leaseUntil, held, ordering.blockOnDead()))
                    .get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            paused = claim.paused();
            claim.due().forEach(this::take);
            if (!paused && room > 0 && claim.due().size() < room) {
                claimedUpTo = overflowSeen; // nothing more was due: what overflowed since is left for the next poll
            }
        } catch (Throwable e) {
            // never let an exception end the scheduled polling: the next poll tries again
            LOG.warn("Subscription {}: polling for due deliveries failed: {}", subscription, e.toString());
        } finally {
            polling.set(false);
        }
    }

    /**
     * One worker thread: takes deliveries until the subscription stops. Providers' answers come first: the worker
     * waits while many webhooks wait for theirs ({@link IngestPressure}), and it runs below the normal priority (which
     * the OS honours with {@code -XX:ThreadPriorityPolicy=1}, see bin/jvm.options). A burst waits in the store while
     * the 202s stay fast; the deliveries catch up after it.
     */
    private void work() {
        Thread.currentThread().setPriority(Thread.MIN_PRIORITY);
        IngestPressure pressure = IngestPressure.of(getEndpoint().getCamelContext());
        while (isRunAllowed()) {
            pressure.yieldWhileHigh(this::isRunAllowed);
            Delivery delivery;
            try {
                delivery = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (delivery != null) {
                boolean probe = backoff.awaitTurn(this::isRunAllowed); // a destination that keeps failing: wait
                if (rateLimit != null) {
                    awaitRateSlot();
                }
                if (!isRunAllowed()) {
                    endpoint.getComponent().getStore().release(subscription, List.of(delivery.eventId()));
                    forget(delivery);
                    return;
                }
                // every log line of this attempt, Camel's included, carries the event and the subscription
                MDC.put("eventId", delivery.eventId());
                MDC.put("subscription", subscription);
                try {
                    deliver(delivery, probe);
                } catch (Throwable e) {
                    // the outcome cannot be stored: the lease runs out and the delivery is tried again
                    LOG.error("Subscription {}: could not attempt event {}", subscription, delivery.eventId(), e);
                    done(delivery);
                } finally {
                    MDC.remove("eventId");
                    MDC.remove("subscription");
                    MDC.remove(TRACE_ID);
                }
            }
        }
    }

    /** Counts the run of failed attempts; true once it is long enough to pause (autoPause). */
    private synchronized boolean failingTooLong(Verdict verdict, long started, long finished) {
        switch (verdict) {
            case RETRY, DEAD -> {
                if (failuresInARow++ == 0) {
                    failingSince = started;
                }
                return autoPauseMillis > 0 && failuresInARow >= 3 && finished - failingSince >= autoPauseMillis;
            }
            case DELIVERED -> failuresInARow = 0;
            default -> {
                // filtered: no try made; paused on a 410: pausing already
            }
        }
        return false;
    }

    /**
     * Pauses the subscription after autoPause of failures only, unless another instance sharing the store delivered
     * meanwhile.
     */
    private void autoPause(String lastError) {
        long since;
        synchronized (this) {
            since = failingSince;
            failuresInARow = 0;
        }
        try {
            Long lastSuccess = endpoint.getComponent().getStore().lastSuccessAt(subscription);
            if (lastSuccess != null && lastSuccess >= since) {
                return;
            }
            String reason = "every attempt failed for " + endpoint.getAutoPause() + "; the last: " + lastError;
            LOG.warn("Subscription {} paused: {}; its deliveries are kept until it is resumed", subscription, reason);
            setPaused(true, "auto", reason);
        } catch (Exception e) {
            LOG.warn("Subscription {}: could not pause it after failing for {}: {}", subscription,
                    endpoint.getAutoPause(), e.toString());
        }
    }

    /** Waits for the next slot of the rate limit; the wait is no attempt, and spends nothing of the schedule. */
    private void awaitRateSlot() {
        long waitMicros;
        try {
            waitMicros = endpoint.getComponent().getStore().reserveRateSlot(subscription, rateLimit.intervalMicros());
        } catch (SQLException e) {
            // the limit then holds for this instance alone until the store answers again
            LOG.warn("Subscription {}: could not reserve a slot of its rate limit in the store: {}", subscription,
                    e.toString());
            waitMicros = endpoint.getComponent().getStore().reserveLocalRateSlot(subscription,
                    rateLimit.intervalMicros());
        }
        long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(waitMicros);
        for (long left = waitMicros * 1000; left > 0 && isRunAllowed(); left = until - System.nanoTime()) {
            LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
        }
    }

    /** A delivery leaves this subscription's hands; room for the backlog, if one waits in the store. */
    private void done(Delivery delivery) {
        forget(delivery);
        // ordered: the next of its key may go now that this one's outcome is written
        if (ordering != null || backlogInStore() && held.size() <= capacity / 2) {
            pollSoon();
        }
    }

    /** The MDC key OpenTelemetry's log instrumentation uses for a span's trace id. */
    static final String TRACE_ID = "trace_id";

    /** The trace id of a W3C {@code traceparent} ({@code 00-TRACEID-SPANID-FLAGS}), or null. */
    static String traceId(String traceparent) {
        return traceparent != null && TRACEPARENT.matcher(traceparent).matches() ? traceparent.substring(3, 35) : null;
    }

    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    /** One attempt; {@code probe}: the try that ends a hold on a failing destination. */
    private void deliver(Delivery delivery, boolean probe) throws Exception {
        InboxStore store = endpoint.getComponent().getStore();
        if (paused) {
            backoff.attempted(Verdict.FILTERED, probe); // no try made
            store.release(subscription, List.of(delivery.eventId())).whenComplete((ok, e) -> forget(delivery));
            return;
        }
        Event event = delivery.event() != null ? delivery.event() : store.event(delivery.eventId());
        if (event == null) {
            LOG.warn("Subscription {}: event {} is gone from the store", subscription, delivery.eventId());
            backoff.attempted(Verdict.FILTERED, probe); // no try made
            done(delivery);
            return;
        }
        // the event's trace (its stored traceparent), also on this attempt's lines logged outside its spans
        String traceId = traceId(event.headers().get("traceparent"));
        if (traceId != null) {
            MDC.put(TRACE_ID, traceId);
        }
        long started = clock().millis();
        Exchange exchange = createExchange(false);
        AttemptResult result;
        try {
            fill(exchange, event, delivery.attempts() + 1);
            getProcessor().process(exchange);
            if (exchange.getException() != null) {
                result = AttemptResult.failed(exchange.getException(), clock().instant());
            } else if (exchange.getProperty(ExchangePropertyKey.TO_ENDPOINT) == null) {
                // the route sent the event nowhere: a filter left it out
                result = AttemptResult.filtered();
            } else {
                result = AttemptResult.delivered(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class));
            }
        } catch (Exception e) {
            result = AttemptResult.failed(e, clock().instant());
        } finally {
            releaseExchange(exchange, false);
        }
        record(delivery, started, clock().millis(), result, event.receivedAt(), probe);
    }

    private void fill(Exchange exchange, Event e, int attempt) {
        exchange.setPattern(ExchangePattern.InOnly);
        Message m = exchange.getMessage();
        for (Map.Entry<String, String> h : e.headers().entrySet()) {
            m.setHeader(h.getKey(), h.getValue());
        }
        if (e.contentType() != null) {
            m.setHeader(Exchange.CONTENT_TYPE, e.contentType());
        }
        m.setHeader(InboxHeaders.EVENT_ID, e.id());
        m.setHeader(InboxHeaders.EVENT_TYPE, e.type());
        m.setHeader(InboxHeaders.SOURCE, e.source());
        m.setHeader(InboxHeaders.IDEMPOTENCY_KEY, e.idempotencyKey());
        m.setHeader(InboxHeaders.INBOX, e.inbox());
        m.setHeader(InboxHeaders.SUBSCRIPTION, subscription);
        m.setHeader(InboxHeaders.ATTEMPT, attempt);
        m.setHeader(InboxHeaders.RECEIVED_AT, e.receivedAt());
        m.setBody(e.body());
    }

    /**
     * Decides what the attempt means for the delivery, tells the metrics and the log (one line for a failure, none
     * for a success unless DEBUG is on), and hands the outcome to the store without waiting for it to be written.
     */
    private void record(Delivery d, long started, long finished, AttemptResult result, long receivedAt, boolean probe) {
        int attempt = d.attempts() + 1;
        DeliveryStatus status = DeliveryStatus.PENDING;
        long next = finished;
        switch (result.verdict()) {
            case DELIVERED -> status = DeliveryStatus.DELIVERED;
            case FILTERED -> status = DeliveryStatus.FILTERED;
            case DEAD -> status = DeliveryStatus.DEAD;
            case PAUSE -> {
                // kept pending, due as soon as the subscription is resumed
            }
            case RETRY -> {
                Duration delay = schedule.nextDelay(d.failuresInSchedule(), result.retryAfter(), maxRetryAfter,
                        ThreadLocalRandom.current().nextDouble()).orElse(null);
                if (delay == null) {
                    status = DeliveryStatus.DEAD;
                } else {
                    next = finished + delay.toMillis();
                }
            }
        }
        // counted as it ends: a failure that exhausts the schedule is a dead delivery, not a retry
        endpoint.getComponent().getMetrics().attempt(subscription,
                status == DeliveryStatus.DEAD ? Verdict.DEAD : result.verdict(), finished - started,
                finished - receivedAt);
        boolean wasHolding = backoff.isHolding();
        Duration hold = backoff.attempted(result.verdict(), probe);
        switch (result.verdict()) {
            case DELIVERED -> LOG.debug("Event {} delivered to {} (attempt {}, {}, {} ms)", d.eventId(), subscription,
                    attempt, result.status() == null ? "done" : "HTTP " + result.status(), finished - started);
            case FILTERED -> LOG.debug("Event {} filtered out by {}", d.eventId(), subscription);
            case PAUSE -> {
                paused = true;
                LOG.warn("Subscription {} paused: the destination answered {} on event {}; its deliveries are kept "
                        + "until it is resumed", subscription, result.error(), d.eventId());
            }
            default -> LOG.warn("Event {} to {}: attempt {} failed ({}), {}{}", d.eventId(), subscription, attempt,
                    result.error(), status == DeliveryStatus.DEAD
                            ? "delivery is dead" : "next attempt at " + Instant.ofEpochMilli(next),
                    hold == null ? "" : "; " + backoff.failuresInARow() + " attempts in a row failed: the "
                            + "subscription's deliveries wait " + hold.toMillis() + " ms before the next try");
        }
        if (wasHolding && !backoff.isHolding()) {
            LOG.info("Subscription {}: the destination answers again; delivering", subscription);
        }
        if (failingTooLong(result.verdict(), started, finished)) {
            autoPause(result.error());
        }
        boolean dead = status == DeliveryStatus.DEAD;
        endpoint.getComponent().getStore().recordAttempt(d, started, finished - started, result, status, next)
                .whenComplete((latest, failure) -> {
                    if (failure != null) {
                        LOG.error("Subscription {}: could not record attempt {} on event {}; it is made again once "
                                + "its lease expires: {}", subscription, attempt, d.eventId(), failure.toString());
                    } else if (!latest) {
                        LOG.warn("Event {} to {}: attempt {} finished after a newer one; its outcome ({}) is not "
                                + "recorded", d.eventId(), subscription, attempt, result.verdict());
                    } else if (result.verdict() == Verdict.PAUSE) {
                        endpoint.getComponent().getOperationalEvents().paused(endpoint.getName(), subscription, "410",
                                result.error());
                    } else if (dead) {
                        endpoint.getComponent().getOperationalEvents().dead(endpoint.getName(), subscription,
                                d.eventId(), attempt, result.error());
                    }
                    done(d);
                });
    }

    @Override
    public InboxEndpoint getEndpoint() {
        return endpoint;
    }
}
