package dev.ebb.metadata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.LocalDate;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * Verification of a metadata store's data directory from outside the process that writes it (the {@code ebb verify}
 * command): recomputes each day's RFC 6962 Merkle tree from the records and checks it against the signed tree heads,
 * their Ed25519 signatures and the chain between days, as {@link MetadataStore#verify} does, but without opening the
 * store for writing. The queue is opened read-only and nothing in the directory is created, repaired or deleted.
 *
 * <p>It may run while the gateway is appending: the current day (store clock) is then checked up to the records its
 * leaf log or latest signed head covers, and records appended since (at most one tree-head interval, or until the
 * next 2,048-record leaf flush) are left for the next run. Other days are checked completely. After a crash, before
 * the gateway has reopened the store, the last records of a day may show up as
 * {@link VerifyReport.Kind#UNEXPECTED_RECORD} (never covered by a head nor the leaf log); opening the store repairs
 * the derived files and signs them.
 *
 * <p>Trust: the signatures are only as good as the public key they are checked with. The overloads without a key read
 * the one stored next to the signing key, which proves the records were not altered by anyone without that key; pass
 * a copy of the public key kept elsewhere ({@link MetadataStore#publicKey()} when it was created) to also rule out an
 * attacker who replaced the key pair and re-signed everything.
 */
public final class MetadataVerifier {
    private MetadataVerifier() {
    }

    /**
     * Verifies the days {@code from..to} (inclusive, UTC) of the store in {@code dir}, with default settings (signing
     * key in {@code <dir>/keys}) and the system clock.
     *
     * @throws IllegalArgumentException if {@code to} is before {@code from}
     * @throws MetadataStoreException   if {@code dir} is not a metadata store of this format, or its public key or
     *                                  files cannot be read
     */
    public static VerifyReport verify(Path dir, LocalDate from, LocalDate to) {
        return verify(dir, MetadataStoreConfig.defaults(), Clock.systemUTC(), from, to);
    }

    /**
     * Verifies the days {@code from..to} with the public key stored next to {@code config}'s signing key.
     *
     * @param clock decides today (the day that may still be written) and the retention edge of the chain check
     * @throws IllegalArgumentException if {@code to} is before {@code from}
     * @throws MetadataStoreException   if {@code dir} is not a metadata store of this format, or its public key or
     *                                  files cannot be read
     */
    public static VerifyReport verify(Path dir, MetadataStoreConfig config, Clock clock, LocalDate from,
                                      LocalDate to) {
        Fields.requireNonNull("dir", dir);
        Fields.requireNonNull("config", config);
        return verify(dir, readPublicKey(dir, config), config, clock, from, to);
    }

    /**
     * Verifies the days {@code from..to} against a given public key.
     *
     * @param clock decides today (the day that may still be written) and the retention edge of the chain check
     * @throws IllegalArgumentException if {@code to} is before {@code from}
     * @throws MetadataStoreException   if {@code dir} is not a metadata store of this format, or its files cannot be
     *                                  read
     */
    public static VerifyReport verify(Path dir, PublicKey key, MetadataStoreConfig config, Clock clock,
                                      LocalDate from, LocalDate to) {
        return verify(dir, key, config, clock, from, to, VerifyProgress.NONE);
    }

    /**
     * {@link #verify(Path, MetadataStoreConfig, Clock, LocalDate, LocalDate)}, telling {@code progress} how far it
     * got (a year's store takes minutes).
     */
    public static VerifyReport verify(Path dir, MetadataStoreConfig config, Clock clock, LocalDate from,
                                      LocalDate to, VerifyProgress progress) {
        Fields.requireNonNull("dir", dir);
        Fields.requireNonNull("config", config);
        return verify(dir, readPublicKey(dir, config), config, clock, from, to, progress);
    }

    /** {@link #verify(Path, PublicKey, MetadataStoreConfig, Clock, LocalDate, LocalDate)} with progress reports. */
    public static VerifyReport verify(Path dir, PublicKey key, MetadataStoreConfig config, Clock clock,
                                      LocalDate from, LocalDate to, VerifyProgress progress) {
        Fields.requireNonNull("progress", progress);
        Fields.requireNonNull("dir", dir);
        Fields.requireNonNull("key", key);
        Fields.requireNonNull("config", config);
        Fields.requireNonNull("clock", clock);
        Fields.requireNonNull("from", from);
        Fields.requireNonNull("to", to);
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("verify range is inverted: " + from + " .. " + to);
        }
        DayFiles files = new DayFiles(dir);
        files.requireExisting();
        LocalDate today = Cycles.dayOf(clock.millis());
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(files.queue).readOnly(true)
                .rollCycle(Cycles.ROLL_CYCLE).build()) {
            return new Verifier(files, queue, key, config.retention()).verify(from, to, today, today, progress);
        }
    }

    /** The public key stored next to the signing key ({@code <signing key file>.pub}, X.509 encoded). */
    static PublicKey readPublicKey(Path dir, MetadataStoreConfig config) {
        Path privateFile = config.signingKeyFile() != null ? config.signingKeyFile()
                : new DayFiles(dir).keys.resolve(KeyFiles.SIGNING_KEY);
        Path publicFile = privateFile.resolveSibling(privateFile.getFileName() + ".pub");
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(
                    Files.readAllBytes(publicFile)));
        } catch (IOException | GeneralSecurityException e) {
            throw new MetadataStoreException("cannot read the Ed25519 public key " + publicFile, e);
        }
    }
}
