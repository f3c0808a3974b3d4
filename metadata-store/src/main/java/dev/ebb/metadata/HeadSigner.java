package dev.ebb.metadata;

import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Signs tree heads with the store's Ed25519 key and links the days into one chain: the first head of a day commits
 * to the latest head of the kept day before it, and every later head of that day commits to the same previous-day
 * head, so the chain link is fixed by the day's first head. Called with the writer lock held.
 */
final class HeadSigner {
    private final DayFiles files;
    private final KeyPair key;
    private final Runnable beforeSigning;
    private final Checkpoints checkpoints;

    /**
     * @param beforeSigning runs before each head is signed: in group-commit mode it forces the queue
     * @param checkpoints   signs the day's C2SP checkpoint with each head
     */
    HeadSigner(DayFiles files, KeyPair key, Runnable beforeSigning, Checkpoints checkpoints) {
        this.files = files;
        this.key = key;
        this.beforeSigning = beforeSigning;
        this.checkpoints = checkpoints;
    }

    PublicKey publicKey() {
        return key.getPublic();
    }

    /**
     * Signs the head of {@code day} at {@code treeSize} records and appends it durably to the day's heads file, after
     * signing the day's checkpoint of the same tree (neither is signed if that checkpoint would contradict an earlier
     * one).
     *
     * @param lastOfDay the day's latest head so far, null for its first
     * @param chunks    the roots of the day's full 256-leaf chunks (the leaf log holds at least {@code treeSize})
     */
    SignedTreeHead sign(LocalDate day, long treeSize, byte[] root, long now, SignedTreeHead lastOfDay,
                        MerkleFrontier.Chunks chunks) {
        beforeSigning.run();
        try (DayTree tree = new DayTree(files.leavesFile(day), chunks)) {
            checkpoints.sign(day, treeSize, root, tree);
        }
        SignedTreeHead previous = lastOfDay == null ? latestHeadBefore(day) : previousOf(lastOfDay);
        SignedTreeHead head = SignedTreeHead.sign(day, treeSize, root, Instant.ofEpochMilli(now), previous,
                key.getPrivate());
        files.appendHead(head);
        return head;
    }

    private SignedTreeHead previousOf(SignedTreeHead head) {
        if (head.previousDay() == null) {
            return null;
        }
        return files.readLatestHead(head.previousDay());
    }

    private SignedTreeHead latestHeadBefore(LocalDate day) {
        for (LocalDate d : files.days().headSet(day, false).descendingSet()) {
            SignedTreeHead latest = files.readLatestHead(d);
            if (latest != null) {
                return latest;
            }
        }
        return null;
    }
}
