package io.hookbridge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What checkstyle (checkstyle.xml: line length, import order, unused imports) has no check for: no fully qualified
 * class names in code, in every module's sources (text blocks, strings and comments may name classes, as Kamelet YAML
 * does).
 */
class SourceStyleTest {

    static final Pattern QUALIFIED = Pattern.compile(
            "(?<![\\w.\"])(?:java|javax|org|io|com)\\.(?:[a-z_][a-z0-9_]*\\.)+[A-Z]\\w*");

    static Stream<Path> sources() throws IOException {
        List<Path> all = new ArrayList<>();
        for (String module : List.of("hookbridge-components", "hookbridge-kamelets", "hookbridge-app")) {
            try (Stream<Path> files = Files.walk(Path.of(module, "src"))) {
                files.filter(f -> f.toString().endsWith(".java") && !f.startsWith(Path.of(module, "src", "generated")))
                        .sorted().forEach(all::add);
            }
        }
        return all.stream();
    }

    @Test
    void codeNamesNoQualifiedClass() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : sources().toList()) {
            String body = Files.readString(file).lines()
                    .filter(l -> !l.startsWith("import ") && !l.startsWith("package "))
                    .reduce("", (a, b) -> a + "\n" + b);
            Matcher qualified = QUALIFIED.matcher(code(body));
            while (qualified.find()) {
                problems.add(file + ": qualified name in code: " + qualified.group());
            }
        }
        assertThat(problems).isEmpty();
    }

    /** The code only: text blocks, strings, characters and comments taken out, in that order. */
    static String code(String source) {
        return source.replaceAll("(?s)\"\"\".*?\"\"\"", "\"\"")
                .replaceAll("\"(?:\\\\.|[^\"\\\\\n])*\"", "\"\"").replaceAll("'(?:\\\\.|[^'\\\\\n])'", "' '")
                .replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
    }
}
