package dev.ebb.metadata;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;

/**
 * An Ed25519 key that signs C2SP signed notes ({@link NoteVerifierKey#TYPE_ED25519}) under a key name. Thread-safe.
 */
public final class NoteSigner {
    private final PrivateKey key;
    private final NoteVerifierKey verifierKey;

    private NoteSigner(PrivateKey key, NoteVerifierKey verifierKey) {
        this.key = key;
        this.verifierKey = verifierKey;
    }

    /** A signer of notes named {@code name} with {@code pair}. */
    public static NoteSigner of(String name, KeyPair pair) {
        return new NoteSigner(pair.getPrivate(), NoteVerifierKey.of(name, NoteVerifierKey.TYPE_ED25519,
                pair.getPublic()));
    }

    /** The vkey that verifies this signer's notes. */
    public NoteVerifierKey verifierKey() {
        return verifierKey;
    }

    /** The signature line of {@code text} (signed-note: Ed25519 over the text, final newline included). */
    public SignedNote.Signature sign(String text) {
        return new SignedNote.Signature(verifierKey.name(), verifierKey.keyId(),
                Ed25519Keys.sign(key, text.getBytes(StandardCharsets.UTF_8)));
    }
}
