package io.hookbridge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/reference/} is generated from metadata, as camel-kamelets generates its pages: one page per component
 * from the catalogue JSON that camel-component-maven-plugin writes from the components' annotations, one per Kamelet
 * from its YAML definition. The build writes the pages that changed (after an option or a Kamelet did) and then fails,
 * so that a build never passes on pages older than their metadata: commit what it wrote.
 */
class ReferenceDocsTest {

    static final Path REFERENCE = Path.of("docs/reference");
    static final Path CATALOGUE = Path.of("hookbridge-components/src/generated/resources/META-INF/io/hookbridge");
    static final Path KAMELETS = Path.of("hookbridge-kamelets/src/main/resources/kamelets");
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theReferencePagesAreGeneratedFromTheMetadata() throws IOException {
        Map<Path, String> pages = new TreeMap<>();
        List<String> components = new ArrayList<>();
        try (Stream<Path> files = Files.walk(CATALOGUE)) {
            for (Path json : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode c = JSON.readTree(json.toFile());
                String scheme = c.path("component").path("scheme").asText();
                pages.put(REFERENCE.resolve("components/" + scheme + ".md"), component(c));
                components.add(scheme);
            }
        }
        List<String[]> kamelets = new ArrayList<>();
        try (Stream<Path> files = Files.list(KAMELETS)) {
            for (Path yaml : files.filter(f -> f.toString().endsWith(".kamelet.yaml")).sorted().toList()) {
                Map<String, Object> k = new Yaml().load(Files.readString(yaml));
                String[] summary = summary(k);
                pages.put(REFERENCE.resolve("kamelets/" + summary[0] + ".md"), kamelet(k));
                kamelets.add(summary);
            }
        }
        pages.put(REFERENCE.resolve("README.md"), index(components, kamelets));
        assertThat(components).containsExactly("inbox", "webhook-receiver");

        List<Path> written = new ArrayList<>();
        try (Stream<Path> present = Files.walk(REFERENCE)) {
            for (Path file : present.filter(Files::isRegularFile).toList()) {
                if (!pages.containsKey(file)) { // a component or Kamelet that is gone
                    Files.delete(file);
                    written.add(file);
                }
            }
        }
        for (Map.Entry<Path, String> page : pages.entrySet()) {
            if (!Files.exists(page.getKey()) || !Files.readString(page.getKey()).equals(page.getValue())) {
                Files.createDirectories(page.getKey().getParent());
                Files.writeString(page.getKey(), page.getValue());
                written.add(page.getKey());
            }
        }
        assertThat(written).as("docs/reference was out of date; the build wrote it again: commit it").isEmpty();
    }

    static String component(JsonNode c) {
        JsonNode m = c.path("component");
        StringBuilder out = new StringBuilder();
        out.append("# ").append(m.path("title").asText()).append(" component\n\n")
                .append("<!-- generated from the component's catalogue JSON by ReferenceDocsTest: do not edit -->\n\n")
                .append("**Since ").append(m.path("firstVersion").asText()).append("** · ")
                .append(m.path("consumerOnly").asBoolean() ? "consumer only" : "producer and consumer").append(" · ")
                .append("`").append(m.path("javaType").asText()).append("`\n\n")
                .append(m.path("description").asText()).append("\n\n")
                .append("```\n").append(m.path("syntax").asText()).append("\n```\n");
        options(out, "Component options", "camel.component." + m.path("scheme").asText() + ".*", c.path("componentProperties"));
        options(out, "Endpoint options", "path and query of the URI", c.path("properties"));
        if (c.has("headers")) {
            out.append("\n## Message headers\n\n| header | type | set on | description |\n|---|---|---|---|\n");
            c.path("headers").fields().forEachRemaining(h -> out.append("| `").append(h.getKey()).append("` | ")
                    .append(h.getValue().path("javaType").asText()).append(" | ")
                    .append(h.getValue().path("label").asText().isEmpty() ? "both" : h.getValue().path("label").asText())
                    .append(" | ")
                    .append(cell(h.getValue().path("description").asText())).append(" |\n"));
        }
        return out.toString();
    }

    static void options(StringBuilder out, String title, String where, JsonNode options) {
        out.append("\n## ").append(title).append("\n\n").append(where).append("\n\n")
                .append("| name | default | type | description |\n|---|---|---|---|\n");
        options.fields().forEachRemaining(o -> {
            JsonNode p = o.getValue();
            out.append("| `").append(o.getKey()).append("`").append(p.path("required").asBoolean() ? " (required)" : "")
                    .append(" | ").append(p.has("defaultValue") ? "`" + p.path("defaultValue").asText() + "`" : "")
                    .append(" | ").append(p.path("type").asText()).append(" | ")
                    .append(cell(p.path("description").asText())).append(" |\n");
        });
    }

