package io.hookbridge.inbox;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariDataSource;
import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.Postgres;
import io.hookbridge.testing.RouteFiles;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The settings a new HSQLDB file store is created with, read back from the database itself: each commit synced
 * before it returns (a 2xx means on disk), MVCC, and whole 256-byte row units (see {@code InboxDatabase}).
 */
class HsqldbFileStoreTest {

    @TempDir
    Path dir;

    @Test
    void aNewFileStoreSyncsEveryCommitUsesLargeRowUnitsAndShortCheckpoints() throws Exception {
        assumeFalse(Postgres.selected(), "HSQLDB's own settings");
        String routes = RouteFiles.write(dir.resolve("routes.yaml"),
                RouteFiles.githubIn("/webhooks/github", "secret", "github"));
        try (Gateway gateway = Gateway.start(dir, routes, Map.of())) {
            Map<String, String> settings = new HashMap<>();
            try (Connection c = gateway.inbox().getDataSource().getConnection();
                    ResultSet rs = c.createStatement().executeQuery(
                            "SELECT property_name, property_value FROM information_schema.system_properties")) {
                while (rs.next()) {
                    settings.put(rs.getString(1), rs.getString(2));
                }
            }
            assertThat(settings).containsEntry("hsqldb.write_delay", "false")
                    .containsEntry("hsqldb.tx", "MVCC")
                    .containsEntry("hsqldb.cache_file_scale", "256")
                    .containsEntry("hsqldb.files_space", "16")
                    .containsEntry("hsqldb.log_size", "2");
        }
    }

    /**
     * The inbox's options say where its store is; the property names earlier versions read
     * ({@code hookbridge.datasource.url} and the like) still do when the option is not set.
     */
    @Test
    void theStoresUrlIsAnOptionAndTheNameOfEarlierVersionsStillWorks() throws Exception {
        assumeFalse(Postgres.selected(), "an HSQLDB file store");
        assertThat(startedStore(null, "former")).isEqualTo(dir.resolve("former"));
        assertThat(startedStore("option", "ignored")).isEqualTo(dir.resolve("option"));
        assertThat(dir.resolve("ignored")).doesNotExist();
    }

    /** Starts an inbox with the option and the former property set (null: not set): the folder its store is in. */
    private Path startedStore(String option, String formerProperty) throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            if (option != null) {
                context.getComponent("inbox", InboxComponent.class)
                        .setDatabaseUrl("jdbc:hsqldb:file:" + dir.resolve(option).resolve("db"));
            }
            context.getPropertiesComponent().addInitialProperty("hookbridge.datasource.url",
                    "jdbc:hsqldb:file:" + dir.resolve(formerProperty).resolve("db"));
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:in").to("inbox:orders");
                }
            });
            context.start();
            return Path.of(context.getComponent("inbox", InboxComponent.class).getDataSource()
                    .unwrap(HikariDataSource.class).getJdbcUrl().replaceAll("^jdbc:hsqldb:file:|;.*$", "")).getParent();
        }
    }

    /**
     * A subscription's claims, backlog figures and ordered claims read its deliveries as ranges of the due index (the
     * subscription and the status both bound the range), in index order where they stop at a limit. Ordered by time
     * alone, HSQLDB read and sorted the whole backlog on every claim; with {@code status IN (...)}, an ordered claim
     * walked the subscription's whole history.
     */
    @Test
    void claimsAndFiguresReadRangesOfTheDueIndex() throws Exception {
        assumeFalse(Postgres.selected(), "HSQLDB's query plans");
        String routes = RouteFiles.write(dir.resolve("routes.yaml"),
                RouteFiles.githubIn("/webhooks/github", "secret", "github"));
        try (Gateway gateway = Gateway.start(dir, routes, Map.of());
                Connection c = gateway.inbox().getDataSource().getConnection()) {
            assertThat(plan(c, InboxStore.SELECT_DUE)).containsPattern(STATUS_BOUNDS_RANGE)
                    .containsPattern("order by=\\[[^\\]]*uses index");
            assertThat(plan(c, InboxHistory.PENDING_FIGURES)).containsPattern(STATUS_BOUNDS_RANGE)
                    .containsPattern("order by=\\[[^\\]]*uses index");
            assertThat(Pattern.compile(STATUS_BOUNDS_RANGE)
                    .matcher(plan(c, InboxStore.oldestWaiting("event_id", "", true))).results().count())
                    .as("ranges read by an ordered claim that also waits on dead deliveries").isEqualTo(2);
        }
    }

    /** The status as a bound of an index range ("start conditions"), not a filter applied to every row read. */
    static final String STATUS_BOUNDS_RANGE = "EQUAL arg_left=\\[\\s*COLUMN: PUBLIC.HB_DELIVERY.STATUS";

    static String plan(Connection c, String sql) throws Exception {
        StringBuilder plan = new StringBuilder();
        try (PreparedStatement explain = c.prepareStatement("EXPLAIN PLAN FOR " + sql);
                ResultSet rs = explain.executeQuery()) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }
}
