package io.hookbridge.inbox;

import java.sql.Connection;
import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * {@code hookbridge-inbox}: DOWN when the store does not answer (then nothing can be acknowledged). A backlog over
 * the component's {@code backlogThreshold} does not take the gateway out of service - ingest still works - but is
 * reported as {@code degraded} with the subscriptions concerned.
 */
final class InboxHealthCheck extends AbstractHealthCheck {

    private final InboxComponent component;
    private final long backlogThreshold;

    InboxHealthCheck(InboxComponent component, long backlogThreshold) {
        super("hookbridge", "hookbridge-inbox");
        this.component = component;
        this.backlogThreshold = backlogThreshold;
    }

    /** Readiness only: a store outage is no reason to restart the process (it would not bring the store back). */
    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try (Connection c = component.getDataSource().getConnection()) {
            if (!c.isValid(2)) {
                builder.down().message("the inbox store does not answer");
                return;
            }
        } catch (Exception e) {
            builder.down().message("the inbox store does not answer").error(e);
            return;
        }
        builder.up();
        StringBuilder degraded = new StringBuilder();
        for (Map.Entry<String, InboxHistory.Figures> f : InboxMetrics.of(getCamelContext()).figures().entrySet()) {
            builder.detail("backlog." + f.getKey(), f.getValue().pending());
            if (f.getValue().pending() > backlogThreshold) {
                degraded.append(degraded.isEmpty() ? "" : ",").append(f.getKey());
            }
        }
        builder.detail("degraded", !degraded.isEmpty());
        if (!degraded.isEmpty()) {
            builder.detail("backlogOverThreshold", degraded.toString());
            builder.message("backlog over " + backlogThreshold + " for " + degraded);
        }
    }
}
