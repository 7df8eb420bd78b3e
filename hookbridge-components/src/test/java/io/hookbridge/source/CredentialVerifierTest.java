package io.hookbridge.source;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialVerifierTest {

    @Test
    void basicAuthWithARotationListOfPasswords() {
        CredentialVerifier v = new CredentialVerifier();
        v.setScheme("Basic");
        v.setUsername("hooks");
        v.setSecret("new-pass,old-pass");
        // base64("hooks:old-pass")
        assertThatCode(() -> v.verify("Basic aG9va3M6b2xkLXBhc3M=")).doesNotThrowAnyException();
        assertThatThrownBy(() -> v.verify("Basic aG9va3M6d3Jvbmc=")).hasMessage("invalid credentials in Authorization");
        assertThatThrownBy(() -> v.verify(null)).hasMessage("missing Authorization header");
    }

    @Test
    void bearerTokenAndBareApiKey() {
        CredentialVerifier bearer = new CredentialVerifier();
        bearer.setScheme("Bearer");
        bearer.setSecret("t0k3n");
        assertThatCode(() -> bearer.verify("Bearer t0k3n")).doesNotThrowAnyException();
        assertThatThrownBy(() -> bearer.verify("t0k3n")).hasMessage("invalid credentials in Authorization");

        CredentialVerifier apiKey = new CredentialVerifier();
        apiKey.setHeader("X-Api-Key");
        apiKey.setScheme("");
        apiKey.setSecret("k3y");
        assertThatCode(() -> apiKey.verify("k3y")).doesNotThrowAnyException();
        assertThatThrownBy(() -> apiKey.verify("Bearer k3y")).hasMessage("invalid credentials in X-Api-Key");
    }

    @Test
    void aCheckedCredentialGoesNoFurtherWhateverItsHeaderIsCalled() throws Exception {
        CredentialVerifier v = new CredentialVerifier();
        v.setHeader("X-Key");
        v.setSecret("k3y");
        Exchange exchange = new DefaultExchange(
                new DefaultCamelContext());
        exchange.getMessage().setHeader("X-Key", "k3y");
        exchange.getMessage().setHeader("X-Other", "kept");

        v.process(exchange);

        assertThat(exchange.getMessage().getHeaders()).doesNotContainKey("X-Key").containsKey("X-Other");
    }
}
