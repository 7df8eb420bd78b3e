package io.hookbridge;

import java.io.InputStream;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.EndpointUriFactory;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.UriFactoryResolver;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

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

    /** The parameter names declared by the Kamelets of the configured locations. */
    @SuppressWarnings("unchecked")
    static Set<String> parameterNames(CamelContext context) {
        Set<String> names = new TreeSet<>();
        String locations = context.getPropertiesComponent().resolveProperty("camel.component.kamelet.location")
                .orElse("classpath:kamelets");
        Load yaml = new Load(LoadSettings.builder().build());
        for (String location : locations.split(",")) {
            try {
                Collection<Resource> resources = PluginHelper.getPackageScanResourceResolver(context)
                        .findResources(location.trim().replaceAll("/$", "") + "/*.kamelet.yaml");
                for (Resource resource : resources) {
                    try (InputStream in = resource.getInputStream()) {
                        Object doc = yaml.loadFromInputStream(in);
                        Object properties = path(doc, "spec", "definition", "properties");
                        if (properties instanceof Map<?, ?> map) {
                            map.keySet().forEach(k -> names.add(k.toString()));
                        }
                    }
                }
            } catch (Exception e) {
                LOG.debug("Cannot read Kamelets from {}: {}", location, e.toString());
            }
        }
        return names;
    }

    private static Object path(Object node, String... keys) {
        for (String key : keys) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(key);
        }
        return node;
    }
}
