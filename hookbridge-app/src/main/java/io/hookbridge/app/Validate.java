package io.hookbridge.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.hookbridge.RouteOrigin;
import org.apache.camel.main.Main;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * {@code validate [FILES or DIRS]}: starts the route files the way the gateway would, in a sandbox (an in-memory
 * store, an HTTP port of the system's choosing on 127.0.0.1, no management server), so that it runs the very checks
 * start-up runs, then stops. Nothing is received, stored or sent. Prints {@code file:line: message} per problem; exit
 * status 0 when the files are fine, 1 otherwise.
 */
final class Validate {

    static final String USAGE = """
            usage: java -jar hookbridge.jar validate [FILES or DIRS]   (default: routes)

            Loads the route files and Kamelets with application.properties, and checks what start-up checks: YAML,
            Kamelet names and parameters, {{placeholders}}, secrets, templates, two sources on one path, route ids.
            Nothing is received, stored or sent. Prints file:line: message per problem; exit status 0 when clean.""";

    // a location as the checks and Camel write it: "(routes/a.yaml:12)" or "(source: a.yaml:12)"
    private static final Pattern LOCATION = Pattern.compile("\\((?:source: )?([^()\\s]+\\.(?:ya?ml|java|xml):\\d+)\\)");

    private Validate() {
    }

    static int run(List<String> args, PrintStream out) throws IOException {
        if (args.contains("--help") || args.contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        List<Path> files = new ArrayList<>();
        for (String arg : args.isEmpty() ? List.of("routes") : args) {
            Path path = Path.of(arg);
            if (Files.isDirectory(path)) {
                try (DirectoryStream<Path> yaml = Files.newDirectoryStream(path, "*.{yaml,yml}")) {
                    yaml.forEach(files::add);
                }
            } else if (Files.isRegularFile(path)) {
                files.add(path);
            } else {
                out.println(arg + ": no such file or directory");
                return 1;
            }
        }
        if (files.isEmpty()) {
            out.println("no route files in " + String.join(", ", args.isEmpty() ? List.of("routes") : args));
            return 1;
        }
        quietLogs();
        Set<String> problems = new LinkedHashSet<>();
        String together = check(files);
        if (together != null) {
            problems.add(together);
            // start-up stops at the first problem: each file alone shows the others it has
            for (Path file : files.size() > 1 ? files : List.<Path>of()) {
                String alone = check(List.of(file));
                if (alone != null) {
                    problems.add(alone);
                }
            }
        }
        problems.forEach(out::println);
        if (problems.isEmpty()) {
            out.println("OK: " + files.size() + " route file" + (files.size() == 1 ? "" : "s"));
        }
        return problems.isEmpty() ? 0 : 1;
    }

    /** Starts the files in the sandbox and stops: the problem as {@code file:line: message}, or null. */
    private static String check(List<Path> files) {
        Main main = HookbridgeMain.main();
        main.addOverrideProperty("camel.main.routes-include-pattern",
                String.join(",", files.stream().map(f -> "file:" + f).toList()));
        main.addOverrideProperty("camel.server.host", "127.0.0.1");
        main.addOverrideProperty("camel.server.port", "0");
        main.addOverrideProperty("camel.management.enabled", "false");
        main.addOverrideProperty("camel.main.shutdown-timeout", "1");
        main.addOverrideProperty("camel.component.inbox.database-url", "jdbc:hsqldb:mem:validate-" + UUID.randomUUID());
        try {
            main.start();
            return null;
        } catch (Exception | LinkageError e) {
            return located(RouteOrigin.explain(main.getCamelContext(), e));
        } finally {
            main.stop();
        }
    }

    /** {@code file:line: message} when the message names where, as the checks' and Camel's do. */
    static String located(String reason) {
        Matcher where = LOCATION.matcher(reason);
        String location = null;
        while (where.find()) {
            location = where.group(1); // the innermost is the most precise
        }
        return location == null ? reason : location + ": " + reason.replace(" (" + location + ")", "");
    }

    private static void quietLogs() {
        try {
            Configurator.setAllLevels(LogManager.getRootLogger().getName(), Level.OFF);
        } catch (LinkageError noLog4j) {
            // embedded without Log4j: its own logging decides
        }
    }
}
