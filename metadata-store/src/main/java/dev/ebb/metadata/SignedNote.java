package dev.ebb.metadata;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A C2SP signed note (c2sp.org/signed-note): a text ending in a newline, an empty line, then one or more signature
 * lines {@code — <key name> base64(key ID || signature)}. This class only parses and formats; which signatures count
 * is the caller's: {@link NoteVerifierKey#signed} picks a key's lines, {@link #verifiedBy} checks a log's, and
 * {@link Cosignature} a witness's.
 *
 * @param text       the note text, with its final newline (what a note signature signs)
 * @param signatures the signature lines in order, at least one
 */
public record SignedNote(String text, List<Signature> signatures) {
    /** The most signatures a parsed note may carry: signed-note requires accepting at least 16. */
    public static final int MAX_SIGNATURES = 64;
    /** The largest note accepted, in bytes. */
    public static final int MAX_BYTES = 64 * 1024;
    private static final String DASH = "\u2014 ";

    /** Checks the text's form (signed-note: UTF-8, no control character but newline, ends in a newline). */
    public SignedNote {
        if (text.isEmpty() || !text.endsWith("\n")) {
            throw new IllegalArgumentException("a note text ends with a newline");
        }
        requireNoControls(text);
        signatures = List.copyOf(signatures);
    }

    /**
     * One signature line.
     *
     * @param keyName the key name
     * @param keyId   the key ID (first four bytes of the base64)
     * @param bytes   the signature proper (the bytes after the key ID)
     */
    public record Signature(String keyName, int keyId, byte[] bytes) {
        /** Checks the name. */
        public Signature {
            NoteVerifierKey.requireKeyName(keyName);
            bytes = bytes.clone();
        }

        /** The bytes (a copy). */
        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        /** The line, with its final newline. */
        public String line() {
            byte[] all = ByteBuffer.allocate(4 + bytes.length).putInt(keyId).put(bytes).array();
            return DASH + keyName + " " + Base64.getEncoder().encodeToString(all) + "\n";
        }

        /** Parses one line without its newline. */
        static Signature parse(String line) {
            if (!line.startsWith(DASH)) {
                throw new IllegalArgumentException("a signature line starts with an em dash and a space");
            }
            String[] parts = line.substring(DASH.length()).split(" ", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("a signature line is '— <key name> <base64>'");
            }
            byte[] all = decodeBase64(parts[1], "signature of " + parts[0]);
            if (all.length < 5) {
                throw new IllegalArgumentException("signature of " + parts[0] + " is shorter than a key ID");
            }
            return new Signature(parts[0], ByteBuffer.wrap(all).getInt(), Arrays.copyOfRange(all, 4, all.length));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Signature s && s.keyName.equals(keyName) && s.keyId == keyId
                    && Arrays.equals(s.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return keyName.hashCode() * 31 + Arrays.hashCode(bytes);
        }
    }

    /** Signs {@code text} with a log key: the note with that one signature. */
    public static SignedNote sign(String text, NoteSigner key) {
        return new SignedNote(text, List.of(key.sign(text)));
    }

    /**
     * Parses a note as sent: the text ends at the last empty line; every line after it is a signature.
     *
     * @throws IllegalArgumentException saying what is malformed
     */
    public static SignedNote parse(String note) {
        if (note.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalArgumentException("note is over " + MAX_BYTES + " bytes");
        }
        requireNoControls(note);
        if (!note.endsWith("\n")) {
            throw new IllegalArgumentException("a signed note ends with a newline");
        }
        int split = note.lastIndexOf("\n\n");
        if (split < 0) {
            throw new IllegalArgumentException("a signed note has an empty line before its signatures");
        }
        String text = note.substring(0, split + 1);
        String[] lines = note.substring(split + 2, note.length() - 1).split("\n", -1);
        if (lines.length == 1 && lines[0].isEmpty()) {
            throw new IllegalArgumentException("a signed note has at least one signature");
        }
        if (lines.length > MAX_SIGNATURES) {
            throw new IllegalArgumentException("a note with more than " + MAX_SIGNATURES + " signatures");
        }
        List<Signature> sigs = new ArrayList<>(lines.length);
        for (String line : lines) {
            sigs.add(Signature.parse(line));
        }
        return new SignedNote(text, sigs);
    }

    /** The note as sent: text, empty line, signature lines. */
    public String format() {
        StringBuilder b = new StringBuilder(text).append('\n');
        signatures.forEach(s -> b.append(s.line()));
        return b.toString();
    }

    /** This note with {@code more} signatures after its own; lines it already carries are not repeated. */
    public SignedNote with(List<Signature> more) {
        List<Signature> all = new ArrayList<>(signatures);
        more.stream().filter(s -> !all.contains(s)).forEach(all::add);
        return new SignedNote(text, all);
    }

    /**
     * True if a signature line of {@code key} (type {@link NoteVerifierKey#TYPE_ED25519}) is here and every such
     * line verifies over the text; lines of other keys are ignored, as signed-note requires.
     */
    public boolean verifiedBy(NoteVerifierKey key) {
        if (key.type() != NoteVerifierKey.TYPE_ED25519) {
            throw new IllegalArgumentException("key " + key.name() + " does not make note signatures");
        }
        boolean any = false;
        byte[] message = text.getBytes(StandardCharsets.UTF_8);
        for (Signature s : signatures) {
            if (key.signed(s)) {
                if (!Ed25519Keys.verify(key.javaKey(), message, s.bytes())) {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }

    /** True if a line of {@code key} is here (name and ID), whether or not it verifies. */
    public boolean hasSignatureOf(NoteVerifierKey key) {
        return signatures.stream().anyMatch(key::signed);
    }

    /** Base64 (RFC 4648 §4) in its one canonical spelling: what re-encodes differently is refused, so no two texts
     * carry the same bytes (the unused low bits of a last character could otherwise be set at will). */
    static byte[] decodeBase64(String text, String what) {
        try {
            byte[] bytes = Base64.getDecoder().decode(text);
            if (!Base64.getEncoder().encodeToString(bytes).equals(text)) {
                throw new IllegalArgumentException(what + " is not canonical base64");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not base64: " + e.getMessage(), e);
        }
    }

    private static void requireNoControls(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\n') || c == 0x7f) {
                throw new IllegalArgumentException("a signed note holds no control character but newline");
            }
        }
    }
}
