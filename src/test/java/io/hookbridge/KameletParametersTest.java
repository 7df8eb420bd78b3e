package io.hookbridge;

import java.util.List;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KameletParametersTest {

    @Test
    void readsTheDeclaredParameterNamesOfAKamelet() {
        List<String> lines = """
                apiVersion: camel.apache.org/v1
                kind: Kamelet
                spec:
                  definition:
                    title: x
                    properties:
                      path:
                        title: Path
                        type: string
                      "secret":
                        title: Secret
                        properties:
                          nested: {}
                      text: {title: Text, type: string}
                  template:
                    from:
                      uri: kamelet:source
                """.lines().toList();

        assertThat(KameletParameters.parameterNames(new DefaultCamelContext())).contains("secret", "webhookUrl",
                "text", "authToken", "botToken", "clientState", "password", "url");
        assertThat(KameletParameters.declaredParameters(lines)).containsExactly("path", "secret", "text");
    }
}
