package io.hookbridge.sink;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * How a value taken from an event is written into a message, so that the event cannot change the message's markup:
 * a commit message with {@code <!channel>} must not ping a Slack channel, a payload with {@code "} must not break a
 * JSON document.
 */
public enum Escaping {
    /** Written as it is (plain-text targets: SMS, plain e-mail). */
    NONE {
        @Override
        String escape(String value) {
            return value;
        }
    },
    /** HTML text ({@code & < > " '}): HTML e-mail, Telegram's HTML parse mode. */
    HTML {
        @Override
        String escape(String value) {
            StringBuilder out = new StringBuilder(value.length() + 16);
            for (char c : value.toCharArray()) {
                switch (c) {
                    case '&' -> out.append("&amp;");
                    case '<' -> out.append("&lt;");
                    case '>' -> out.append("&gt;");
                    case '"' -> out.append("&quot;");
                    case '\'' -> out.append("&#39;");
                    default -> out.append(c);
                }
            }
            return out.toString();
        }
    },
    /** Slack mrkdwn: {@code & < >} are its control characters (links, mentions). */
    SLACK {
        @Override
        String escape(String value) {
            return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        }
    },
    /** Markdown (Discord, Teams, Mattermost): formatting characters get a backslash. */
    MARKDOWN {
        @Override
        String escape(String value) {
            StringBuilder out = new StringBuilder(value.length() + 16);
            for (char c : value.toCharArray()) {
                if ("\\`*_~|>[]()#@<".indexOf(c) >= 0) {
                    out.append('\\');
                }
                out.append(c);
            }
            return out.toString();
        }
    },
    /** Inside a JSON string literal. */
    JSON {
        @Override
        String escape(String value) {
            return new String(JsonStringEncoder.getInstance().quoteAsString(value));
        }
    },
    /** A value in an application/x-www-form-urlencoded body. */
    FORM {
        @Override
        String escape(String value) {
            return URLEncoder.encode(value, StandardCharsets.UTF_8);
        }
    };

    abstract String escape(String value);
}
