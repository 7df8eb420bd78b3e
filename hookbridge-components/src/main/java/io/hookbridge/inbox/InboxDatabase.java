package io.hookbridge.inbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbox's database, made ready when the component starts: the DataSource it was given, else a pool built for the
 * component's {@code databaseUrl} (default: an HSQLDB file database under {@code data/}, locked for this process and
 * tuned so that a commit is synced before it returns); its schema migrated by Flyway. Closing shuts a database of its
 * own down cleanly and releases the lock.
 */
final class InboxDatabase implements AutoCloseable {

    static final String DEFAULT_URL = "jdbc:hsqldb:file:data/hookbridge";

    private static final Logger LOG = LoggerFactory.getLogger(InboxDatabase.class);
    private static final String HSQLDB_FILE = "jdbc:hsqldb:file:";

    private final DataSource dataSource;
    private final Dialect dialect;
    private final HikariDataSource ownPool;
    private final FileLock lock;

    private InboxDatabase(DataSource dataSource, Dialect dialect, HikariDataSource ownPool, FileLock lock) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.ownPool = ownPool;
        this.lock = lock;
    }

    /**
     * {@code given}: the DataSource set on the component or found in the registry, or null to build a pool for
     * {@code databaseUrl} (a null user and password: SA and empty for HSQLDB).
     */
    static InboxDatabase open(DataSource given, String databaseUrl, String username, String password,
            int maximumPoolSize) throws Exception {
        HikariDataSource ownPool = null;
        FileLock lock = null;
        try {
            DataSource dataSource = given;
            String logSize = null;
            if (dataSource == null) {
                boolean hsqldbFile = databaseUrl.startsWith(HSQLDB_FILE);
                String url = databaseUrl;
                if (hsqldbFile) {
                    // HSQLDB reads the URL's log size for a new database only; a store made before it changed gets it too
                    logSize = url.contains("hsqldb.log_size") ? null : TUNED_LOG_SIZE;
                    lock = lockHsqldbFile(url);
                    url = tunedHsqldbUrl(url);
                }
                HikariConfig config = new HikariConfig();
                config.setJdbcUrl(url);
                // HSQLDB's own user unless told otherwise (an empty option value is refused by camel-main)
                boolean hsqldb = databaseUrl.startsWith("jdbc:hsqldb:");
                config.setUsername(username != null ? username : hsqldb ? "SA" : null);
                config.setPassword(password != null ? password : hsqldb ? "" : null);
                config.setMaximumPoolSize(maximumPoolSize);
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
                // a 2xx means synced to disk: HSQLDB must not delay its log writes (its default is 500 ms)
                try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                    s.execute("SET FILES WRITE DELAY FALSE");
                    if (logSize != null) {
                        s.execute("SET FILES LOG SIZE " + logSize);
                    }
                }
            }
            // the schema is created and upgraded by versioned migrations: in standard SQL in common/, else one folder
            // per database vendor; several instances starting at once on one PostgreSQL are serialised by Flyway's lock
            Flyway.configure(InboxDatabase.class.getClassLoader()).dataSource(dataSource)
                    .locations("classpath:db/migration/common", "classpath:db/migration/" + dialect.migrations)
                    .table("hb_schema_history")
                    .load().migrate();
            return new InboxDatabase(dataSource, dialect, ownPool, lock);
        } catch (Exception | Error e) {
            // a start that fails leaves no pool and no lock behind
            try {
                new InboxDatabase(null, null, ownPool, lock).close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    DataSource dataSource() {
        return dataSource;
    }

    Dialect dialect() {
        return dialect;
    }

    /** Whether no other process can use this database (a locked HSQLDB file): in-flight leases are then void. */
    boolean exclusive() {
        return lock != null;
    }

    /** Whether the DataSource was built here rather than given. */
    boolean ownsDataSource() {
        return ownPool != null;
    }

    @Override
    public void close() throws IOException {
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
        }
        if (lock != null) {
            lock.release();
            lock.channel().close();
        }
    }

    /** A JDBC URL fit for a log: no parameters (they may hold a password) and no user:password@. */
    static String withoutCredentials(String url) {
        return url.replaceAll("[;?].*", "").replaceAll("//[^/@]*@", "//");
    }

    /**
     * HSQLDB's own lock file is a heartbeat that blocks a restart for seconds after a crash; an OS file lock is
     * released by the kernel the moment the process dies, and still keeps a second process out.
     */
    private static FileLock lockHsqldbFile(String url) throws IOException {
        String path = url.substring(HSQLDB_FILE.length()).replaceAll(";.*", "");
        Path lockFile = Path.of(path + ".oslock").toAbsolutePath();
        Files.createDirectories(lockFile.getParent());
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("The database " + path + " is in use by another process");
        }
        return lock;
    }

    /** MB of HSQLDB log between two checkpoints (see {@link #tunedHsqldbUrl}). */
    private static final String TUNED_LOG_SIZE = "2";

    /** HSQLDB settings for an inbox, unless the URL sets them. */
    private static String tunedHsqldbUrl(String url) {
        return url + (url.contains("hsqldb.lock_file") ? "" : ";hsqldb.lock_file=false")
                + (url.contains("hsqldb.default_table_type") ? "" : ";hsqldb.default_table_type=cached")
                + (url.contains("hsqldb.tx") ? "" : ";hsqldb.tx=mvcc")
                // space of purged rows is reused per table, and a checkpoint makes it reusable: with HSQLDB's defaults
                // the data file grew by the size of every event ever received
                + (url.contains("hsqldb.files_space") ? "" : ";hsqldb.files_space=true")
                // a checkpoint every 2 MB of log: each stops every write while it runs, for ~40 ms plus what the
                // rows changed since the last take to write. Every 10 MB (2 s at 2,800 webhooks/s) they took 130-200 ms
                // and were the answers' p99 (160-180 ms); every 2 MB the p99 is ~64 ms, for the same CPU
                + (url.contains("hsqldb.log_size") ? "" : ";hsqldb.log_size=" + TUNED_LOG_SIZE)
                // rows take whole 256-byte units (a new database only; HSQLDB's default is 32): a delivery's row grows
                // when its attempt is recorded, and with small units the new version never fit the space its
                // predecessors freed, so every write sorted HSQLDB's list of free space (allocating 512 KB each time):
                // 15% of the gateway's CPU and 93% of its allocation at 1,000 events/s with three subscriptions. With
                // 256-byte units a delivery's row is one unit before and after: the gateway's CPU there fell from 125%
                // to 111% of a core (GC from 16% of it to 5%), for a data file about half as large again
                + (url.contains("hsqldb.cache_file_scale") ? "" : ";hsqldb.cache_file_scale=256")
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
}
