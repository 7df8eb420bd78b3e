package io.hookbridge;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.UUID;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.RouteFiles;
import io.hookbridge.testing.Signatures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The inbound server over TLS, configured the way the README says, with a self-signed certificate made here. */
class TlsTest {

    @TempDir
    Path dir;

    @Test
    void webhooksArriveOverHttpsAndPlainHttpIsNotServed() throws Exception {
        Path keystore = dir.resolve("hookbridge.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "hookbridge", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        String routes = RouteFiles.write(dir.resolve("tls.yaml"),
                RouteFiles.githubIn("/webhooks/github", "tls-secret", "github"));

        try (Gateway gateway = Gateway.start(dir.resolve("data"), routes, Map.of(
                "camel.ssl.enabled", "true",
                "camel.ssl.keyStore", "file:" + keystore,
                "camel.ssl.keystorePassword", "changeit",
                "camel.server.useGlobalSslContextParameters", "true"))) {
            byte[] body = "{\"zen\":\"Encrypt everything.\"}".getBytes(StandardCharsets.UTF_8);
            HttpRequest.Builder request = HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + gateway.port() + "/webhooks/github"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            Signatures.githubHeaders("tls-secret", "push", UUID.randomUUID().toString(), body).forEach(request::header);

            HttpResponse<String> response = HttpClient.newBuilder().sslContext(trusting(keystore)).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            assertThat(gateway.inbox().getStore().countEvents("github")).isEqualTo(1);

            assertThatThrownBy(() -> gateway.post("/webhooks/github", body, Map.of("Content-Type", "application/json")))
                    .as("plain HTTP on the TLS port").isInstanceOf(IOException.class);
        }
    }

    /** An SSL context that trusts the certificate in the keystore, as a provider trusts a real CA. */
    static SSLContext trusting(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
