package io.hookbridge.signing;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC, the one place sources, sinks and the {@code send} command compute it. */
public final class Hmac {

    /**
     * A thread's Mac per algorithm, initialised anew with each key: looking a Mac up among the security providers cost
     * more than computing the HMAC of a webhook.
     */
    private static final ThreadLocal<Map<String, Mac>> MACS = ThreadLocal.withInitial(HashMap::new);

    private Hmac() {
    }

    /** The HMAC of the parts, in order, with {@code key}; {@code algorithm} is a {@link Mac} name, e.g. HmacSHA256. */
    public static byte[] sign(String algorithm, byte[] key, byte[]... parts) {
        try {
            Map<String, Mac> macs = MACS.get();
            Mac mac = macs.get(algorithm);
            if (mac == null) {
                mac = Mac.getInstance(algorithm);
                macs.put(algorithm, mac);
            }
            mac.init(new SecretKeySpec(key, algorithm));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC " + algorithm + " is not available", e);
        }
    }

    /** Refuses an algorithm this JVM has no {@link Mac} for, when a source or sink is configured. */
    public static String requireAvailable(String algorithm) throws NoSuchAlgorithmException {
        Mac.getInstance(algorithm);
        return algorithm;
    }
}