    /** Name, title, type and support level. */
    @SuppressWarnings("unchecked")
    static String[] summary(Map<String, Object> k) {
        Map<String, Object> metadata = (Map<String, Object>) k.get("metadata");
        Map<String, Object> definition = (Map<String, Object>) ((Map<String, Object>) k.get("spec")).get("definition");
        return new String[] { (String) metadata.get("name"), (String) definition.get("title"),
            (String) ((Map<String, Object>) metadata.get("labels")).get("camel.apache.org/kamelet.type"),
            (String) ((Map<String, Object>) metadata.get("annotations")).get("camel.apache.org/kamelet.support.level") };
    }

    @SuppressWarnings("unchecked")
    static String kamelet(Map<String, Object> k) {
        String[] s = summary(k);
        Map<String, Object> spec = (Map<String, Object>) k.get("spec");
        Map<String, Object> definition = (Map<String, Object>) spec.get("definition");
        List<String> required = (List<String>) definition.getOrDefault("required", List.of());
        Map<String, Map<String, Object>> properties = (Map<String, Map<String, Object>>) definition.get("properties");
        StringBuilder out = new StringBuilder();
        out.append("# ").append(s[1]).append("\n\n")
                .append("<!-- generated from the Kamelet's definition by ReferenceDocsTest: do not edit -->\n\n")
                .append("`kamelet:").append(s[0]).append("` · ").append(s[2]).append(" · ").append(s[3]).append("\n\n")
                .append(((String) definition.get("description")).strip()).append("\n\n")
                .append("## Parameters\n\n| name | title | required | default | type | description |\n")
                .append("|---|---|---|---|---|---|\n");
        properties.forEach((name, p) -> out.append("| `").append(name).append("` | ").append(p.get("title"))
                .append(" | ").append(required.contains(name) ? "yes" : "").append(" | ")
                .append(p.containsKey("default") ? "`" + p.get("default") + "`" : "").append(" | ")
                .append(p.get("type")).append("password".equals(p.get("format")) ? " (secret)" : "")
                .append(" | ").append(cell(String.valueOf(p.get("description")))).append(" |\n"));
        out.append("\n## Usage\n\n```yaml\n");
        String uri = "kamelet:" + s[0];
        if ("source".equals(s[2])) {
            out.append("- route:\n    from:\n      uri: ").append(uri).append("\n      parameters:\n");
            required.forEach(r -> out.append("        ").append(r).append(": ").append(value(properties, r)).append("\n"));
            out.append("      steps:\n        - to: {uri: \"inbox:events\"}\n");
        } else {
            out.append("- route:\n    from:\n      uri: \"inbox:events\"\n      steps:\n        - to:\n            uri: ")
                    .append(uri).append("\n            parameters:\n");
            required.forEach(r -> out.append("              ").append(r).append(": ").append(value(properties, r))
                    .append("\n"));
        }
        out.append("```\n\n## Dependencies\n\n");
        ((List<String>) spec.getOrDefault("dependencies", List.of())).forEach(d -> out.append("- `").append(d).append("`\n"));
        return out.toString();
    }

    /** A parameter's value in the usage example: its example, or a placeholder (secrets always). */
    static String value(Map<String, Map<String, Object>> properties, String name) {
        Map<String, Object> p = properties.get(name);
        return p.containsKey("example") && !"password".equals(p.get("format")) ? "\"" + p.get("example") + "\""
                : "\"{{" + name + "}}\"";
    }

    static String index(List<String> components, List<String[]> kamelets) {
        StringBuilder out = new StringBuilder("# Reference\n\n")
                .append("<!-- generated by ReferenceDocsTest from the components' catalogue JSON and the Kamelets: "
                        + "do not edit -->\n\n")
                .append("## Components\n\n");
        components.forEach(c -> out.append("- [`").append(c).append(":`](components/").append(c).append(".md)\n"));
        for (String type : List.of("source", "sink")) {
            out.append("\n## Kamelets: ").append(type).append("s\n\n| Kamelet | title | support level |\n|---|---|---|\n");
            kamelets.stream().filter(k -> k[2].equals(type)).forEach(k -> out.append("| [`").append(k[0])
                    .append("`](kamelets/").append(k[0]).append(".md) | ").append(k[1]).append(" | ").append(k[3])
                    .append(" |\n"));
        }
        return out.toString();
    }

    /** One table cell: on one line, pipes escaped. */
    static String cell(String text) {
        return text.strip().replaceAll("\\s*\n\\s*", " ").replace("|", "\\|");
    }
}
