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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.apache.camel.CamelContext;
import org.apache.camel.LineNumberAware;
import org.apache.camel.model.EndpointRequiredDefinition;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ModelLifecycleStrategySupport;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.EndpointUriFactory;
import org.apache.camel.spi.UriFactoryResolver;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.MappingEndEvent;
import org.snakeyaml.engine.v2.events.MappingStartEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.events.SequenceEndEvent;
import org.snakeyaml.engine.v2.events.SequenceStartEvent;

/**
 * Makes Kamelet parameters arrive exactly as written. Camel 4.14's YAML DSL turns a route's {@code parameters} into an
 * endpoint URI without encoding the values, so a {@code +} in a secret becomes a space and a {@code &} in a message
 * template cuts it short - silently, whether the value is written inline or comes from a {@code {{placeholder}}}.
 * The DSL does protect the parameters a component declares secret, by wrapping them in {@code RAW()}; this declares
 * every parameter of every Kamelet on the Kamelet path secret for that purpose. It also refuses, when a route is added,
 * a Kamelet name that no location has and a parameter the Kamelet does not declare.
 */
final class KameletParameters {

    private static final Logger LOG = LoggerFactory.getLogger(KameletParameters.class);

    private KameletParameters() {
    }

    /** Installs the protection and the check; must run before routes are loaded. */
    static void install(CamelContext context) {
        Declared declared = new Declared(context);
        UriFactoryResolver resolver = PluginHelper.getUriFactoryResolver(context);
        context.getCamelContextExtension().addContextPlugin(UriFactoryResolver.class, (name, ctx) -> {
            EndpointUriFactory factory = resolver.resolveFactory(name, ctx);
            return "kamelet".equals(name) && factory != null ? new RawParameters(factory, declared) : factory;
        });
        ((ModelCamelContext) context).addModelLifecycleStrategy(new UsageCheck(declared,
                resolver.resolveFactory("kamelet", context)));
    }

    /**
     * The Kamelets' declared parameters, read once. Reading the catalogue's hundreds of Kamelets is a noticeable part of
     * a start-up, so it starts on a thread of its own as soon as this is installed; the first route waits for it, and
     * reads again if the Kamelet locations changed meanwhile.
     */
    private static final class Declared {
        private final CamelContext context;
        private final String prefetchedLocations;
        private final CompletableFuture<Map<String, List<String>>> prefetched = new CompletableFuture<>();
        private Map<String, List<String>> byKamelet;
        private Set<String> all;

        Declared(CamelContext context) {
            this.context = context;
            this.prefetchedLocations = locations(context);
            Thread reader = new Thread(() -> {
                try {
                    prefetched.complete(declaredParameters(context, prefetchedLocations));
                } catch (Throwable e) {
                    prefetched.completeExceptionally(e);
                }
            }, "hookbridge-kamelet-parameters");
            reader.setDaemon(true);
            reader.start();
        }

        synchronized Map<String, List<String>> byKamelet() {
            if (byKamelet == null) {
                String locations = locations(context);
                byKamelet = locations.equals(prefetchedLocations) ? prefetched.join()
                        : declaredParameters(context, locations);
            }
            return byKamelet;
        }

        synchronized Set<String> all() {
            if (all == null) {
                all = new TreeSet<>();
                byKamelet().values().forEach(all::addAll);
            }
            return all;
        }
    }

    /** The Kamelet URI factory, declaring all Kamelet parameters secret so the YAML DSL keeps them RAW. */
    private static final class RawParameters implements EndpointUriFactory {
        private final EndpointUriFactory delegate;
        private final Declared declared;
        private Set<String> names;

        RawParameters(EndpointUriFactory delegate, Declared declared) {
            this.delegate = delegate;
            this.declared = declared;
        }

        @Override
        public synchronized Set<String> secretPropertyNames() {
            if (names == null) {
                names = new TreeSet<>(delegate.secretPropertyNames());
                names.addAll(declared.all());
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
            delegate.setCamelContext(camelContext);
        }

        @Override
        public CamelContext getCamelContext() {
            return delegate.getCamelContext();
        }
    }

