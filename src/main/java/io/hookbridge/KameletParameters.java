package io.hookbridge;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.EndpointUriFactory;
import org.apache.camel.spi.UriFactoryResolver;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes Kamelet parameters arrive exactly as written. Camel 4.14's YAML DSL turns a route's {@code parameters} into an
 * endpoint URI without encoding the values, so a {@code +} in a secret becomes a space and a {@code &} in a message
 * template cuts it short - silently, whether the value is written inline or comes from a {@code {{placeholder}}}.
 * The DSL does protect the parameters a component declares secret, by wrapping them in {@code RAW()}; this declares
 * every parameter of every Kamelet on the Kamelet path secret for that purpose.
 */
final class KameletParameters {

    private static final Logger LOG = LoggerFactory.getLogger(KameletParameters.class);

    private KameletParameters() {
    }

    /** Installs the protection; must run before routes are loaded. */
    static void install(CamelContext context) {
        UriFactoryResolver resolver = PluginHelper.getUriFactoryResolver(context);
        context.getCamelContextExtension().addContextPlugin(UriFactoryResolver.class, (name, ctx) -> {
            EndpointUriFactory factory = resolver.resolveFactory(name, ctx);
            return "kamelet".equals(name) && factory != null ? new RawParameters(factory, ctx) : factory;
        });
    }

    /** The Kamelet URI factory, declaring all Kamelet parameters secret so the YAML DSL keeps them RAW. */
    private static final class RawParameters implements EndpointUriFactory {
        private final EndpointUriFactory delegate;
        private CamelContext context;
        private Set<String> names;

        RawParameters(EndpointUriFactory delegate, CamelContext context) {
            this.delegate = delegate;
            this.context = context;
        }

        @Override
        public synchronized Set<String> secretPropertyNames() {
            if (names == null) {
                names = new TreeSet<>(delegate.secretPropertyNames());
                names.addAll(parameterNames(context));
            }
            return names;
        }

        @Override
        public boolean isEnabled(String scheme) {
            return delegate.isEnabled(scheme);
        }

        @Override
        public String buildUri(String scheme, Map<String, Object> properties, boolean encode) throws URISyntaxException {
            return delegate.buildUri(scheme, properties, encode);
        }

        @Override
        public Set<String> propertyNames() {
            return delegate.propertyNames();
        }

        @Override
        public Set<String> multiValuePrefixes() {
            return delegate.multiValuePrefixes();
        }

        @Override
        public boolean isLenientProperties() {
            return delegate.isLenientProperties();
        }

        @Override
        public void setCamelContext(CamelContext camelContext) {
            this.context = camelContext;
            delegate.setCamelContext(camelContext);
        }

        @Override
        public CamelContext getCamelContext() {
            return context;
        }
    }

    /**
     * The parameter names declared by the Kamelets of the configured locations ({@code classpath:} folders and
     * {@code file:} directories). Read from the files' text rather than parsed as YAML: hundreds of catalog Kamelets
     * are on the classpath, and a start-up that parses them all takes a second longer.
     */
    static Set<String> parameterNames(CamelContext context) {
        Set<String> names = new TreeSet<>();
        String locations = context.getPropertiesComponent().resolveProperty("camel.component.kamelet.location")
                .orElse("classpath:kamelets");
        for (String location : locations.split(",")) {
            String l = location.trim().replaceAll("/+$", "");
            try {
                if (l.startsWith("file:")) {
                    Path dir = Path.of(l.substring("file:".length()));
                    if (Files.isDirectory(dir)) {
                        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.kamelet.yaml")) {
                            for (Path f : files) {
                                names.addAll(declaredParameters(Files.readAllLines(f)));
                            }
                        }
                    }
                } else {
                    String folder = l.startsWith("classpath:") ? l.substring("classpath:".length()) : l;
                    readClasspathFolder(context.getApplicationContextClassLoader() != null
                            ? context.getApplicationContextClassLoader() : KameletParameters.class.getClassLoader(),
                            folder.replaceAll("^/+", ""), names);
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("Cannot read Kamelets from {}: {}", location, e.toString());
            }
        }
        return names;
    }

    private static void readClasspathFolder(ClassLoader loader, String folder, Set<String> names) throws IOException {
        Enumeration<URL> urls = loader.getResources(folder);
        while (urls.hasMoreElements()) {
            URL url = urls.nextElement();
            if ("jar".equals(url.getProtocol())) {
                JarURLConnection connection = (JarURLConnection) url.openConnection();
                connection.setUseCaches(false);
                try (JarFile jar = connection.getJarFile()) {
                    Enumeration<JarEntry> entries = jar.entries();
                    while (entries.hasMoreElements()) {
                        JarEntry e = entries.nextElement();
                        if (e.getName().startsWith(folder + "/") && e.getName().endsWith(".kamelet.yaml")) {
                            try (InputStream in = jar.getInputStream(e)) {
                                names.addAll(declaredParameters(lines(in)));
                            }
                        }
                    }
                }
            } else if ("file".equals(url.getProtocol())) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(Path.of(URI.create(url.toString())),
                        "*.kamelet.yaml")) {
                    for (Path f : files) {
                        names.addAll(declaredParameters(Files.readAllLines(f)));
                    }
                }
            }
        }
    }

    private static List<String> lines(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }

    /** The keys under {@code spec.definition.properties}, read by indentation. */
    static List<String> declaredParameters(List<String> lines) {
        List<String> names = new ArrayList<>();
        int definition = -1;
        int properties = -1;
        int key = -1;
        for (String line : lines) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int indent = line.length() - line.stripLeading().length();
            if (properties >= 0) {
                if (indent <= properties) {
                    break;
                }
                if (key < 0) {
                    key = indent;
                }
                Matcher m = KEY.matcher(trimmed);
                if (indent == key && m.matches()) {
                    names.add(m.group(1));
                }
            } else if (definition >= 0 && indent > definition && trimmed.equals("properties:")) {
                properties = indent;
            } else if (trimmed.equals("definition:")) {
                definition = indent;
            }
        }
        return names;
    }

    private static final Pattern KEY = Pattern.compile("\"?([A-Za-z0-9_.-]+)\"?\\s*:.*");
}
