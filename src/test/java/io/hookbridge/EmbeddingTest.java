package io.hookbridge;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.hookbridge.testing.Gateway;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hookbridge inside an application's own CamelContext, without camel-main: the components are found by Camel on the
 * classpath; the application adds the HTTP server, the store location and its routes, in YAML or in Java.
 */
class EmbeddingTest {

    static final String SECRET = "embedded";

    @TempDir
    Path dir;
    Receiver partner;
    CamelContext context;
    int port;

    @BeforeEach
    void createContext() throws Exception {
        partner = new Receiver();
        port = Gateway.freePort();
        context = new DefaultCamelContext();
        context.getPropertiesComponent().addInitialProperty("hookbridge.datasource.url",
                "jdbc:hsqldb:file:" + dir.resolve("db"));
        context.getPropertiesComponent().addInitialProperty("partner.url", partner.url("/hooks"));
        context.getPropertiesComponent().addInitialProperty("github.secret", SECRET);
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

    void expectDelivery() throws Exception {
        byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/webhooks/github"))
                        .header("Content-Type", "application/json")
                        .header("X-GitHub-Event", "push")
                        .header("X-GitHub-Delivery", UUID.randomUUID().toString())
                        .header("X-Hub-Signature-256", Signatures.github(SECRET, body))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> partner.requests().size() == 1);
        assertThat(partner.requests().get(0).body()).isEqualTo(body);
    }

    @Test
    void yamlRoutesInAPlainCamelContext() throws Exception {
        Path routes = dir.resolve("github.yaml");
        Files.writeString(routes, """
                - route:
                    id: github-in
                    from:
                      uri: kamelet:github-webhook-source
                      parameters:
                        path: /webhooks/github
                        secret: "{{github.secret}}"
                      steps:
                        - to:
                            uri: inbox:github
                - route:
                    id: to-partner
                    from:
                      uri: inbox:github
                      steps:
                        - to:
                            uri: kamelet:webhook-sink
                            parameters:
                              url: "{{partner.url}}"
                """);
        var resources = PluginHelper.getPackageScanResourceResolver(context).findResources("file:" + routes);
        PluginHelper.getRoutesLoader(context).loadRoutes(resources.toArray(new Resource[0]));
        context.start();

        expectDelivery();
    }

    @Test
    void theSameFlowInJavaDsl() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("kamelet:github-webhook-source?path=/webhooks/github&secret={{github.secret}}")
                        .routeId("github-in")
                        .to("inbox:github");

                from("inbox:github?retrySchedule=5s,5m,30m,2h")
                        .routeId("to-partner")
                        .errorHandler(defaultErrorHandler().maximumRedeliveries(2).redeliveryDelay(200))
                        .to("kamelet:webhook-sink?url={{partner.url}}");
            }
        });
        context.start();

        expectDelivery();
    }
}
