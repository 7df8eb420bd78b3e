package io.hookbridge.inbox;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.HashMap;
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
}
