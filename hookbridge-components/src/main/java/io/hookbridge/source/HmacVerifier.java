package io.hookbridge.source;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.List;

import javax.crypto.Mac;

import io.hookbridge.signing.Hmac;
import io.hookbridge.signing.Secrets;

/**
 * Verifies an HMAC signature over the raw request bytes with shared secrets (several while rotating, see
 * {@link Secrets}); everything else about the request is {@link SignedRequestVerifier}'s. Comparison is constant-time.
 */
public class HmacVerifier extends SignedRequestVerifier {

    private Secrets secrets;
    private String secretEncoding = "text";
    private String algorithm = "HmacSHA256";

    /** Started by the source's consumer: a malformed secret stops the start (see {@link Secrets}). */
    @Override
    protected void doInit() {
        super.doInit();
        if (secrets == null) {
            throw new IllegalArgumentException("the source needs a secret");
        }
        try {
            secrets.check();
        } catch (IllegalArgumentException malformed) {
            throw new IllegalArgumentException("the source's secret: " + malformed.getMessage());
        }
    }

    @Override
    protected boolean anyValid(byte[] content, List<byte[]> signatures) {
        boolean match = false;
        for (byte[] key : secrets.keys()) {
            byte[] expected = Hmac.sign(algorithm, key, content);
            for (byte[] candidate : signatures) {
                // no early exit: the time taken does not tell which secret or signature came close
                match |= MessageDigest.isEqual(expected, candidate);
            }
        }
        return match;
    }

    /** The accepted secrets; see {@link Secrets} for rotation lists. */
    public void setSecret(String secret) {
        this.secrets = Secrets.parse(secret, secretEncoding);
    }

    /** How a secret turns into key bytes: {@code text} (UTF-8), {@code base64}, or {@code whsec} ({@code whsec_} + base64). */
    public void setSecretEncoding(String secretEncoding) {
        this.secretEncoding = Secrets.checkEncoding(secretEncoding);
        if (secrets != null) {
            secrets = Secrets.parse(secrets.raw(), this.secretEncoding);
        }
    }

    /** A {@link Mac} algorithm, e.g. HmacSHA256, HmacSHA1, HmacSHA512. */
    public void setAlgorithm(String algorithm) throws GeneralSecurityException {
        this.algorithm = Hmac.requireAvailable(algorithm);
    }
}
