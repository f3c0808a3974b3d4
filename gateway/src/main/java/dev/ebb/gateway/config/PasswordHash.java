package dev.ebb.gateway.config;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PBKDF2-HMAC-SHA256 password hashes in the form {@code pbkdf2$iterations$salt$hash} (Base64), so the
 * config file never holds a customer's SMPP password.
 */
public final class PasswordHash {
    private static final String PREFIX = "pbkdf2";
    private static final int ITERATIONS = 20_000;
    private static final int BITS = 256;

    private PasswordHash() {
    }

    public static String hash(String password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return String.join("$", PREFIX, Integer.toString(ITERATIONS), b64.encodeToString(salt),
                b64.encodeToString(derive(password, salt, ITERATIONS)));
    }

    public static boolean matches(String password, String stored) {
        if (password == null || !isWellFormed(stored)) {
            return false;
        }
        String[] parts = stored.split("\\$");
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        byte[] actual = derive(password, Base64.getDecoder().decode(parts[2]), Integer.parseInt(parts[1]));
        return MessageDigest.isEqual(expected, actual);
    }

    static boolean isWellFormed(String stored) {
        String[] parts = stored.split("\\$");
        return parts.length == 4 && parts[0].equals(PREFIX) && parts[1].matches("[1-9][0-9]{3,6}")
                && parts[2].matches("[A-Za-z0-9+/]+") && parts[3].matches("[A-Za-z0-9+/]+");
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, BITS);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 missing from the JDK", e);
        }
    }
}
