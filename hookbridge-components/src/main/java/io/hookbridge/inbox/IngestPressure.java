package io.hookbridge.inbox;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.apache.camel.CamelContext;

/**
 * How many received webhooks are waiting for their answer, so that deliveries can give way to them. When a burst
 * arrives faster than the machine can both store and deliver, the providers' answers come first: deliveries wait
 * while more than {@code hookbridge.delivery.yield-to-ingest} (default 64; 0 never) webhooks are being answered, the
 * burst is stored, and the deliveries catch up once it has passed.
 */
public final class IngestPressure {

    private static final String BEAN = "hookbridgeIngestPressure";
    /** How long a delivery worker waits before looking again. */
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /**
     * The longest a delivery waits for the pressure to drop: even a burst that never ends, or a route that never
     * answers its provider, leaves the deliveries a trickle.
     */
    private static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final AtomicInteger waiting = new AtomicInteger();
    private final int threshold;

    IngestPressure(int threshold) {
        this.threshold = threshold;
    }

    /** The pressure of a CamelContext, created on first use. */
    public static synchronized IngestPressure of(CamelContext context) {
        IngestPressure pressure = context.getRegistry().lookupByNameAndType(BEAN, IngestPressure.class);
        if (pressure == null) {
            pressure = new IngestPressure(Integer.parseInt(context.getPropertiesComponent()
                    .resolveProperty("hookbridge.delivery.yield-to-ingest").orElse("64")));
            context.getRegistry().bind(BEAN, IngestPressure.class, pressure);
        }
        return pressure;
    }

    /** A webhook has arrived whole and waits for its answer. */
    public void arrived() {
        waiting.incrementAndGet();
    }

    /** A webhook has been answered. */
    public void answered() {
        waiting.decrementAndGet();
    }

    boolean isHigh() {
        return threshold > 0 && waiting.get() > threshold;
    }

    /** Returns once the pressure is low again, {@code running} turns false, or after a second at most. */
    void yieldWhileHigh(BooleanSupplier running) {
        long deadline = System.nanoTime() + MAX_WAIT_NANOS;
        while (isHigh() && running.getAsBoolean() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(PAUSE_NANOS);
        }
    }
}
