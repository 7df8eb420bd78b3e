package io.hookbridge.admin;

/** An admin request that cannot be served, with the HTTP status that says why. */
public class AdminException extends RuntimeException {

    private final int status;

    public AdminException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int getStatus() {
        return status;
    }
}
