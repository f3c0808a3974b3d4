package dev.ebb.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The C2SP checkpoints of the days' trees (c2sp.org/tlog-checkpoint), one origin per day,
 * {@code <log name>/<yyyy-mm-dd>}, signed with the store's Ed25519 key under the log name. The latest checkpoint of
 * each day is kept in {@code <dir>/checkpoints/<day>.checkpoint} with the cosignatures witnesses gave it, replaced
 * atomically; it stays after its day is pruned (it holds a size and a root, no record and no number), so that what
 * was published about a day can still be shown and no later checkpoint can contradict it.
 *
 * <p>tlog-checkpoint: a log MUST NOT sign a checkpoint inconsistent with one it signed before. Every new checkpoint
 * is checked against the kept one with an RFC 6962 §2.1.2 consistency proof computed from the day's leaf log; if it
 * does not verify, nothing is signed. The store key signs tree heads too; the two cannot be confused: a head's signed
 * bytes start with 0x01, a control character no note text may hold.
 *
 * <p>Thread-safe: one lock for signing and for adding cosignatures, so a cosignature lands only on the checkpoint it
 * was made for.
 */
final class Checkpoints {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    private final DayFiles files;
    private final NoteSigner signer;

    Checkpoints(DayFiles files, NoteSigner signer) {
        this.files = files;
        this.signer = signer;
    }

    /** The log's verifier key. */
    NoteVerifierKey verifierKey() {
        return signer.verifierKey();
    }

    /** The origin of {@code day}'s checkpoints. */
    String origin(LocalDate day) {
        return signer.verifierKey().name() + "/" + day;
    }

    /**
     * Signs the checkpoint of {@code day} at {@code size} leaves with root {@code root}, unless the kept one is that
     * checkpoint already (then it is returned with its cosignatures).
     *
     * @param tree the day's leaves, at least {@code size} of them, for the consistency proof from the kept one
     * @throws MetadataStoreException if the new checkpoint would not be consistent with the kept one (nothing is
     *                                signed then), or the file cannot be written
     */
    synchronized SignedNote sign(LocalDate day, long size, byte[] root, MerkleTree.RangeHashes tree) {
        Checkpoint next = new Checkpoint(origin(day), size, root);
        Optional<SignedNote> kept = latest(day);
        if (kept.isPresent()) {
            Checkpoint last = Checkpoint.parse(kept.get().text());
            if (last.equals(next)) {
                return kept.get();
            }
            List<byte[]> proof = last.size() <= size ? MerkleTree.consistencyProof(last.size(), size, tree) : List.of();
            if (last.size() > size || !MerkleTree.verifyConsistency(last.size(), size, last.rootHash(), root, proof)) {
                LOG.error("refusing to sign checkpoint {} size {}: not consistent with the checkpoint of size {} signed "
                        + "before (the day's records or leaf log changed)", next.origin(), size, last.size());
                throw new MetadataStoreException("checkpoint " + next.origin() + " of size " + size + " is not "
                        + "consistent with the one of size " + last.size() + " signed before: not signed");
            }
        }
        SignedNote note = SignedNote.sign(next.text(), signer);
        write(day, note);
        return note;
    }

    /** The latest checkpoint of {@code day} with its cosignatures, if one was signed. */
    synchronized Optional<SignedNote> latest(LocalDate day) {
        Path f = file(day);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(SignedNote.parse(Files.readString(f, StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            throw new MetadataStoreException("cannot read checkpoint " + f + ": " + e.getMessage(), e);
        }
    }

    /**
     * Adds cosignature lines to the kept checkpoint of {@code day} if its text is still {@code text}: a cosignature of
     * an older checkpoint is dropped (the newer one is submitted in its turn).
     *
     * @return true if they were added
     */
    synchronized boolean addCosignatures(LocalDate day, String text, List<SignedNote.Signature> cosignatures) {
        Optional<SignedNote> kept = latest(day);
        if (kept.isEmpty() || !kept.get().text().equals(text)) {
            return false;
        }
        write(day, kept.get().with(cosignatures));
        return true;
    }

    /** Days with a kept checkpoint, ascending. */
    synchronized List<LocalDate> days() {
        try (var s = Files.list(files.checkpoints)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".checkpoint"))
                    .map(n -> LocalDate.parse(n.substring(0, n.length() - ".checkpoint".length()))).sorted().toList();
        } catch (IOException e) {
            throw new MetadataStoreException("cannot list " + files.checkpoints, e);
        }
    }

    private Path file(LocalDate day) {
        return files.checkpoints.resolve(day + ".checkpoint");
    }

    private void write(LocalDate day, SignedNote note) {
        byte[] bytes = note.format().getBytes(StandardCharsets.UTF_8);
        try {
            DurableFiles.replace(file(day), ch -> DurableFiles.writeFully(ch, ByteBuffer.wrap(bytes), 0));
        } catch (IOException e) {
            throw new MetadataStoreException("cannot write checkpoint " + file(day), e);
        }
    }
}