    /**
     * Refuses a route that names a Kamelet no location has, or gives one a parameter it does not declare: Camel's
     * Kamelets accept any parameter and ignore the unknown ones, so {@code txt:} for {@code text:} would go unnoticed
     * until the first e-mail arrived without its text.
     */
    private static final class UsageCheck extends ModelLifecycleStrategySupport {
        private final Declared declared;
        private final Set<String> endpointOptions;

        UsageCheck(Declared declared, EndpointUriFactory kamelet) {
            this.declared = declared;
            this.endpointOptions = kamelet == null ? Set.of() : kamelet.propertyNames();
        }

        @Override
        public void onAddRouteDefinition(RouteDefinition route) {
            if (route.getInput() != null) {
                check(route, route.getInput(), route.getInput().getEndpointUri());
            }
            for (EndpointRequiredDefinition to : ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(),
                    EndpointRequiredDefinition.class)) {
                check(route, to, to.getEndpointUri());
            }
        }

        private void check(RouteDefinition route, Object definition, String uri) {
            if (uri == null || !uri.startsWith("kamelet:") || uri.contains("${")) {
                return;
            }
            int query = uri.indexOf('?');
            String path = uri.substring("kamelet:".length(), query < 0 ? uri.length() : query).replaceFirst("^/+", "");
            String name = path.contains("/") ? path.substring(0, path.indexOf('/')) : path;
            if (name.equals("source") || name.equals("sink") || name.contains("{{")) {
                return; // a Kamelet's own ends, or a name only known once placeholders resolve
            }
            List<String> parameters = declared.byKamelet().get(name);
            if (parameters == null) {
                throw new IllegalArgumentException(where(route, definition) + ": no Kamelet named '" + name + "' in "
                        + locations(declared.context)
                        + Suggestion.closest(name, declared.byKamelet().keySet()));
            }
            if (query < 0) {
                return;
            }
            Set<String> allowed = new TreeSet<>(parameters);
            allowed.addAll(endpointOptions);
            try {
                for (String key : URISupport.parseQuery(uri.substring(query + 1), true).keySet()) {
                    if (!allowed.contains(key) && !key.contains("{{")) {
                        throw new IllegalArgumentException(where(route, definition) + ": unknown parameter '" + key
                                + "' of " + name + Suggestion.closest(key, parameters));
                    }
                }
            } catch (URISyntaxException malformed) {
                throw new IllegalArgumentException(where(route, definition) + ": malformed parameters of " + name);
            }
        }

        private static String where(RouteDefinition route, Object definition) {
            return RouteOrigin.describe(route.getId(),
                    definition instanceof LineNumberAware l && l.getLineNumber() > 0 ? l : route);
        }
    }

    /** Every parameter name any Kamelet of the configured locations declares. */
    static Set<String> parameterNames(CamelContext context) {
        Set<String> names = new TreeSet<>();
        declaredParameters(context).values().forEach(names::addAll);
        return names;
    }

    /**
     * The Kamelets of the configured locations ({@code classpath:} folders and {@code file:} directories), each with
     * the parameter names it declares; where two locations have a Kamelet of one name, the first listed wins, as in
     * Camel. Hundreds of catalog Kamelets are on the classpath: each is read only up to its parameters.
     */
    static Map<String, List<String>> declaredParameters(CamelContext context) {
        return declaredParameters(context, locations(context));
    }

