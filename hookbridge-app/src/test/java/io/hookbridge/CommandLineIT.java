package io.hookbridge;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.GatewayProcess;
import io.hookbridge.testing.Http;
import io.hookbridge.testing.RouteFiles;
import io.hookbridge.testing.Signatures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The packaged jar's command line, as a user runs it in a working directory with routes/ (issue #13). */
class CommandLineIT {

    @TempDir
    Path dir;

    record Run(int exit, String output) {
    }

    @Test
    void validateSaysOkForGoodRouteFiles() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        RouteFiles.write(routes.resolve("github.yaml"), RouteFiles.githubIn("/webhooks/github", "{{github.secret}}",
                "github"));
        RouteFiles.write(routes.resolve("partner.yaml"), RouteFiles.webhookOut("to-partner", "github",
                "https://partner.example/hooks"));
        Files.writeString(dir.resolve("application.properties"), "github.secret = gh-secret\n");

        Run run = jar("validate");

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("OK: 2 route files");
        assertThat(dir.resolve("data")).as("the real store is not touched").doesNotExist();
    }

    @Test
    void validatePrintsEachProblemWithFileAndLineAndNeverASecret() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("mail.yaml"), GuardrailsTest.MAIL_ROUTE.formatted("ops@example.com",
                "Payment failed").replace("text: \"Hello\"", "txt: \"Hello\""));
        RouteFiles.write(routes.resolve("internal.yaml"), RouteFiles.webhookOut("internal-out", "github",
                "http://127.0.0.1:9/hooks", "{{internal.secret}}"));
        Files.writeString(routes.resolve("slack.yaml"), """
                - route:
                    id: to-slack
                    from:
                      uri: inbox:github
                      steps:
                        - to:
                            uri: kamelet:slack-chat-sink
                            parameters:
                              webhookUrl: "{{slack.webhook-url}}"
                              text: "${repository.full_name}"
                """);
        Files.writeString(dir.resolve("application.properties"), "internal.secret = whsec_MySuperSecret!Value\n");

        Run run = jar("validate", "routes");

        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output())
                .containsPattern("(?m)^routes/mail\\.yaml:\\d+: route 'mail-out': unknown parameter 'txt' of "
                        + "email-sink; did you mean 'text'\\?$")
                .containsPattern("(?m)^routes/internal\\.yaml:\\d+: route 'internal-out': webhook-sink's secret: "
                        + "a whsec_ secret is base64 after the prefix; '!' is not base64$")
                .containsPattern("(?m)^routes/slack\\.yaml:\\d+: route 'to-slack': Property with key "
                        + "\\[slack.webhook-url\\] not found")
                .doesNotContain("MySuperSecret");
    }

    @Test
    void aFailedStartExitsWithStatusOneAndSaysWhyInOneLine() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("mail.yaml"), """
                - route:
                    id: mail-out
                    from:
                      uri: kamelet:emial-sink
                """);

        Run run = jar();

        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).containsPattern("ERROR .* Hookbridge did not start: route 'mail-out' "
                + "\\(routes/mail\\.yaml:\\d+\\): no Kamelet named 'emial-sink'")
                .as("nothing sent the process a SIGTERM").doesNotContain("SIGTERM");
    }

    @Test
    void applicationPropertiesOfTheWorkingDirectoryOverrideTheJarsDefaults() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        RouteFiles.write(routes.resolve("github.yaml"), RouteFiles.githubIn("/webhooks/github", "{{github.secret}}",
                "github"));
        // the jar's default store is data/hookbridge
        Files.writeString(dir.resolve("application.properties"), String.join("\n", "github.secret = gh-secret",
                "camel.component.inbox.database-url = jdbc:hsqldb:file:elsewhere/hookbridge"));
        int port = Gateway.freePort();

        try (GatewayProcess gateway = GatewayProcess.start(dir, port, Map.of())) {
            byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
            // the port opens a moment before the routes have started
            await().atMost(Duration.ofSeconds(30)).until(() -> Http.post("http://127.0.0.1:" + port
                    + "/webhooks/github", body, Signatures.githubHeaders("gh-secret", "push", "d1", body))
                    .statusCode() == 202);
        }
        assertThat(dir.resolve("elsewhere")).isDirectory();
        assertThat(dir.resolve("data")).doesNotExist();
    }

    /** Runs the jar in {@code dir} with these arguments; must end within a minute. */
    private Run jar(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx192m", "-jar",
                Path.of(System.getProperty("hookbridge.jar", "target/hookbridge.jar")).toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.log").toFile()).start();
        boolean ended = p.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String output = Files.readString(dir.resolve("out.log"), StandardCharsets.UTF_8);
        assertThat(ended).as("the process ended; it wrote:\n" + output).isTrue();
        return new Run(p.exitValue(), output);
    }
}
