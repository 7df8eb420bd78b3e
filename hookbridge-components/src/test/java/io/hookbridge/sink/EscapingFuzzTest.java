package io.hookbridge.sink;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Event text, escaped for each target, can never become markup there: no raw {@code < >} for Slack and HTML, every
 * Markdown control character escaped, JSON and form values that decode back to exactly the text. Corpus:
 * src/test/resources/io/hookbridge/sink/EscapingFuzzTestInputs; {@code JAZZER_FUZZ=1 mvn test -Dtest=EscapingFuzzTest}
 * fuzzes.
 */
class EscapingFuzzTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @FuzzTest(maxDuration = "30s")
    void eventText(String text) throws Exception {
        if (text == null) {
            return; // templates render a missing value as empty text, never as null
        }
        assertThat(Escaping.SLACK.escape(text)).doesNotContain("<", ">");
        assertThat(Escaping.HTML.escape(text)).doesNotContain("<", ">", "\"", "'");
        assertThat(JSON.readValue("\"" + Escaping.JSON.escape(text) + "\"", String.class)).isEqualTo(text);
        assertThat(URLDecoder.decode(Escaping.FORM.escape(text), StandardCharsets.UTF_8))
                .isEqualTo(new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        String markdown = Escaping.MARKDOWN.escape(text);
        for (int i = 0; i < markdown.length(); i++) {
            if ("`*_~|>[]()#@<".indexOf(markdown.charAt(i)) >= 0) {
                assertThat(markdown.charAt(i - 1)).as("escaped at %d of %s", i, markdown).isEqualTo('\\');
            }
        }
    }
}
