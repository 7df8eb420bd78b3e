package io.hookbridge.inbox;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.Postgres;
import io.hookbridge.testing.RouteFiles;
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
    void aNewFileStoreSyncsEveryCommitAndUsesLargeRowUnits() throws Exception {
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
                    .containsEntry("hsqldb.files_space", "16");
        }
    }

    /**
     * A subscription's claims and backlog figures read its due deliveries in index order and stop at their limit;
     * ordered by time alone, HSQLDB read and sorted the whole backlog on every claim (a drain after a burst crawled).
     */
    @Test
    void claimsAndBacklogFiguresReadTheDueIndexInOrder() throws Exception {
        assumeFalse(Postgres.selected(), "HSQLDB's query plans");
        String routes = RouteFiles.write(dir.resolve("routes.yaml"),
                RouteFiles.githubIn("/webhooks/github", "secret", "github"));
        try (Gateway gateway = Gateway.start(dir, routes, Map.of());
                Connection c = gateway.inbox().getDataSource().getConnection()) {
            for (String sql : List.of(InboxStore.SELECT_DUE, InboxHistory.PENDING_FIGURES)) {
                StringBuilder plan = new StringBuilder();
                try (PreparedStatement explain = c.prepareStatement("EXPLAIN PLAN FOR " + sql);
                        ResultSet rs = explain.executeQuery()) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                assertThat(plan.toString()).as(sql).contains("index=HB_DELIVERY_DUE")
                        .containsPattern("order by=\\[[^\\]]*uses index");
            }
        }
    }
}
