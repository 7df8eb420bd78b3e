package io.hookbridge;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.UUID;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.hookbridge.inbox.InboxComponent;
import io.hookbridge.testing.Http;
import io.hookbridge.testing.Receiver;
import io.hookbridge.testing.Signatures;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.SLF4JServiceProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application of its own on logback, with hookbridge-components and hookbridge-kamelets as its only Hookbridge
 * dependencies (this module's test class path): one SLF4J binding, its own; a signed webhook goes through a Kamelet
 * source, the inbox and a Kamelet sink, and Hookbridge's log lines reach the application's logback.
 */
class LogbackApplicationTest {

    static final String SECRET = "logback+secret";

    @TempDir
    Path dir;

    @Test
    void aSignedWebhookGoesThroughAnApplicationOnLogback() throws Exception {
        assertThat(ServiceLoader.load(SLF4JServiceProvider.class).stream().map(p -> p.type().getName()))
                .as("the application's binding and no other")
                .containsExactly("ch.qos.logback.classic.spi.LogbackServiceProvider");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
        logged.setContext(logback);
        logged.start();
        Logger hookbridgeLogger = logback.getLogger("io.hookbridge");
        hookbridgeLogger.addAppender(logged);

        try (Receiver partner = new Receiver(); CamelContext context = new DefaultCamelContext()) {
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            Hookbridge.install(context);
            context.getComponent("inbox", InboxComponent.class).setDatabaseUrl("jdbc:hsqldb:file:" + dir.resolve("db"));
            VertxPlatformHttpServerConfiguration http = new VertxPlatformHttpServerConfiguration();
            http.setBindHost("127.0.0.1");
            http.setBindPort(port);
            context.addService(new VertxPlatformHttpServer(http));
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("kamelet:github-webhook-source?path=/webhooks/github&secret=RAW(" + SECRET + ")")
                            .routeId("github-in").to("inbox:github");
                    from("inbox:github").routeId("to-partner").to("kamelet:webhook-sink?url=" + partner.url("/partner")
                            + "&secret=RAW(whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La+aSw)");
                }
            });
            context.start();

            byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> answer = Http.post("http://127.0.0.1:" + port + "/webhooks/github", body,
                    Signatures.githubHeaders(SECRET, "push", UUID.randomUUID().toString(), body));
            HttpResponse<String> forged = Http.post("http://127.0.0.1:" + port + "/webhooks/github", body,
                    Signatures.githubHeaders("not the secret", "push", UUID.randomUUID().toString(), body));

            assertThat(answer.statusCode()).isEqualTo(202);
            assertThat(forged.statusCode()).isEqualTo(401);
            await().atMost(Duration.ofSeconds(10)).until(() -> partner.requests().size() == 1);
            assertThat(partner.requests().get(0).body()).isEqualTo(body);
            assertThat(partner.requests().get(0).header("webhook-signature")).startsWith("v1,");
        } finally {
            hookbridgeLogger.detachAppender(logged);
        }
        List<String> lines = logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).anyMatch(l -> l.startsWith("Inbox store: jdbc:hsqldb:file:"))
                .anyMatch(l -> l.startsWith("Refused a webhook on /webhooks/github: 401"));
    }
}
