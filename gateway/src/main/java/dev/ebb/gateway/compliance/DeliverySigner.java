package dev.ebb.gateway.compliance;

import dev.ebb.gateway.config.DataDirectory;
import dev.ebb.metadata.DurableFiles;
import dev.ebb.metadata.KeyWrapper;
import dev.ebb.metadata.OwnerOnlyFiles;
import dev.ebb.metadata.WrappedKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ed25519 key that signs deliveries of disclosure requests. It is not the metadata store's tree-head key: a
 * delivery signature vouches for what was handed over, a tree head for what was stored, and neither key can be made
 * to sign the other's statements. Kept in the data directory as two Base64 lines (PKCS#8 private key, X.509 public
 * key), created on first use, owner-readable only. With a key-encryption key the first line is the private key
 * wrapped under it ({@link WrappedKeys}); a private key found in clear is wrapped when it is opened.
 */
public final class DeliverySigner {
    private static final Logger LOG = LoggerFactory.getLogger(DeliverySigner.class);
    private static final String PURPOSE = "ebb compliance delivery key";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private DeliverySigner(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** {@link #openOrCreate(Path, KeyWrapper)} with the private key in clear. */
    public static DeliverySigner openOrCreate(Path file) {
        return openOrCreate(file, null);
    }

    /**
     * Loads the key in {@code file}, or creates it (written to a temporary file, forced, then moved into place).
     *
     * @param kek the key-encryption key the private key is wrapped under, or null to keep it in clear
     * @throws IllegalStateException if the file exists but is not such a key, or cannot be read or written
     * @throws dev.ebb.metadata.KeyUnwrapException if the key is wrapped and {@code kek} is null or not the KEK it was
     *                                             wrapped under
     */
    public static DeliverySigner openOrCreate(Path file, KeyWrapper kek) {
        try {
            if (Files.exists(file)) {
                OwnerOnlyFiles.requireOwnerOnly(file);
                List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
                if (lines.size() != 2) {
                    throw new IllegalStateException("delivery key " + file + " must hold two lines");
                }
                byte[] stored = Base64.getDecoder().decode(lines.get(0));
                boolean inClear = !WrappedKeys.isWrapped(stored);
                byte[] pkcs8 = inClear ? stored : WrappedKeys.unwrap(kek, stored, PURPOSE,
                        "compliance key store " + file.toAbsolutePath().getParent(), file);
                KeyFactory kf = KeyFactory.getInstance("Ed25519");
                DeliverySigner signer = new DeliverySigner(kf.generatePrivate(new PKCS8EncodedKeySpec(pkcs8)),
                        kf.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(lines.get(1)))));
                if (inClear && kek != null) {
                    DurableFiles.replaceShredding(file, encode(pkcs8, signer.publicKey, kek));
                    LOG.warn("wrapped the delivery key {}, kept in clear until now, under the key-encryption key {}",
                            file.toAbsolutePath(), kek.describe());
                }
                return signer;
            }
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            DurableFiles.createDirectoriesDurably(file.toAbsolutePath().getParent());
            // Created 0600 by the call that creates it: the private key is never readable by others, not even briefly.
            DurableFiles.replaceOwnerOnly(file, encode(pair.getPrivate().getEncoded(), pair.getPublic(), kek));
            return new DeliverySigner(pair.getPrivate(), pair.getPublic());
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("delivery key " + file + " cannot be used: " + e.getMessage(), e);
        }
    }

    /** The file's two lines: the private key (wrapped under {@code kek} unless it is null), the public key. */
    private static byte[] encode(byte[] pkcs8, PublicKey publicKey, KeyWrapper kek) {
        byte[] first = kek == null ? pkcs8 : WrappedKeys.wrap(kek, pkcs8, PURPOSE);
        return (Base64.getEncoder().encodeToString(first) + "\n"
                + Base64.getEncoder().encodeToString(publicKey.getEncoded()) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The key in its place in a gateway data directory. */
    public static DeliverySigner inDataDir(Path dataDir) {
        return openOrCreate(new DataDirectory(dataDir).deliveryKey());
    }

    /** The Ed25519 signature of {@code message}. */
    public byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 missing from the JDK", e);
        }
    }

    /**
     * A secret for another purpose of the compliance functions, derived from this key so that it needs no key file of
     * its own: HKDF-SHA256 (RFC 5869) of the private key, {@code purpose} as its info, one block. Different purposes
     * get unrelated keys, and none reveals the signing key.
     */
    byte[] derivedKey(String purpose) {
        try {
            Mac extract = Mac.getInstance("HmacSHA256");
            extract.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
            byte[] prk = extract.doFinal(privateKey.getEncoded());
            Mac expand = Mac.getInstance("HmacSHA256");
            expand.init(new SecretKeySpec(prk, "HmacSHA256"));
            expand.update(purpose.getBytes(StandardCharsets.UTF_8));
            return expand.doFinal(new byte[] {1});
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 missing from the JDK", e);
        }
    }

    /** The key that verifies deliveries. */
    public PublicKey publicKey() {
        return publicKey;
    }
}
