package io.hookbridge.inbox;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable subscription to an inbox: the route that consumes {@code inbox:NAME}, named by its route id. It gets the
 * events its inbox stores in memory right after their commit, and polls the database for what memory does not hold:
 * deliveries left over from before a restart, retries that fell due, and overflow when it is busy.
 * <p>
 * Each subscription has its own worker threads ({@code concurrency}) and in-memory queue ({@code bufferSize}), so a
 * slow or dead destination only ever holds up itself.
 */
public class InboxConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(InboxConsumer.class);

    private final InboxEndpoint endpoint;
    private final RetrySchedule schedule;
    /** Deliveries queued or running here: the poll never hands out one of these twice. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean polling = new AtomicBoolean();
    private String subscription;
    private volatile ThreadPoolExecutor workers;
    private ScheduledFuture<?> poller;
    private volatile boolean paused;

    public InboxConsumer(InboxEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.schedule = RetrySchedule.parse(endpoint.getRetrySchedule());
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
        for (InboxComponent.Subscriber other : endpoint.getComponent().subscribers(endpoint.getName())) {
            if (other.consumer() != this && other.name().equals(subscription)) {
                throw new IllegalArgumentException("Two routes consume inbox:" + endpoint.getName()
                        + " as subscription " + subscription + ": give each its own route id");
            }
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        InboxComponent component = endpoint.getComponent();
        paused = component.getStore().register(subscription, endpoint.getName(), System.currentTimeMillis()).get();
        int threads = endpoint.getConcurrency();
        ThreadPoolProfile profile = new ThreadPoolProfile("inbox-" + subscription);
        profile.setPoolSize(threads);
        profile.setMaxPoolSize(threads);
        profile.setMaxQueueSize(endpoint.getBufferSize());
        profile.setRejectedPolicy(ThreadPoolRejectedPolicy.Abort);
        ExecutorService pool = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newThreadPool(this, "inbox-" + subscription, profile);
        workers = (ThreadPoolExecutor) pool;
        if (paused) {
            LOG.warn("Subscription {} is paused: its deliveries wait until it is resumed", subscription);
        }
        poller = component.getScheduler().scheduleWithFixedDelay(this::poll, 0, endpoint.getPollInterval(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() throws Exception {
        if (poller != null) {
            poller.cancel(false);
        }
        if (workers != null) {
            // what is queued but not started goes back to the database; running attempts may finish
            workers.getQueue().clear();
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(workers);
            workers = null;
            List<String> unstarted = List.copyOf(inFlight);
            inFlight.clear();
            if (!unstarted.isEmpty()) {
                endpoint.getComponent().getStore().release(subscription, unstarted).get(10, TimeUnit.SECONDS);
            }
        }
        super.doStop();
    }

    /** True if a delivery handed over in memory now would be worked on (the producer leases it for us). */
    boolean isAccepting() {
        ThreadPoolExecutor pool = workers;
        return isRunAllowed() && !paused && pool != null && pool.getQueue().remainingCapacity() > 0;
    }

    /** Hands over a delivery; if it cannot be queued now, it goes back to the database for a later poll. */
    void offer(Delivery delivery) {
        String id = delivery.event().id();
        ExecutorService pool = workers;
        if (!inFlight.add(id)) {
            // already being worked on here (a poll raced a finishing attempt): that attempt records the outcome
            return;
        }
        try {
            if (pool == null) {
                throw new RejectedExecutionException("stopped");
            }
            pool.execute(() -> deliver(delivery));
        } catch (RejectedExecutionException full) {
            inFlight.remove(id);
            endpoint.getComponent().getStore().release(subscription, List.of(id));
        }
    }

    /** Pauses (410 Gone, or an operator) or resumes; resuming polls at once. */
    public void setPaused(boolean pause, String reason) throws Exception {
        endpoint.getComponent().getStore().setPaused(subscription, System.currentTimeMillis(), pause ? reason : null)
                .get();
        paused = pause;
        if (!pause) {
            endpoint.getComponent().getScheduler().execute(this::poll);
        }
    }

    private void poll() {
        if (paused || !isRunAllowed() || !polling.compareAndSet(false, true)) {
            return;
        }
        try {
            ThreadPoolExecutor pool = workers;
            int room = pool == null ? 0 : pool.getQueue().remainingCapacity();
            if (room <= 0) {
                return;
            }
            long now = System.currentTimeMillis();
            List<Delivery> due = endpoint.getComponent().getStore()
                    .claimDue(subscription, now, room, now + endpoint.getComponent().getLeaseTime()).get();
            due.forEach(this::offer);
        } catch (Exception e) {
            LOG.warn("Subscription {}: polling for due deliveries failed: {}", subscription, e.toString());
        } finally {
            polling.set(false);
        }
    }

    private void deliver(Delivery delivery) {
        String eventId = delivery.event().id();
        try {
            if (paused || !isRunAllowed()) {
                endpoint.getComponent().getStore().release(subscription, List.of(eventId)).get();
                return;
            }
            long started = System.currentTimeMillis();
            Exchange exchange = createExchange(false);
            AttemptResult result;
            try {
                fill(exchange, delivery);
                getProcessor().process(exchange);
                result = exchange.getException() == null
                        ? AttemptResult.delivered(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class))
                        : AttemptResult.failed(exchange.getException(), Instant.now());
            } catch (Exception e) {
                result = AttemptResult.failed(e, Instant.now());
            } finally {
                releaseExchange(exchange, false);
            }
            record(delivery, started, System.currentTimeMillis(), result);
        } catch (Exception e) {
            // the outcome could not be stored: the lease runs out and the delivery is tried again (at least once)
            LOG.error("Subscription {}: could not record the attempt on event {}", subscription, eventId, e);
        } finally {
            inFlight.remove(eventId);
        }
    }

    private void fill(Exchange exchange, Delivery delivery) {
        Event e = delivery.event();
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
        m.setHeader(InboxHeaders.ATTEMPT, delivery.attempts() + 1);
        m.setHeader(InboxHeaders.RECEIVED_AT, e.receivedAt());
        m.setBody(e.body());
    }

    private void record(Delivery d, long started, long finished, AttemptResult result) throws Exception {
        String eventId = d.event().id();
        int attempt = d.attempts() + 1;
        String status = InboxStore.PENDING;
        long next = finished;
        switch (result.verdict()) {
            case DELIVERED -> status = InboxStore.DELIVERED;
            case DEAD -> status = InboxStore.DEAD;
            case PAUSE -> paused = true;
            case RETRY -> {
                Duration delay = schedule.nextDelay(attempt, result.retryAfter(), ThreadLocalRandom.current().nextDouble())
                        .orElse(null);
                if (delay == null) {
                    status = InboxStore.DEAD;
                } else {
                    next = finished + delay.toMillis();
                }
            }
        }
        endpoint.getComponent().getStore().recordAttempt(d, started, finished - started, result, status, next).get();
        switch (result.verdict()) {
            case DELIVERED -> LOG.debug("Event {} delivered to {} (attempt {})", eventId, subscription, attempt);
            case PAUSE -> LOG.warn("Subscription {} paused: the destination answered {} on event {}; its deliveries "
                    + "are kept until it is resumed", subscription, result.error(), eventId);
            default -> LOG.warn("Event {} to {}: attempt {} failed ({}), {}", eventId, subscription, attempt,
                    result.error(), InboxStore.DEAD.equals(status)
                            ? "delivery is dead" : "next attempt at " + Instant.ofEpochMilli(next));
        }
    }

    @Override
    public InboxEndpoint getEndpoint() {
        return endpoint;
    }
}
