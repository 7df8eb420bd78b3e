package io.hookbridge.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * What the gateway logs while this is open, captured from the real logging set-up (log4j2, the gateway's own
 * configuration): each log event as the console would print it, {@code LEVEL [thread] logger - message}, followed by
 * its stack trace if it has one.
 */
public final class LogLines extends AbstractAppender implements AutoCloseable {

    private final List<String> events = new CopyOnWriteArrayList<>();

    private LogLines() {
        super("test-log-lines", null, PatternLayout.newBuilder().withPattern("%-5level [%t] %c{1} - %msg%n%throwable")
                .build(), true, Property.EMPTY_ARRAY);
    }

    /** Starts capturing. */
    public static LogLines capture() {
        LogLines appender = new LogLines();
        appender.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(appender, null, null);
        context.updateLoggers();
        return appender;
    }

    @Override
    public void append(LogEvent event) {
        events.add(((PatternLayout) getLayout()).toSerializable(event).stripTrailing());
    }

    /** The events logged so far, each as printed: one line, or more with a stack trace or a multi-line message. */
    public List<String> events() {
        return List.copyOf(events);
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(getName());
        context.updateLoggers();
        stop();
    }
}
