package io.hookbridge.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;

/** Refuses a JSON body that is not one well-formed JSON value in UTF-8 (400), reading it as a token stream. */
final class WellFormedJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private WellFormedJson() {
    }

    static void check(byte[] body) throws WebhookRejection {
        String text;
        try {
            // decoded here: given bytes, Jackson would take zero bytes as a sign of UTF-16 or UTF-32 (found by fuzzing)
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new WebhookRejection(400, "the body is not UTF-8");
        }
        try (JsonParser parser = FACTORY.createParser(text)) {
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
