package io.hookbridge.inbox;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Deliveries give way while many webhooks wait for their answer, and never for long. */
class IngestPressureTest {

    @Test
    void aWorkerWaitsWhileTooManyWebhooksWaitAndGoesOnOnceTheyAreAnswered() throws Exception {
        IngestPressure pressure = new IngestPressure(2);
        for (int i = 0; i < 3; i++) {
            pressure.arrived();
        }
        CompletableFuture<Void> worker = CompletableFuture.runAsync(() -> pressure.yieldWhileHigh(() -> true));
        Thread.sleep(100);
        assertThat(worker).as("three waiting, more than two").isNotDone();

        pressure.answered();
        worker.get(1, TimeUnit.SECONDS);
    }

    @Test
    void aWorkerNeverWaitsMoreThanASecondNorWhenTurnedOff() throws Exception {
        IngestPressure pressure = new IngestPressure(1);
        pressure.arrived();
        pressure.arrived(); // answered never comes, e.g. a route that never answers its provider
        long started = System.nanoTime();
        pressure.yieldWhileHigh(() -> true);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isBetween(900L, 3000L);

        IngestPressure off = new IngestPressure(0);
        for (int i = 0; i < 1000; i++) {
            off.arrived();
        }
        assertThat(off.isHigh()).isFalse();
    }
}
