package dev.ebb.metadata;

import java.nio.file.Path;

/**
 * A wrapped key that cannot be opened: the key-encryption key given is not the one it was wrapped under, none was
 * given, or the file was altered. The store refuses to open (one line naming the key store and the file), never
 * treats the key as absent: that would lose the data under it.
 */
public final class KeyUnwrapException extends RuntimeException {
    public KeyUnwrapException(String message) {
        super(message);
    }

    public KeyUnwrapException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code file} of {@code keyStore} holds a wrapped key and the store was opened without a KEK. */
    public static KeyUnwrapException noKek(String keyStore, Path file) {
        return new KeyUnwrapException(keyStore + ": " + file + " is wrapped under a key-encryption key, and none is "
                + "configured; start with the KEK it was wrapped under");
    }

    /** {@code file} of {@code keyStore} does not open under {@code kek}. */
    public static KeyUnwrapException wrongKek(String keyStore, Path file, KeyWrapper kek, Throwable cause) {
        return new KeyUnwrapException(keyStore + ": " + file + " does not open under the key-encryption key "
                + kek.describe() + " (it was wrapped under another KEK, or altered); start with the KEK it was wrapped"
                + " under", cause);
    }
}
