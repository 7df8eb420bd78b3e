package io.hookbridge.source;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request body as the exact bytes that arrived, whatever the content type: signatures are computed over them,
 * and Camel's own body handling would turn a form body into a map. Enforces the size limit (413) while reading, and a
 * deadline for the whole body (408) so a slow client cannot hold a worker thread for long.
 */
final class RequestBody {

    private RequestBody() {
    }

    static byte[] read(HttpServerRequest request, long maxBytes, long timeoutMillis) throws WebhookRejection {
        String declared = request.getHeader("Content-Length");
        if (declared != null && declared.length() < 19 && declared.chars().allMatch(Character::isDigit)
                && Long.parseLong(declared) > maxBytes) {
            throw tooLarge(maxBytes);
        }
        CompletableFuture<Buffer> done = new CompletableFuture<>();
        Buffer buffer = Buffer.buffer();
        request.handler(chunk -> {
            if (done.isDone()) {
                return;
            }
            if (buffer.length() + chunk.length() > maxBytes) {
                done.completeExceptionally(tooLarge(maxBytes));
            } else {
                buffer.appendBuffer(chunk);
            }
        });
        request.exceptionHandler(done::completeExceptionally);
        request.endHandler(end -> done.complete(buffer));
        request.resume();
        try {
            return done.get(timeoutMillis, TimeUnit.MILLISECONDS).getBytes();
        } catch (TimeoutException e) {
            throw new WebhookRejection(408, "the request body did not arrive within " + timeoutMillis + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebhookRejection rejection) {
                throw rejection;
            }
            throw new WebhookRejection(400, "the request body could not be read");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WebhookRejection(503, "shutting down");
        }
    }

    static WebhookRejection tooLarge(long maxBytes) {
        return new WebhookRejection(413, "the body is larger than " + maxBytes + " bytes");
    }
}
