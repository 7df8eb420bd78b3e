package io.hookbridge;

import org.apache.camel.main.Main;
import org.apache.camel.main.MainConstants;

/**
 * Runs the gateway with camel-main: routes from {@code routes/*.yaml} and settings from {@code application.properties}
 * of the working directory (over the defaults in the jar; {@code -D} and environment variables override both).
 */
public final class Hookbridge {

    /** The jar's defaults first, then the working directory's file, which wins. */
    public static final String PROPERTIES = "classpath:hookbridge.properties,file:application.properties;optional=true,"
            + MainConstants.DEFAULT_OBSERVABILITY_SERVICES_PROPERTY_LOCATION;

    private Hookbridge() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        main.setDefaultPropertyPlaceholderLocation(PROPERTIES);
        main.run(args);
    }
}
