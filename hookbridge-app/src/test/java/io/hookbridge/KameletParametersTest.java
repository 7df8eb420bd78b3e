package io.hookbridge;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KameletParametersTest {

    @Test
    void readsTheDeclaredParameterNamesOfAKamelet() {
        String lines = """
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
                """;

        assertThat(KameletParameters.parameterNames(new DefaultCamelContext())).contains("secret", "webhookUrl",
                "text", "authToken", "botToken", "clientState", "password", "url");
        assertThat(KameletParameters.declaredParameters(lines)).containsExactly("path", "secret", "text");
        // the same Kamelet written in flow style: the same parameters
        assertThat(KameletParameters.declaredParameters("""
                {apiVersion: camel.apache.org/v1, kind: Kamelet, metadata: {name: x},
                 spec: {definition: {title: x, required: [path], properties: {path: {title: Path, type: string},
                   "secret": {title: Secret, format: password, properties: {nested: {}}}, text: {title: Text}}},
                   template: {from: {uri: "kamelet:source"}}}}
                """)).containsExactly("path", "secret", "text");
        assertThat(KameletParameters.declaredParameters("spec: {template: {from: {uri: x}}}")).isEmpty();
    }
}
