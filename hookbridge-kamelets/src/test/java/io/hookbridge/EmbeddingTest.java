package io.hookbridge;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
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
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.SLF4JServiceProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Hookbridge inside an application's own CamelContext, without camel-main: the components are found by Camel on the
 * classpath; the application adds the HTTP server, the store location and its routes, in YAML or in Java. This module's
 * test class path is such an application: hookbridge-components and hookbridge-kamelets as its only Hookbridge
 * dependencies, and logging of its own (logback, logback-test.xml), not the gateway's Log4j.
 */
class EmbeddingTest {

    static final String SECRET = "embedded+secret"; // a + is where URIs go wrong

    @TempDir
    Path dir;
    Receiver partner;
    CamelContext context;
    int port;

    @BeforeEach
    void createContext() throws Exception {
        partner = new Receiver();
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        context = new DefaultCamelContext();
        var properties = context.getPropertiesComponent();
        properties.addInitialProperty("github.secret", SECRET);
        properties.addInitialProperty("partner-a.url", partner.url("/a"));
        properties.addInitialProperty("partner-a.secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La+aSw");
        properties.addInitialProperty("partner-b.url", partner.url("/b"));
        Hookbridge.install(context);
        context.getComponent("inbox", InboxComponent.class).setDatabaseUrl("jdbc:hsqldb:file:" + dir.resolve("db"));
        VertxPlatformHttpServerConfiguration http = new VertxPlatformHttpServerConfiguration();
        http.setBindHost("127.0.0.1");
        http.setBindPort(port);
        context.addService(new VertxPlatformHttpServer(http));
    }

    @AfterEach
    void close() throws Exception {
        context.close();
        partner.close();
    }

    void expectDeliveryTo(String... paths) throws Exception {
        byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = Http.post("http://127.0.0.1:" + port + "/webhooks/github", body,
                Signatures.githubHeaders(SECRET, "push", UUID.randomUUID().toString(), body));

        assertThat(response.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> partner.requests().size() == paths.length);
        assertThat(partner.requests()).extracting(Receiver.Request::path).containsExactlyInAnyOrder(paths);
        assertThat(partner.requests()).allSatisfy(r -> assertThat(r.body()).isEqualTo(body));
    }

    @Test
    void theShippedYamlRoutesInAPlainCamelContext() throws Exception {
        var resources = PluginHelper.getPackageScanResourceResolver(context)
                .findResources("file:../routes/github-to-partners.yaml");
        PluginHelper.getRoutesLoader(context).loadRoutes(resources.toArray(new Resource[0]));
        context.start();

        expectDeliveryTo("/a", "/b");
    }

    @Test
    void theSameFlowInJavaDsl() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("kamelet:github-webhook-source?path=/webhooks/github&secret=RAW({{github.secret}})")
                        .routeId("github-in")
                        .to("inbox:github");

                from("inbox:github?retrySchedule=5s,5m,30m,2h")
                        .routeId("to-partner-a")
                        .errorHandler(defaultErrorHandler().maximumRedeliveries(2).redeliveryDelay(200))
                        .to("kamelet:webhook-sink?url={{partner-a.url}}&secret=RAW({{partner-a.secret}})");
            }
        });
        context.start();

        expectDeliveryTo("/a");
    }

    @Test
    void aSecretWithAPlusOutsideRawStopsTheStartSayingHow() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("inbox:github").routeId("to-partner-a")
                        .to("kamelet:webhook-sink?url={{partner-a.url}}&secret={{partner-a.secret}}");
            }
        });

        assertThatThrownBy(context::start).rootCause().hasMessageContaining("a space is not base64")
                .hasMessageContaining("secret=RAW({{my.secret}})").message().doesNotContain("MfKQ9r8");
    }

    @Test
    void theApplicationsLogbackIsTheOnlyBindingAndGetsHookbridgesLines() throws Exception {
        assertThat(ServiceLoader.load(SLF4JServiceProvider.class).stream().map(p -> p.type().getName()))
                .as("the application's binding and no other")
                .containsExactly("ch.qos.logback.classic.spi.LogbackServiceProvider");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger hookbridge = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("io.hookbridge");
        logged.setContext(hookbridge.getLoggerContext());
        logged.start();
        hookbridge.addAppender(logged);
        try {
            theShippedYamlRoutesInAPlainCamelContext();
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            assertThat(Http.post("http://127.0.0.1:" + port + "/webhooks/github", body,
                    Signatures.githubHeaders("not the secret", "push", UUID.randomUUID().toString(), body))
                    .statusCode()).isEqualTo(401);
        } finally {
            hookbridge.detachAppender(logged);
        }
        assertThat(logged.list.stream().map(ILoggingEvent::getFormattedMessage))
                .anyMatch(line -> line.startsWith("Inbox store: jdbc:hsqldb:file:"))
                .anyMatch(line -> line.startsWith("Refused a webhook on /webhooks/github: 401"));
    }
}
