package io.hookbridge.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL server of the tests ({@code .ci/postgres} installs and starts it): a database per test, created on
 * first use. {@code HOOKBRIDGE_TEST_POSTGRES} is a JDBC URL of the server's {@code postgres} database with a user
 * allowed to create databases. Only when it is set (as {@code .ci/run} does) do the tests use a server, and one that
 * does not answer fails them; otherwise they are skipped: they drop {@code hbtest_*} databases, so they never touch a
 * server they were not given (a developer's own on 127.0.0.1:5432, say).
 */
public final class Postgres {

    private static final String ENV = "HOOKBRIDGE_TEST_POSTGRES";
    private static final List<String> CLEARED = new ArrayList<>();

    private Postgres() {
    }

    /**
     * Whether this test run keeps the inbox of every {@link Gateway} on PostgreSQL
     * ({@code -Dhookbridge.test.store=postgresql}).
     */
    public static boolean selected() {
        return "postgresql".equals(System.getProperty("hookbridge.test.store"));
    }

    /**
     * The store of a test's directory: a database of its own on PostgreSQL when the run selects it, else an HSQLDB file
     * database {@code hookbridge} in that directory.
     */
    public static String storeUrl(Path dir) {
        return selected() ? database("hbtest_", dir.toAbsolutePath().toString())
                : "jdbc:hsqldb:file:" + dir.resolve("hookbridge");
    }

    /** The JDBC URL of a database of that name ({@code prefix} + a digest of {@code key}), created if missing. */
    public static String database(String prefix, String key) {
        return database(prefix, key, System.getenv(ENV));
    }

    /** As {@link #database(String, String)} on {@code server}, the value of the variable (null: skip the test). */
    static synchronized String database(String prefix, String key, String server) {
        Assumptions.assumeTrue(server != null, "PostgreSQL tests run on the server " + ENV + " names (.ci/run sets it)");
        String name = prefix + digest(key);
        try (Connection c = DriverManager.getConnection(server);
                Statement s = c.createStatement()) {
            if (!CLEARED.contains(prefix)) {
                // what earlier runs of this JVM's tests left behind
                List<String> old = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE '" + prefix + "%'")) {
                    while (rs.next()) {
                        old.add(rs.getString(1));
                    }
                }
                for (String db : old) {
                    s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
                }
                CLEARED.add(prefix);
            }
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE " + name);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + ENV + " does not answer", e);
        }
        return server.replaceFirst("/postgres(\\?|$)", "/" + name + "$1");
    }

    private static String digest(String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
