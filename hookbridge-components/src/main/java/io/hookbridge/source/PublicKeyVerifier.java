package io.hookbridge.source;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Verifies a signature made with the provider's private key, against its public key (several while rotating,
 * comma-separated): Ed25519 (Discord, Svix's {@code whpk_} keys), ECDSA P-256 with SHA-256 (SendGrid; signatures DER
 * or raw r||s) or RSA with SHA-256. Everything else about the request is {@link SignedRequestVerifier}'s. The keys are
 * read when the source starts: PEM, or base64 or hex of either the DER SubjectPublicKeyInfo or the raw key (Ed25519:
 * 32 bytes; P-256: the 65-byte uncompressed point), as providers hand them out.
 */
public class PublicKeyVerifier extends SignedRequestVerifier {

    /** The DER prefix that makes a raw key a SubjectPublicKeyInfo, per algorithm. */
    private static final byte[] ED25519_SPKI = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final byte[] P256_SPKI = HexFormat.of().parseHex(
            "3059301306072a8648ce3d020106082a8648ce3d030107034200");

    private Algorithm algorithm = Algorithm.ED25519;
    private String publicKey;
    private List<PublicKey> keys = List.of();

    /** The signature schemes, by the names a Kamelet uses. */
    private enum Algorithm {
        ED25519("Ed25519", "Ed25519", ED25519_SPKI, 32),
        ECDSA_P256("EC", "SHA256withECDSA", P256_SPKI, 65),
        RSA_SHA256("RSA", "SHA256withRSA", null, -1);

        final String keyFactory;
        final String signature;
        final byte[] spkiPrefix;
        final int rawKeyLength;

        Algorithm(String keyFactory, String signature, byte[] spkiPrefix, int rawKeyLength) {
            this.keyFactory = keyFactory;
            this.signature = signature;
            this.spkiPrefix = spkiPrefix;
            this.rawKeyLength = rawKeyLength;
        }

        String schemeName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    @Override
    protected void doInit() {
        super.doInit();
        if (publicKey == null || publicKey.isBlank()) {
            throw new IllegalArgumentException("the source needs a public key");
        }
        List<PublicKey> parsed = new ArrayList<>();
        String[] listed = publicKey.split(",");
        for (int i = 0; i < listed.length; i++) {
            if (!listed[i].isBlank()) {
                parsed.add(key(listed[i].trim(), listed.length > 1 ? "public key " + (i + 1) + " of the list" : "public key"));
            }
        }
        keys = List.copyOf(parsed);
    }

    private PublicKey key(String text, String what) {
        byte[] bytes = decode(text);
        if (bytes == null) {
            throw new IllegalArgumentException("the source's " + what + " is neither PEM nor base64 nor hex");
        }
        if (bytes.length == algorithm.rawKeyLength && algorithm.spkiPrefix != null) {
            byte[] spki = new byte[algorithm.spkiPrefix.length + bytes.length];
            System.arraycopy(algorithm.spkiPrefix, 0, spki, 0, algorithm.spkiPrefix.length);
            System.arraycopy(bytes, 0, spki, algorithm.spkiPrefix.length, bytes.length);
            bytes = spki;
        }
        try {
            return KeyFactory.getInstance(algorithm.keyFactory).generatePublic(new X509EncodedKeySpec(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the source's " + what + " is not an " + algorithm.schemeName()
                    + " public key (" + bytes.length + " bytes)");
        }
    }

    /** PEM, whpk_ + base64 (Svix), hex, or base64; null if none of them. */
    private static byte[] decode(String text) {
        String t = text.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
        if (t.startsWith("whpk_")) {
            t = t.substring(5);
        }
        if (t.length() % 2 == 0 && t.matches("[0-9a-fA-F]+")) {
            return HexFormat.of().parseHex(t.toLowerCase(Locale.ROOT));
        }
        try {
            return Base64.getDecoder().decode(t);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    @Override
    protected boolean anyValid(byte[] content, List<byte[]> signatures) {
        for (PublicKey key : keys) {
            for (byte[] candidate : signatures) {
                if (valid(key, content, candidate)) {
                    return true; // public: nothing secret to learn from the time taken
                }
            }
        }
        return false;
    }

    private boolean valid(PublicKey key, byte[] content, byte[] candidate) {
        // an ECDSA signature is DER or raw r||s (64 bytes for P-256, IEEE P1363), which may happen to start like DER
        return algorithm == Algorithm.ECDSA_P256 && candidate.length == 64
                ? valid("SHA256withECDSAinP1363Format", key, content, candidate)
                        || valid(algorithm.signature, key, content, candidate)
                : valid(algorithm.signature, key, content, candidate);
    }

    private static boolean valid(String scheme, PublicKey key, byte[] content, byte[] candidate) {
        try {
            Signature verifier = Signature.getInstance(scheme);
            verifier.initVerify(key);
            verifier.update(content);
            return verifier.verify(candidate);
        } catch (GeneralSecurityException | IllegalArgumentException malformed) {
            return false; // a signature that does not even parse is not valid
        }
    }

    /** {@code ed25519} (default), {@code ecdsa-p256} or {@code rsa-sha256}. */
    public void setAlgorithm(String algorithm) {
        String name = algorithm.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            this.algorithm = Algorithm.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("algorithm must be ed25519, ecdsa-p256 or rsa-sha256");
        }
    }

    /** The provider's public key; several, comma-separated, while it rotates them. */
    public void setPublicKey(String publicKey) {
        this.publicKey = publicKey;
    }
}
