package io.hookbridge.source;

/**
 * A request refused before anything is stored: carries the HTTP status and a short reason for the caller. The reason
 * says which check failed, never the expected value.
 */
public class WebhookRejection extends Exception {

    private final int status;

    public WebhookRejection(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int getStatus() {
        return status;
    }
}
