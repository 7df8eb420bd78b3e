package io.hookbridge.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The PostgreSQL tests use a server only when HOOKBRIDGE_TEST_POSTGRES names one (issue #13, item 9). */
class PostgresTest {

    @Test
    void withoutTheVariableNoServerIsTouchedAndTheTestIsSkipped() throws Exception {
        assertThatThrownBy(() -> Postgres.database("hbnever_", "a developer's own server", null))
                .isInstanceOf(TestAbortedException.class).hasMessageContaining("HOOKBRIDGE_TEST_POSTGRES");

        String server = System.getenv("HOOKBRIDGE_TEST_POSTGRES");
        if (server != null) { // CI: the server on 127.0.0.1:5432 got no database from it
            try (Connection c = DriverManager.getConnection(server);
                    ResultSet rs = c.createStatement().executeQuery(
                            "SELECT count(*) FROM pg_database WHERE datname LIKE 'hbnever_%'")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }
}
