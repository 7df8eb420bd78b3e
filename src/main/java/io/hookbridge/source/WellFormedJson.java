package io.hookbridge.source;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;

/** Refuses a JSON body that is not one well-formed JSON value in valid UTF-8 (400), reading it as a token stream. */
final class WellFormedJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private WellFormedJson() {
    }

    static void check(byte[] body) throws WebhookRejection {
        try (JsonParser parser = FACTORY.createParser(body)) {
            if (parser.nextToken() == null) {
                throw new WebhookRejection(400, "the body is empty; a JSON value is expected");
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                throw new WebhookRejection(400, "the body holds more than one JSON value");
            }
        } catch (IOException e) {
            throw new WebhookRejection(400, "the body is not well-formed JSON");
        }
    }
}