    private static Map<String, List<String>> declaredParameters(CamelContext context, String locations) {
        Map<String, List<String>> kamelets = new TreeMap<>();
        for (String location : locations.split(",")) {
            String l = location.trim().replaceAll("/+$", "");
            try {
                if (l.startsWith("file:")) {
                    Path dir = Path.of(l.substring("file:".length()));
                    if (Files.isDirectory(dir)) {
                        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
                            for (Path f : files) {
                                kamelets.putIfAbsent(name(f.getFileName().toString()),
                                        declaredParameters(Files.readString(f)));
                            }
                        }
                    }
                } else {
                    String folder = l.startsWith("classpath:") ? l.substring("classpath:".length()) : l;
                    readClasspathFolder(context.getApplicationContextClassLoader() != null
                            ? context.getApplicationContextClassLoader() : KameletParameters.class.getClassLoader(),
                            folder.replaceAll("^/+", ""), kamelets);
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("Cannot read Kamelets from {}: {}", location, e.toString());
            }
        }
        return kamelets;
    }

    /** Where Camel looks for Kamelets, in its order. */
    private static String locations(CamelContext context) {
        return context.getPropertiesComponent().resolveProperty("camel.component.kamelet.location")
                .orElse("classpath:kamelets");
    }

    private static String name(String fileName) {
        String base = fileName.substring(fileName.lastIndexOf('/') + 1);
        return base.substring(0, base.length() - SUFFIX.length());
    }

    private static void readClasspathFolder(ClassLoader loader, String folder, Map<String, List<String>> kamelets)
            throws IOException {
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
                        if (e.getName().startsWith(folder + "/") && e.getName().endsWith(SUFFIX)
                                && !kamelets.containsKey(name(e.getName()))) {
                            try (InputStream in = jar.getInputStream(e)) {
                                kamelets.put(name(e.getName()), declaredParameters(new String(in.readAllBytes(),
                                        StandardCharsets.UTF_8)));
                            }
                        }
                    }
                }
            } else if ("file".equals(url.getProtocol())) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(Path.of(URI.create(url.toString())),
                        "*" + SUFFIX)) {
                    for (Path f : files) {
                        kamelets.putIfAbsent(name(f.getFileName().toString()),
                                declaredParameters(Files.readString(f)));
                    }
                }
            }
        }
    }

    /**
     * The keys under {@code spec.definition.properties}, from YAML parse events (block or flow style alike), reading
     * no further than that mapping: the rest of a Kamelet is never built into objects.
     */
    static List<String> declaredParameters(String yaml) {
        List<String> names = new ArrayList<>();
        Deque<Frame> stack = new ArrayDeque<>();
        for (Event event : new Parse(YAML).parseString(yaml)) {
            Frame top = stack.peek();
            if (event instanceof MappingStartEvent || event instanceof SequenceStartEvent) {
                stack.push(new Frame(event instanceof MappingStartEvent));
            } else if (event instanceof MappingEndEvent || event instanceof SequenceEndEvent) {
                if (isProperties(stack)) {
                    break; // the parameters are all read
                }
                stack.pop();
                valueRead(stack.peek());
            } else if (event instanceof ScalarEvent scalar && top != null && top.mapping && top.key == null) {
                top.key = scalar.getValue();
                if (isProperties(stack)) {
                    names.add(top.key);
                }
            } else if (event instanceof ScalarEvent || event instanceof AliasEvent) {
                valueRead(top);
            }
        }
        return names;
    }

    /** A level of the document being read: a mapping (with the key whose value comes next) or a sequence. */
    private static final class Frame {
        final boolean mapping;
        String key;

        Frame(boolean mapping) {
            this.mapping = mapping;
        }
    }

    private static void valueRead(Frame frame) {
        if (frame != null && frame.mapping) {
            frame.key = null;
        }
    }

    /** Whether the innermost level is the mapping of {@code spec.definition.properties}. */
    private static boolean isProperties(Deque<Frame> stack) {
        if (stack.size() != 4 || !stack.peek().mapping) {
            return false;
        }
        Frame[] levels = stack.toArray(Frame[]::new); // innermost first
        return "properties".equals(levels[1].key) && "definition".equals(levels[2].key) && "spec".equals(levels[3].key);
    }

    private static final LoadSettings YAML = LoadSettings.builder().build();

    private static final String SUFFIX = ".kamelet.yaml";
}
