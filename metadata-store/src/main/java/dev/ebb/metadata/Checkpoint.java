package dev.ebb.metadata;

import java.util.Base64;

/**
 * The body of a C2SP checkpoint (c2sp.org/tlog-checkpoint): origin, tree size and RFC 6962 root hash, one per line.
 * Ebb writes no extension lines, and refuses to parse a checkpoint with any: none of its checkpoints has one, and
 * they are not auditable by a monitor (the spec does not recommend them).
 *
 * @param origin   the log's identity, for Ebb {@code <log name>/<yyyy-mm-dd>}
 * @param size     the number of leaves
 * @param rootHash the RFC 6962 root of those leaves (32 bytes)
 */
public record Checkpoint(String origin, long size, byte[] rootHash) {
    /** Checks the fields. */
    public Checkpoint {
        if (origin == null || origin.isEmpty() || origin.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a checkpoint origin is one non-empty line");
        }
        if (size < 0) {
            throw new IllegalArgumentException("a tree size is not negative, was " + size);
        }
        if (rootHash.length != MerkleTree.HASH_LENGTH) {
            throw new IllegalArgumentException("a root hash has 32 bytes, not " + rootHash.length);
        }
        rootHash = rootHash.clone();
    }

    /** The root (a copy). */
    @Override
    public byte[] rootHash() {
        return rootHash.clone();
    }

    /** The note text: {@code origin\nsize\nbase64(root)\n}. */
    public String text() {
        return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(rootHash) + "\n";
    }

    /**
     * Parses a note text as a checkpoint.
     *
     * @throws IllegalArgumentException saying which line is malformed
     */
    public static Checkpoint parse(String text) {
        String[] lines = text.split("\n", -1);
        if (lines.length != 4 || !lines[3].isEmpty()) {
            throw new IllegalArgumentException("a checkpoint is three lines (origin, size, root hash) with no "
                    + "extension lines");
        }
        if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
            throw new IllegalArgumentException("checkpoint size '" + lines[1] + "' is not a decimal without leading "
                    + "zeros");
        }
        byte[] root = SignedNote.decodeBase64(lines[2], "checkpoint root hash");
        return new Checkpoint(lines[0], Long.parseLong(lines[1]), root);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c && c.text().equals(text());
    }

    @Override
    public int hashCode() {
        return text().hashCode();
    }

    @Override
    public String toString() {
        return "Checkpoint[" + origin + " size=" + size + " root=" + Base64.getEncoder().encodeToString(rootHash) + "]";
    }
}
