package io.hookbridge.source;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TwilioVerifierTest {

    // Twilio's documented example (token 12345)
    static final String URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
    static final byte[] FORM = ("CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030"
            + "&To=%2B18005551212").getBytes(StandardCharsets.UTF_8);
    static final String SIGNATURE = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

    static TwilioVerifier verifier(String token) {
        TwilioVerifier v = new TwilioVerifier();
        v.setAuthToken(token);
        return v;
    }

    @Test
    void acceptsTwiliosDocumentedExample() {
        assertThatCode(() -> verifier("12345").verify(URL, "application/x-www-form-urlencoded", FORM, SIGNATURE))
                .doesNotThrowAnyException();
    }

    @Test
    void acceptsTheUrlWithTheDefaultPortSpelledOut() {
        assertThatCode(() -> verifier("12345").verify("https://mycompany.com:443/myapp.php?foo=1&bar=2",
                "application/x-www-form-urlencoded", FORM, SIGNATURE)).doesNotThrowAnyException();
    }

    @Test
    void refusesAnotherUrlAnotherParameterOrAnotherToken() {
        assertThatThrownBy(() -> verifier("12345").verify("https://mycompany.com/myapp.php?foo=1&bar=3",
                "application/x-www-form-urlencoded", FORM, SIGNATURE)).hasMessage("invalid signature");
        byte[] changed = new String(FORM, StandardCharsets.UTF_8).replace("1234&", "1235&").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> verifier("12345").verify(URL, "application/x-www-form-urlencoded", changed, SIGNATURE))
                .hasMessage("invalid signature");
        assertThatThrownBy(() -> verifier("54321").verify(URL, "application/x-www-form-urlencoded", FORM, SIGNATURE))
                .hasMessage("invalid signature");
        assertThatThrownBy(() -> verifier("12345").verify(URL, "application/x-www-form-urlencoded", FORM, null))
                .hasMessage("missing X-Twilio-Signature header");
    }

    @Test
    void aRotationListAcceptsTheOldToken() {
        assertThatCode(() -> verifier("new-token,12345").verify(URL, "application/x-www-form-urlencoded", FORM,
                SIGNATURE)).doesNotThrowAnyException();
    }
}
