package io.hookbridge.inbox;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.apache.camel.Endpoint;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.DefaultComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code inbox} component: a durable publish/subscribe channel over JDBC.
 * <p>
 * The store is a {@link DataSource}: the one set on the component, else the only DataSource bean in the registry,
 * else a pool for the {@code databaseUrl} option (default: an HSQLDB file database under {@code data/}).
 */
@Component("inbox")
public class InboxComponent extends DefaultComponent {

    private static final Logger LOG = LoggerFactory.getLogger(InboxComponent.class);

    @Metadata(description = "The database; by default the only DataSource bean, else a pool for databaseUrl",
              autowired = true)
    private DataSource dataSource;

    @Metadata(label = "database", defaultValue = InboxDatabase.DEFAULT_URL,
              description = "The store's JDBC URL when no DataSource is given: an HSQLDB file database (tuned, and locked "
                            + "for this process) or PostgreSQL, for several instances sharing it")
    private String databaseUrl;

    @Metadata(label = "database", description = "The user for databaseUrl; SA for HSQLDB")
    private String databaseUsername;

    @Metadata(label = "database", secret = true, description = "The password for databaseUrl; empty for HSQLDB")
    private String databasePassword;

    @Metadata(label = "database", defaultValue = "8", description = "Connections of the pool made for databaseUrl")
    private Integer maximumPoolSize;

    @Metadata(label = "advanced", description = "This instance's name in attempt records and leases; by default the "
                                                + "process id and host name, as the JVM names itself")
    private String instanceId;

    @Metadata(label = "health", defaultValue = "10000",
              description = "Pending deliveries of a subscription past which the health check reports it degraded")
    private Long backlogThreshold;

    @Metadata(label = "health", defaultValue = "10s",
              description = "How often the backlog figures (gauges, health) are read from the store")
    private String figuresInterval;

    @Metadata(label = "health", defaultValue = "10000",
              description = "The backlog figures count up to this many deliveries per subscription (and always past "
                            + "backlogThreshold): a bigger backlog is not counted on every read")
    private Integer countLimit;

    @Metadata(defaultValue = "300000",
              description = "Milliseconds a claimed delivery stays reserved for the instance working on it")
    private long leaseTime = 300_000;

    @Metadata(defaultValue = "2", label = "advanced",
              description = "Milliseconds from one commit to the next, at least: under load, what arrives meanwhile "
                            + "shares the next disk sync (each costs the CPU of several webhooks); a webhook after a "
                            + "quiet moment is committed at once. 0 commits as soon as anything waits")
    private long commitInterval = 2;

    @Metadata(label = "advanced", description = "The time every delivery decision is taken by; the system clock unless "
                                                + "a test sets its own, to let an hour pass in a moment")
    private Clock clock = Clock.systemUTC();

