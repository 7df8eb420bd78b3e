package io.hookbridge.inbox;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;

import javax.sql.DataSource;

import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.Http;
import io.hookbridge.testing.Postgres;
import io.hookbridge.testing.RouteFiles;
import io.hookbridge.testing.Signatures;
import org.flywaydb.core.Flyway;
import org.hsqldb.jdbc.JDBCDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upgrade needs no hand-run SQL: a store left by the first release (schema version 1, with an event in it) is
 * brought up to date when the gateway starts, and keeps recognising that event's provider delivery id. Runs on
 * HSQLDB, and on PostgreSQL in the suite's PostgreSQL pass.
 */
class MigrationTest {

    static final String SECRET = "migration-secret";

    @TempDir
    Path dir;

    @Test
    void aStoreOfTheFirstReleaseIsUpgradedAtStartAndKeepsItsEvents() throws Exception {
        DataSource store = Postgres.selected() ? postgres() : hsqldb();
        Flyway.configure(getClass().getClassLoader()).dataSource(store).table("hb_schema_history")
                .locations("classpath:db/migration/" + (Postgres.selected() ? "postgresql" : "hsqldb"))
                .target("1").load().migrate();
        String old = EventIds.next(System.currentTimeMillis() - 60_000);
        try (Connection c = store.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO hb_event (id, inbox, idempotency_key, event_type, source, content_type, headers, body, "
                        + "received_at) VALUES (?, 'github', 'delivery-1', 'push', 'github', 'application/json', '{}', "
                        + "?, ?)")) {
            ps.setString(1, old);
            ps.setBytes(2, "{}".getBytes(StandardCharsets.UTF_8));
            ps.setLong(3, System.currentTimeMillis() - 60_000);
            ps.executeUpdate();
            if (!Postgres.selected()) {
                c.createStatement().execute("SHUTDOWN");
            }
        }

        String routes = RouteFiles.write(dir.resolve("routes.yaml"), RouteFiles.githubIn("/webhooks/github", SECRET,
                "github"));
        try (Gateway gateway = Gateway.start(dir, routes, Map.of())) {
            HttpResponse<String> again = send(gateway, "delivery-1");
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            assertThat(Http.eventId(again)).isEqualTo(old);
            assertThat(send(gateway, "delivery-2").statusCode()).isEqualTo(202);
            try (Connection c = gateway.inbox().getDataSource().getConnection();
                    ResultSet rs = c.createStatement().executeQuery(
                            "SELECT MAX(CAST(\"version\" AS INT)) FROM \"hb_schema_history\"")) {
                rs.next();
                assertThat(rs.getInt(1)).as("schema version after the start").isGreaterThanOrEqualTo(3);
            }
        }
    }

    static HttpResponse<String> send(Gateway gateway, String delivery) throws Exception {
        byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
        return gateway.post("/webhooks/github", body, Signatures.githubHeaders(SECRET, "push", delivery, body));
    }

    /** The database {@link Gateway#start} will use for {@link #dir}. */
    private DataSource hsqldb() {
        JDBCDataSource ds = new JDBCDataSource();
        ds.setUrl(Postgres.storeUrl(dir) + ";hsqldb.lock_file=false");
        ds.setUser("SA");
        ds.setPassword("");
        return ds;
    }

    private DataSource postgres() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(Postgres.storeUrl(dir));
        return ds;
    }
}
