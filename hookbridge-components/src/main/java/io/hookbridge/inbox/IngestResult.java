package io.hookbridge.inbox;

/** What storing an event gave: its id, and whether the provider had sent it before (then nothing new is stored). */
public record IngestResult(String eventId, boolean duplicate) {
}