    private InboxDatabase database;
    private Subscriptions subscriptions;
    private InboxStore store;
    private InboxHistory history;
    private InboxMetrics metrics;
    private OperationalEvents operationalEvents;
    private Retention retention;
    private ScheduledExecutorService scheduler;
    private ScheduledExecutorService housekeeping;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("inbox needs a name, as in inbox:github");
        }
        InboxEndpoint endpoint = new InboxEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        subscriptions = new Subscriptions(this);
        getCamelContext().addLifecycleStrategy(subscriptions);
        database = InboxDatabase.open(dataSource != null ? dataSource
                : CamelContextHelper.findSingleByType(getCamelContext(), DataSource.class),
                setting(databaseUrl, "hookbridge.datasource.url", InboxDatabase.DEFAULT_URL),
                setting(databaseUsername, "hookbridge.datasource.username", null),
                setting(databasePassword, "hookbridge.datasource.password", null),
                Integer.parseInt(setting(maximumPoolSize, "hookbridge.datasource.maximum-pool-size", "8")));
        dataSource = database.dataSource();
        boolean exclusive = database.exclusive();
        metrics = InboxMetrics.of(getCamelContext());
        String instance = setting(instanceId, "hookbridge.instance-id", ManagementFactory.getRuntimeMXBean().getName());
        store = new InboxStore(dataSource, database.dialect(), exclusive, instance, Duration.ofMillis(commitInterval),
                metrics, clock);
        long threshold = Long.parseLong(setting(backlogThreshold, "hookbridge.health.backlog-threshold", "10000"));
        // the figures count at least one delivery past the threshold, so that the health check sees it crossed
        int limit = (int) Math.max(threshold + 1,
                Long.parseLong(setting(countLimit, "hookbridge.metrics.count-limit", "10000")));
        history = new InboxHistory(dataSource, clock, limit);
        if (exclusive) {
            // no other process uses this database: leases held when the last run stopped or crashed are void
            int released = store.releaseAllLeases().get();
            if (released > 0) {
                LOG.info("Inbox store: {} deliveries that were in flight at the last stop are due again", released);
            }
        }
        operationalEvents = new OperationalEvents(this);
        scheduler = getCamelContext().getExecutorServiceManager().newScheduledThreadPool(this, "inbox-poller", 1);
        // housekeeping apart from the polls, so that a long purge never delays a retry
        housekeeping = getCamelContext().getExecutorServiceManager().newScheduledThreadPool(this, "inbox-housekeeping", 1);
        retention = Retention.from(getCamelContext().getPropertiesComponent());
        housekeeping.scheduleWithFixedDelay(() -> retention.run(store, clock.millis()), retention.interval().toMillis(),
                retention.interval().toMillis(), TimeUnit.MILLISECONDS);
        // backlog, dead count and oldest pending age, for the gauges and the health check
        long figuresEvery = Durations.parse(setting(figuresInterval, "hookbridge.metrics.figures-interval", "10s"))
                .toMillis();
        housekeeping.scheduleWithFixedDelay(this::refreshFigures, 0, figuresEvery, TimeUnit.MILLISECONDS);
        HealthCheckHelper.getHealthCheckRegistry(getCamelContext()).register(new InboxHealthCheck(this, threshold));
    }

    @Override
    protected void doStop() throws Exception {
        if (operationalEvents != null) {
            operationalEvents.close();
            operationalEvents = null;
        }
        if (scheduler != null) {
            getCamelContext().getExecutorServiceManager().shutdown(scheduler);
            getCamelContext().getExecutorServiceManager().shutdown(housekeeping);
            scheduler = null;
            housekeeping = null;
        }
        if (store != null) {
            store.close();
            store = null;
        }
        if (database != null) {
            database.close();
            // a DataSource the component was not given is made again at the next start
            dataSource = database.ownsDataSource() ? null : dataSource;
            database = null;
        }
        getCamelContext().getLifecycleStrategies().remove(subscriptions);
        super.doStop();
    }

    /**
     * An option's value; unset, the property earlier versions read it from (still honoured: hookbridge.datasource.url
     * and the like), else its default.
     */
    private String setting(Object option, String formerProperty, String defaultValue) {
        if (option != null) {
            return option.toString();
        }
        PropertiesComponent properties = getCamelContext().getPropertiesComponent();
        return properties.resolveProperty(formerProperty).orElse(defaultValue);
    }

    /** The routes consuming this component's inboxes. */
    Subscriptions subscriptions() {
        return subscriptions;
    }

    /** The running subscription of that name, or null. */
    public InboxConsumer subscription(String name) {
        return subscriptions.running(name);
    }

    /** Reads the per-subscription figures for the gauges and the health check. */
    private void refreshFigures() {
        try {
            metrics.figures(history.figures(subscriptions.names()), clock);
        } catch (Exception e) {
            LOG.warn("Could not read the subscription figures (gauges and health keep the last ones): {}", e.toString());
        }
    }

    /**
     * Pauses or resumes a subscription, whether or not its route runs here. Resuming polls at once; so does
     * {@link #wake()} after a replay.
     */
    public void setPaused(String subscription, boolean pause, String reason) throws Exception {
        InboxConsumer consumer = subscription(subscription);
        if (consumer != null) {
            consumer.setPaused(pause, reason);
        } else {
            store.setPaused(subscription, clock.millis(), pause ? reason : null).get(60, TimeUnit.SECONDS);
            if (pause) {
                operationalEvents.paused(null, subscription, "admin", reason);
            } else {
                operationalEvents.resumed(null, subscription);
            }
        }
    }

    /** Makes every running subscription look for due deliveries now (after a replay). */
    public void wake() {
        for (InboxConsumer c : subscriptions.running()) {
            scheduler.execute(c::pollNow);
        }
    }

    public InboxHistory getHistory() {
        return history;
    }

    OperationalEvents getOperationalEvents() {
        return operationalEvents;
    }

    InboxMetrics getMetrics() {
        return metrics;
    }

    public InboxStore getStore() {
        return store;
    }

    ScheduledExecutorService getScheduler() {
        return scheduler;
    }

    public DataSource getDataSource() {
        return dataSource;
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public String getDatabaseUrl() {
        return databaseUrl;
    }

    public void setDatabaseUrl(String databaseUrl) {
        this.databaseUrl = databaseUrl;
    }

    public String getDatabaseUsername() {
        return databaseUsername;
    }

    public void setDatabaseUsername(String databaseUsername) {
        this.databaseUsername = databaseUsername;
    }

    public String getDatabasePassword() {
        return databasePassword;
    }

    public void setDatabasePassword(String databasePassword) {
        this.databasePassword = databasePassword;
    }

    public Integer getMaximumPoolSize() {
        return maximumPoolSize;
    }

    public void setMaximumPoolSize(Integer maximumPoolSize) {
        this.maximumPoolSize = maximumPoolSize;
    }

    public String getInstanceId() {
        return instanceId;
    }

    public void setInstanceId(String instanceId) {
        this.instanceId = instanceId;
    }

    public Long getBacklogThreshold() {
        return backlogThreshold;
    }

    public void setBacklogThreshold(Long backlogThreshold) {
        this.backlogThreshold = backlogThreshold;
    }

    public String getFiguresInterval() {
        return figuresInterval;
    }

    public void setFiguresInterval(String figuresInterval) {
        this.figuresInterval = figuresInterval;
    }

    public Integer getCountLimit() {
        return countLimit;
    }

    public void setCountLimit(Integer countLimit) {
        this.countLimit = countLimit;
    }

    public long getCommitInterval() {
        return commitInterval;
    }

    public void setCommitInterval(long commitInterval) {
        this.commitInterval = commitInterval;
    }

    public long getLeaseTime() {
        return leaseTime;
    }

    public void setLeaseTime(long leaseTime) {
        this.leaseTime = leaseTime;
    }

    public Clock getClock() {
        return clock;
    }

    public void setClock(Clock clock) {
        this.clock = clock;
    }
}
