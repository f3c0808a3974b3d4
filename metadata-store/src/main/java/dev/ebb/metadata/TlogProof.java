package dev.ebb.metadata;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A C2SP transparency log proof (c2sp.org/tlog-proof@v1): that the entry at {@code index} is in the tree of a signed
 * (and cosigned) checkpoint, verifiable offline. Ebb's {@code extra} is the record as stored (identifiers sealed),
 * the entry whose leaf hash the proof starts from; it is not trusted for itself: the inclusion proof binds it.
 *
 * @param extra      the opaque extra data, or null for none
 * @param index      the entry's 0-based index
 * @param path       the RFC 6962 §2.1.1 audit path, leaf's sibling first
 * @param checkpoint the signed checkpoint, its cosignatures included
 */
public record TlogProof(byte[] extra, long index, List<byte[]> path, SignedNote checkpoint) {
    /** The first line of every proof. */
    public static final String HEADER = "c2sp.org/tlog-proof@v1";

    /** Copies the arrays. */
    public TlogProof {
        extra = extra == null ? null : extra.clone();
        path = path.stream().map(byte[]::clone).toList();
        if (index < 0) {
            throw new IllegalArgumentException("an index is not negative, was " + index);
        }
    }

    /** The extra data (a copy), or null. */
    @Override
    public byte[] extra() {
        return extra == null ? null : extra.clone();
    }

    /** The proof text. */
    public String format() {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        if (extra != null) {
            b.append("extra ").append(Base64.getEncoder().encodeToString(extra)).append('\n');
        }
        b.append("index ").append(index).append('\n');
        path.forEach(h -> b.append(Base64.getEncoder().encodeToString(h)).append('\n'));
        return b.append('\n').append(checkpoint.format()).toString();
    }

    /**
     * Parses a proof.
     *
     * @throws IllegalArgumentException saying which part is malformed
     */
    public static TlogProof parse(String text) {
        int blank = text.indexOf("\n\n");
        if (!text.startsWith(HEADER + "\n") || blank < 0) {
            throw new IllegalArgumentException("a tlog proof starts with '" + HEADER + "' and has an empty line "
                    + "before its checkpoint");
        }
        String[] lines = text.substring(0, blank).split("\n", -1);
        int i = 1;
        byte[] extra = null;
        if (i < lines.length && lines[i].startsWith("extra ")) {
            extra = SignedNote.decodeBase64(lines[i].substring(6), "tlog proof extra data");
            i++;
        }
        if (i >= lines.length || !lines[i].matches("index (0|[1-9][0-9]{0,18})")) {
            throw new IllegalArgumentException("a tlog proof names its entry on an 'index N' line");
        }
        long index = Long.parseLong(lines[i].substring(6));
        List<byte[]> path = new ArrayList<>();
        for (i++; i < lines.length; i++) {
            byte[] h = SignedNote.decodeBase64(lines[i], "inclusion proof line " + (path.size() + 1));
            if (h.length != MerkleTree.HASH_LENGTH) {
                throw new IllegalArgumentException("inclusion proof line " + (path.size() + 1) + " is not a hash");
            }
            path.add(h);
        }
        return new TlogProof(extra, index, path, SignedNote.parse(text.substring(blank + 2)));
    }
}
