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
 * The house style of imports, checked on every source file: grouped java, javax, the rest, static, each group sorted;
 * none unused; no fully qualified class names in code (text blocks, strings and comments may name classes, as
 * Kamelet YAML does).
 */
class SourceStyleTest {

    static final Pattern QUALIFIED = Pattern.compile(
            "(?<![\\w.\"])(?:java|javax|org|io|com)\\.(?:[a-z_][a-z0-9_]*\\.)+[A-Z]\\w*");

    static Stream<Path> sources() throws IOException {
        List<Path> all = new ArrayList<>();
        for (String root : List.of("src/main/java", "src/test/java")) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(all::add);
            }
        }
        return all.stream();
    }

    @Test
    void importsAreGroupedSortedAndUsedAndCodeNamesNoQualifiedClass() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : sources().toList()) {
            String text = Files.readString(file);
            List<String> lines = text.lines().toList();
            List<String> imports = lines.stream().filter(l -> l.startsWith("import ")).toList();
            List<String> expected = new ArrayList<>();
            for (String group : List.of("java.", "javax.", "", "static ")) {
                imports.stream().filter(i -> group(i).equals(group)).sorted().forEach(expected::add);
            }
            if (!imports.equals(expected)) {
                problems.add(file + ": imports not grouped (java, javax, others, static) and sorted");
            }
            String body = lines.stream().filter(l -> !l.startsWith("import ") && !l.startsWith("package "))
                    .reduce("", (a, b) -> a + "\n" + b);
            for (String i : imports) {
                String name = i.substring(i.lastIndexOf('.') + 1, i.length() - 1);
                if (!name.equals("*") && !Pattern.compile("\\b" + Pattern.quote(name) + "\\b").matcher(body).find()) {
                    problems.add(file + ": unused " + i);
                }
            }
            Matcher qualified = QUALIFIED.matcher(code(body));
            while (qualified.find()) {
                problems.add(file + ": qualified name in code: " + qualified.group());
            }
        }
        assertThat(problems).isEmpty();
    }

    private static String group(String importLine) {
        String name = importLine.substring("import ".length());
        return name.startsWith("static ") ? "static " : name.startsWith("java.") ? "java." : name.startsWith("javax.")
                ? "javax." : "";
    }

    /** The code only: text blocks, strings, characters and comments taken out, in that order. */
    static String code(String source) {
        return source.replaceAll("(?s)\"\"\".*?\"\"\"", "\"\"")
                .replaceAll("\"(?:\\\\.|[^\"\\\\\n])*\"", "\"\"").replaceAll("'(?:\\\\.|[^'\\\\\n])'", "' '")
                .replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
    }
}
