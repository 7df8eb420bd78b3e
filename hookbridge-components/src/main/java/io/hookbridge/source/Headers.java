package io.hookbridge.source;

import java.util.function.UnaryOperator;

import org.apache.camel.Message;

/** Header lookups shared by the verifiers. */
final class Headers {

    private Headers() {
    }

    /** Removes every header of the comma-separated {@code names}: a credential, once checked, goes no further. */
    static void remove(Message message, String names) {
        for (String name : names.split(",")) {
            message.removeHeader(name.trim());
        }
    }

    /** The value of the first of the comma-separated header names that is present and not blank, or null. */
    static String first(UnaryOperator<String> headers, String names) {
        for (String name : names.split(",")) {
            String value = headers.apply(name.trim());
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
