package io.hookbridge.inbox;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.DefaultComponent;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code inbox} component: a durable publish/subscribe channel over JDBC.
 * <p>
 * The store is a {@link DataSource}: the one set on the component, else the only DataSource bean in the registry,
 * else a pool built from {@code hookbridge.datasource.url} (default: an HSQLDB file database under {@code data/}).
 */
@Component("inbox")
public class InboxComponent extends DefaultComponent {

    public static final String DEFAULT_URL = "jdbc:hsqldb:file:data/hookbridge";

    private static final Logger LOG = LoggerFactory.getLogger(InboxComponent.class);
    private static final String HSQLDB_FILE = "jdbc:hsqldb:file:";

    @Metadata(description = "The database; by default the only DataSource bean, else one built from hookbridge.datasource.*",
              autowired = true)
    private DataSource dataSource;

    @Metadata(defaultValue = "300000",
              description = "Milliseconds a claimed delivery stays reserved for the instance working on it")
    private long leaseTime = 300_000;

    @Metadata(label = "advanced", description = "The time every delivery decision is taken by; the system clock unless "
                                                + "a test sets its own, to let an hour pass in a moment")
    private Clock clock = Clock.systemUTC();

    private HikariDataSource ownPool;
    private FileChannel lockChannel;
    private FileLock lock;
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
        boolean exclusive = false;
        if (dataSource == null) {
            dataSource = CamelContextHelper.findSingleByType(getCamelContext(), DataSource.class);
        }
        if (dataSource == null) {
            String url = property("hookbridge.datasource.url", DEFAULT_URL);
            exclusive = url.startsWith(HSQLDB_FILE);
            if (exclusive) {
                url = lockHsqldbFile(url);
            }
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url);
            config.setUsername(property("hookbridge.datasource.username", exclusive ? "SA" : null));
            config.setPassword(property("hookbridge.datasource.password", exclusive ? "" : null));
            config.setMaximumPoolSize(Integer.parseInt(property("hookbridge.datasource.maximum-pool-size", "8")));
            config.setPoolName("hookbridge-inbox");
            ownPool = new HikariDataSource(config);
            dataSource = ownPool;
            LOG.info("Inbox store: {}", withoutCredentials(url));
        }
        Dialect dialect;
        try (Connection c = dataSource.getConnection()) {
            dialect = Dialect.of(c);
        }
        if (dialect == Dialect.HSQLDB) {
            tuneHsqldb();
        }
        // the schema is created and upgraded by versioned migrations: in standard SQL in common/, else one folder per
        // database vendor; several instances starting at once on one PostgreSQL are serialised by Flyway's own lock
        Flyway.configure(getClass().getClassLoader()).dataSource(dataSource)
                .locations("classpath:db/migration/common", "classpath:db/migration/" + dialect.migrations)
                .table("hb_schema_history")
                .load().migrate();
        metrics = InboxMetrics.of(getCamelContext());
        String instance = property("hookbridge.instance-id", ManagementFactory.getRuntimeMXBean().getName());
        store = new InboxStore(dataSource, dialect, exclusive, instance, metrics, clock);
        long backlogThreshold = Long.parseLong(property("hookbridge.health.backlog-threshold", "10000"));
        // the figures count at least one delivery past the threshold, so that the health check sees it crossed
        int countLimit = (int) Math.max(backlogThreshold + 1,
                Long.parseLong(property("hookbridge.metrics.count-limit", "10000")));
        history = new InboxHistory(dataSource, clock, countLimit);
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
        long figuresEvery = Durations.parse(property("hookbridge.metrics.figures-interval", "10s")).toMillis();
        housekeeping.scheduleWithFixedDelay(this::refreshFigures, 0, figuresEvery, TimeUnit.MILLISECONDS);
        HealthCheckHelper.getHealthCheckRegistry(getCamelContext()).register(new InboxHealthCheck(this,
                backlogThreshold));
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
        if (ownPool != null) {
            if (lock != null) {
                // a clean shutdown checkpoints, so the next start does not replay the log
                try (Connection c = ownPool.getConnection(); Statement s = c.createStatement()) {
                    s.execute("SHUTDOWN");
                } catch (SQLException e) {
                    LOG.warn("HSQLDB shutdown failed: {}", e.getMessage());
                }
            }
            ownPool.close();
            ownPool = null;
            dataSource = null;
        }
        if (lock != null) {
            lock.release();
            lockChannel.close();
            lock = null;
        }
        super.doStop();
    }

    /** A JDBC URL fit for a log: no parameters (they may hold a password) and no user:password@. */
    static String withoutCredentials(String url) {
        return url.replaceAll("[;?].*", "").replaceAll("//[^/@]*@", "//");
    }

    /**
     * HSQLDB's own lock file is a heartbeat that blocks a restart for seconds after a crash; an OS file lock is
     * released by the kernel the moment the process dies, and still keeps a second process out.
     */
    private String lockHsqldbFile(String url) throws IOException {
        String path = url.substring(HSQLDB_FILE.length()).replaceAll(";.*", "");
        Path lockFile = Path.of(path + ".oslock").toAbsolutePath();
        Files.createDirectories(lockFile.getParent());
        lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        lock = lockChannel.tryLock();
        if (lock == null) {
            lockChannel.close();
            throw new IllegalStateException("The database " + path + " is in use by another process");
        }
        return url + (url.contains("hsqldb.lock_file") ? "" : ";hsqldb.lock_file=false")
                + (url.contains("hsqldb.default_table_type") ? "" : ";hsqldb.default_table_type=cached")
                + (url.contains("hsqldb.tx") ? "" : ";hsqldb.tx=mvcc")
                // space of purged rows is reused per table, and a checkpoint (which makes it reusable) comes every
                // 10 MB of log: with HSQLDB's defaults the data file grew by the size of every event ever received
                + (url.contains("hsqldb.files_space") ? "" : ";hsqldb.files_space=true")
                + (url.contains("hsqldb.log_size") ? "" : ";hsqldb.log_size=10")
                // rows held in memory (index nodes live in the rows): the default 50,000 rows / 10 MB made every
                // insert past a few seconds of load walk its indexes through rows read back from disk; this much
                // (at most 32 MB of row data) keeps the writer's cost flat as the tables grow (26-29 us of CPU per
                // event over 160,000 events, where it was 44-77 us and rising)
                + (url.contains("hsqldb.cache_rows") ? "" : ";hsqldb.cache_rows=200000")
                + (url.contains("hsqldb.cache_size") ? "" : ";hsqldb.cache_size=32000")
                // read and write the data file rather than map it: mapped, its pages count in the process's memory
                // (80 MB of a 190 MB RSS target in the benchmark) for no measurable speed
                + (url.contains("hsqldb.nio_data_file") ? "" : ";hsqldb.nio_data_file=false");
    }

    /** A 2xx means synced to disk: HSQLDB must not delay its log writes (its default is 500 ms). */
    private void tuneHsqldb() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET FILES WRITE DELAY FALSE");
        }
    }

    private String property(String key, String defaultValue) {
        PropertiesComponent properties = getCamelContext().getPropertiesComponent();
        return properties.resolveProperty(key).orElse(defaultValue);
    }

    /**
     * A subscription as a producer sees it: its name, its consumer if its route is running here, and its ordering
     * (null: parallel).
     */
    record Subscriber(String name, InboxConsumer consumer, Ordering ordering) {
    }

    /**
     * The subscriptions of an inbox: every route of this context consuming it, started or not (a stopped route still
     * gets its deliveries; they wait for it in the database).
     */
    List<Subscriber> subscribers(String inbox) {
        List<Subscriber> list = new ArrayList<>();
        for (Route route : getCamelContext().getRoutes()) {
            if (route.getEndpoint() instanceof InboxEndpoint e && e.getComponent() == this && e.getName().equals(inbox)) {
                list.add(new Subscriber(InboxEndpoint.subscriptionName(route),
                        route.getConsumer() instanceof InboxConsumer c ? c : null, e.ordering()));
            }
        }
        return list;
    }

    /**
     * Subscription names are global (one delivery state per name): two routes may not share one, even on different
     * inboxes.
     */
    void checkUnique(String subscription, Route route) {
        for (Route other : getCamelContext().getRoutes()) {
            if (other != route && other.getEndpoint() instanceof InboxEndpoint e && e.getComponent() == this
                    && subscription.equals(InboxEndpoint.subscriptionName(other))) {
                throw new IllegalArgumentException("Routes " + route.getRouteId() + " and " + other.getRouteId()
                        + " are both subscription " + subscription + ": give each its own id");
            }
        }
    }

    /** The running subscription of that name, or null. */
    public InboxConsumer subscription(String name) {
        for (Route route : getCamelContext().getRoutes()) {
            if (route.getConsumer() instanceof InboxConsumer c && name.equals(c.getSubscription())) {
                return c;
            }
        }
        return null;
    }

    /** Reads the per-subscription figures for the gauges and the health check. */
    private void refreshFigures() {
        try {
            List<String> names = new ArrayList<>();
            for (Route route : getCamelContext().getRoutes()) {
                if (route.getEndpoint() instanceof InboxEndpoint e && e.getComponent() == this) {
                    names.add(InboxEndpoint.subscriptionName(route));
                }
            }
            metrics.figures(history.figures(names), clock);
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
        for (Route route : getCamelContext().getRoutes()) {
            if (route.getConsumer() instanceof InboxConsumer c) {
                scheduler.execute(c::pollNow);
            }
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
