package dev.ebb.metadata;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks one log from its C2SP tlog-tiles resources alone, as a monitor does: the checkpoint's signature, every
 * entry bundle against the level-0 tiles and the checkpoint's root, and, given a checkpoint seen before (one a
 * witness cosigned), that the log still extends it. Any changed, removed, reordered or inserted entry shows up as one
 * of these failing; the report says which and where.
 */
public final class TlogMonitor {
    /** Fetches a resource under the log's prefix ({@code checkpoint}, {@code tile/…}); null if it is not served. */
    @FunctionalInterface
    public interface Fetcher {
        /** The resource's bytes, or null if the log does not serve it. */
        byte[] fetch(String path);
    }

    /**
     * The outcome.
     *
     * @param checkpoint the checkpoint checked, null if it could not be read
     * @param entries    the entries read, in order (records as stored)
     * @param problem    the first problem found, empty when the log checked out
     */
    public record Report(Checkpoint checkpoint, List<byte[]> entries, Optional<String> problem) {
        /** True when the log checked out. */
        public boolean ok() {
            return problem.isEmpty();
        }
    }

    private TlogMonitor() {
    }

    /**
     * Checks the log.
     *
     * @param logKey the log's verifier key
     * @param seen   a checkpoint seen before, or null
     */
    public static Report check(Fetcher fetcher, NoteVerifierKey logKey, SignedNote seen) {
        byte[] raw = fetcher.fetch("checkpoint");
        if (raw == null) {
            return fail(null, List.of(), "no checkpoint is served");
        }
        SignedNote note;
        Checkpoint cp;
        try {
            note = SignedNote.parse(new String(raw, StandardCharsets.UTF_8));
            cp = Checkpoint.parse(note.text());
        } catch (IllegalArgumentException e) {
            return fail(null, List.of(), "the checkpoint is malformed: " + e.getMessage());
        }
        if (!note.verifiedBy(logKey)) {
            return fail(cp, List.of(), "the checkpoint is not signed by " + logKey.name());
        }
        List<byte[]> entries = new ArrayList<>();
        List<byte[]> leaves = new ArrayList<>();
        for (long bundle = 0; bundle * TilePath.FULL < cp.size(); bundle++) {
            int width = (int) Math.min(TilePath.FULL, cp.size() - bundle * TilePath.FULL);
            TilePath entriesPath = new TilePath(TilePath.ENTRIES, bundle, width);
            TilePath tilePath = new TilePath(0, bundle, width);
            byte[] bundleBytes = fetcher.fetch(entriesPath.path());
            byte[] tile = fetcher.fetch(tilePath.path());
            if (bundleBytes == null || tile == null) {
                return fail(cp, entries, (bundleBytes == null ? entriesPath : tilePath).path() + " is not served");
            }
            List<byte[]> in;
            try {
                in = parseBundle(bundleBytes);
            } catch (IllegalArgumentException e) {
                return fail(cp, entries, entriesPath.path() + ": " + e.getMessage());
            }
            if (in.size() != width) {
                return fail(cp, entries, entriesPath.path() + " holds " + in.size() + " entries where the checkpoint "
                        + "of size " + cp.size() + " needs " + width + " (entries removed or inserted)");
            }
            if (tile.length != width * MerkleTree.HASH_LENGTH) {
                return fail(cp, entries, tilePath.path() + " holds " + tile.length / MerkleTree.HASH_LENGTH
                        + " hashes, not " + width);
            }
            for (int i = 0; i < width; i++) {
                byte[] leaf = MerkleTree.leafHash(in.get(i));
                long index = bundle * TilePath.FULL + i;
                if (!MessageDigest.isEqual(leaf, java.util.Arrays.copyOfRange(tile, i * 32, i * 32 + 32))) {
                    return fail(cp, entries, "entry " + index + " does not hash to its leaf in " + tilePath.path()
                            + " (a changed or moved entry)");
                }
                entries.add(in.get(i));
                leaves.add(leaf);
            }
        }
        if (!MessageDigest.isEqual(MerkleTree.root(leaves), cp.rootHash())) {
            return fail(cp, entries, "the entries do not hash to the checkpoint's root (changed, removed, reordered "
                    + "or inserted entries)");
        }
        if (seen != null) {
            Checkpoint before = Checkpoint.parse(seen.text());
            if (!before.origin().equals(cp.origin())) {
                return fail(cp, entries, "the checkpoint seen before is of origin " + before.origin());
            }
            if (before.size() > cp.size() || !MessageDigest.isEqual(MerkleTree.root(leaves.subList(0,
                    (int) before.size())), before.rootHash())) {
                return fail(cp, entries, "the log no longer extends the checkpoint of size " + before.size()
                        + " seen before: it was rewritten");
            }
        }
        return new Report(cp, entries, Optional.empty());
    }

    /** The entries of a bundle: big-endian u16 length, then the bytes, repeated. */
    public static List<byte[]> parseBundle(byte[] bundle) {
        ByteBuffer b = ByteBuffer.wrap(bundle);
        List<byte[]> out = new ArrayList<>();
        while (b.hasRemaining()) {
            if (b.remaining() < 2) {
                throw new IllegalArgumentException("the bundle ends inside a length");
            }
            int len = b.getShort() & 0xffff;
            if (b.remaining() < len) {
                throw new IllegalArgumentException("the bundle ends inside entry " + out.size());
            }
            byte[] e = new byte[len];
            b.get(e);
            out.add(e);
        }
        return out;
    }

    private static Report fail(Checkpoint cp, List<byte[]> entries, String problem) {
        return new Report(cp, entries, Optional.of(problem));
    }
}
