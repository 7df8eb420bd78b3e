package io.hookbridge.inbox;

import java.security.SecureRandom;

/**
 * Event ids in the shape {@code evt_} + 26 characters of Crockford base32 (a ULID: 48 bits of milliseconds, 80 random
 * bits). They sort by time, which keeps the primary key index append-mostly and lets listings page by id.
 */
public final class EventIds {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private EventIds() {
    }

    /** The smallest id an event received at {@code epochMillis} can have: ids compare as their times do. */
    public static String lowest(long epochMillis) {
        return "evt_" + time(epochMillis) + "0".repeat(16);
    }

    private static String time(long epochMillis) {
        char[] out = new char[10];
        long time = epochMillis;
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        return new String(out);
    }

    /** The receive time (epoch milliseconds) an event id carries. */
    public static long time(String eventId) {
        long t = 0;
        for (int i = 4; i < 14; i++) {
            t = (t << 5) | new String(ALPHABET).indexOf(eventId.charAt(i));
        }
        return t;
    }

    public static String next(long epochMillis) {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        char[] out = new char[26];
        time(epochMillis).getChars(0, 10, out, 0);
        // 80 random bits as 16 base32 characters
        long hi = 0;
        for (int i = 0; i < 5; i++) {
            hi = (hi << 8) | (random[i] & 0xff);
        }
        long lo = 0;
        for (int i = 5; i < 10; i++) {
            lo = (lo << 8) | (random[i] & 0xff);
        }
        for (int i = 17; i >= 10; i--) {
            out[i] = ALPHABET[(int) (hi & 31)];
            hi >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo >>>= 5;
        }
        return "evt_" + new String(out);
    }
}
