package dev.ebb.metadata;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.OptionalLong;

/**
 * Timestamped Ed25519 checkpoint cosignatures (c2sp.org/tlog-cosignature, {@code cosignature/v1}): a witness's
 * statement that, at the time it names, the checkpoint was the largest consistent one it had seen for the origin. The
 * signature line's bytes are {@code u64 timestamp || Ed25519 signature} over
 * {@code "cosignature/v1\ntime <timestamp>\n" || checkpoint text}; the key ID uses type {@code 0x04}.
 */
public final class Cosignature {
    private final PrivateKey key;
    private final NoteVerifierKey verifierKey;

    private Cosignature(PrivateKey key, NoteVerifierKey verifierKey) {
        this.key = key;
        this.verifierKey = verifierKey;
    }

    /** A cosigner named {@code name} with {@code pair}. */
    public static Cosignature signer(String name, KeyPair pair) {
        return new Cosignature(pair.getPrivate(), NoteVerifierKey.of(name, NoteVerifierKey.TYPE_COSIGNATURE,
                pair.getPublic()));
    }

    /** The vkey that verifies this cosigner's lines. */
    public NoteVerifierKey verifierKey() {
        return verifierKey;
    }

    /** The cosignature line of {@code checkpointText} at {@code timestamp} (POSIX seconds, positive). */
    public SignedNote.Signature cosign(String checkpointText, long timestamp) {
        if (timestamp <= 0) {
            throw new IllegalArgumentException("a cosignature's timestamp is positive, was " + timestamp);
        }
        byte[] sig = Ed25519Keys.sign(key, message(checkpointText, timestamp));
        return new SignedNote.Signature(verifierKey.name(), verifierKey.keyId(),
                ByteBuffer.allocate(8 + sig.length).putLong(timestamp).put(sig).array());
    }

    /** The signed message: {@code cosignature/v1}, the time line, then the checkpoint text. */
    public static byte[] message(String checkpointText, long timestamp) {
        return ("cosignature/v1\ntime " + timestamp + "\n" + checkpointText).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The timestamp of {@code key}'s valid cosignature of {@code note}'s text, empty if it carries none (a line of the
     * key that fails to verify counts as none).
     */
    public static OptionalLong verify(SignedNote note, NoteVerifierKey key) {
        if (key.type() != NoteVerifierKey.TYPE_COSIGNATURE) {
            throw new IllegalArgumentException("key " + key.name() + " does not make cosignatures");
        }
        OptionalLong found = OptionalLong.empty();
        for (SignedNote.Signature s : note.signatures()) {
            if (!key.signed(s)) {
                continue;
            }
            byte[] b = s.bytes();
            if (b.length != 8 + Ed25519Keys.SIGNATURE_LENGTH) {
                return OptionalLong.empty();
            }
            ByteBuffer buf = ByteBuffer.wrap(b);
            long timestamp = buf.getLong();
            byte[] sig = new byte[Ed25519Keys.SIGNATURE_LENGTH];
            buf.get(sig);
            if (timestamp < 0 || !Ed25519Keys.verify(key.javaKey(), message(note.text(), timestamp), sig)) {
                return OptionalLong.empty();
            }
            found = OptionalLong.of(timestamp);
        }
        return found;
    }
}
