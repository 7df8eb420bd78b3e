package io.hookbridge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every shipped Kamelet is self-describing the way the Camel Kamelets catalogue is: its name is its file's, each
 * parameter has a title, a description and a type, the required ones exist, every {{placeholder}} of its template is a
 * parameter or one of its beans, it has a support level, an icon, the catalogue version and its data types, and its
 * dependencies are the Hookbridge artifact of this version and Camel modules (camel:NAME) on the class path.
 */
class KameletCatalogueTest {

    static final Path KAMELETS = Path.of("src/main/resources/kamelets");
    static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^}?:]+)(?:[?:][^}]*)?}}");

    static Stream<Path> kamelets() throws IOException {
        try (Stream<Path> files = Files.list(KAMELETS)) {
            return files.filter(f -> f.toString().endsWith(".kamelet.yaml")).sorted().toList().stream();
        }
    }

    /** The version in this module's pom.xml (its parent's), which the Kamelets name as their version and dependency. */
    static String projectVersion() throws IOException {
        Matcher m = Pattern.compile("<artifactId>hookbridge-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    @ParameterizedTest
    @MethodSource("kamelets")
    @SuppressWarnings("unchecked")
    void isSelfDescribing(Path file) throws IOException {
        String text = Files.readString(file);
        Map<String, Object> kamelet =
                (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(text);
        Map<String, Object> metadata = (Map<String, Object>) kamelet.get("metadata");
        assertThat(metadata.get("name") + ".kamelet.yaml").isEqualTo(file.getFileName().toString());
        assertThat(((Map<String, Object>) metadata.get("labels")).get("camel.apache.org/kamelet.type"))
                .isIn("source", "sink", "action");

        Map<String, Object> spec = (Map<String, Object>) kamelet.get("spec");
        Map<String, Object> definition = (Map<String, Object>) spec.get("definition");
        assertThat((String) definition.get("title")).isNotBlank();
        assertThat((String) definition.get("description")).isNotBlank();
        Map<String, Map<String, Object>> properties = (Map<String, Map<String, Object>>) definition.get("properties");
        properties.forEach((name, p) -> {
            assertThat((String) p.get("title")).as(name + " has a title").isNotBlank();
            assertThat((String) p.get("description")).as(name + " has a description").isNotBlank();
            assertThat(p.get("type")).as(name + " has a type").isNotNull();
        });
        List<String> required = (List<String>) definition.getOrDefault("required", List.of());
        assertThat(properties.keySet()).as("required parameters are declared").containsAll(required);

        Set<String> known = new HashSet<>(properties.keySet());
        Map<String, Object> template = (Map<String, Object>) spec.get("template");
        for (Map<String, Object> bean : (List<Map<String, Object>>) template.getOrDefault("beans", List.of())) {
            known.add((String) bean.get("name"));
        }
        List<String> used = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(text.substring(text.indexOf("  template:")));
        while (m.find()) {
            used.add(m.group(1).trim());
        }
        assertThat(known).as("placeholders of the template").containsAll(used);

        Map<String, Object> annotations = (Map<String, Object>) metadata.get("annotations");
        assertThat(annotations.get("camel.apache.org/kamelet.support.level")).isIn("Stable", "Preview", "Experimental");
        assertThat(annotations.get("camel.apache.org/catalog.version")).isEqualTo(projectVersion());
        assertThat((String) annotations.get("camel.apache.org/kamelet.icon")).startsWith("data:image/svg+xml;base64,");
        String direction = "source".equals(((Map<String, Object>) metadata.get("labels"))
                .get("camel.apache.org/kamelet.type")) ? "out" : "in";
        assertThat((Map<String, Object>) spec.get("dataTypes")).as("what it hands on or takes").containsKey(direction);

        List<String> dependencies = (List<String>) spec.getOrDefault("dependencies", List.of());
        assertThat(dependencies).as("the Hookbridge artifact: its components, verifiers and templates")
                .contains("mvn:io.hookbridge:hookbridge-components:" + projectVersion());
        for (String dependency : dependencies) {
            if (dependency.startsWith("mvn:")) {
                continue;
            }
            assertThat(dependency).startsWith("camel:");
            // camel:NAME is the artifact org.apache.camel:camel-NAME
            String artifact = "camel-" + dependency.substring("camel:".length());
            assertThat(getClass().getResource("/META-INF/maven/org.apache.camel/" + artifact + "/pom.properties"))
                    .as("%s is on the class path", dependency).isNotNull();
        }
    }
}
