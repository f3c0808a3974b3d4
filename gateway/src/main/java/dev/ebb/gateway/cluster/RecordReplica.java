package dev.ebb.gateway.cluster;

import dev.ebb.metadata.InclusionProof;
import dev.ebb.metadata.KeyWrapper;
import dev.ebb.metadata.RecordRef;
import dev.ebb.metadata.SealedDay;
import dev.ebb.metadata.StoredRecord;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.metadata.TrafficRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One other node's traffic records as that node shipped them, kept here for the cluster's retention view: each
 * record's bytes as sealed as on its node's disk, with its inclusion proof against a head that node signed; the key
 * that verifies those heads; and the node's day keys, wrapped under the transit key every node shares
 * ({@code KeyEncryptionKey.forCluster}). Files, in {@code
 * cluster/view/<node>/} of the data directory: per day {@code <day>.proofs} (the proofs, each a u32 length and {@link
 * InclusionProof#encode}, in arrival order), {@code <day>.key} (the wrapped day key, 0600) and {@code <day>.pub}. In
 * memory per day: where each record's proof is in the file, and its blind index keys (as its node indexed it), so a
 * query reads only the records it finds, never a scan. Both are rebuilt on open.
 *
 * <p>Days are dropped by the store's own rule ({@code day + retention} before today), their key shredded with them.
 * Thread-safe: every method holds the replica's lock.
 */
final class RecordReplica implements AutoCloseable {
    private static final Comparator<StoredRecord> ORDER = Comparator
            .comparing((StoredRecord s) -> s.record().eventTime())
            .thenComparing(s -> s.ref().day()).thenComparingLong(s -> s.ref().sequence());
    private final String origin;
    private final Path dir;
    private final KeyWrapper transit;
    private final TreeMap<LocalDate, Day> days = new TreeMap<>();
    private long records;
    /** The tree-head key last shipped: it comes before each day's key and belongs to that day. */
    private byte[] pendingStoreKey;

    private RecordReplica(String origin, Path dir, KeyWrapper transit) {
        this.origin = origin;
        this.dir = dir;
        this.transit = transit;
    }

    /** Opens (creating) the replica of {@code origin}'s records in {@code dir}, reading back what it holds. */
    static RecordReplica open(Path dir, String origin, KeyWrapper transit) {
        RecordReplica replica = new RecordReplica(origin, dir, transit);
        try {
            Files.createDirectories(dir);
            TreeSet<LocalDate> found = new TreeSet<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "????-??-??.*")) {
                files.forEach(f -> found.add(LocalDate.parse(f.getFileName().toString().substring(0, 10))));
            }
            for (LocalDate day : found) {
                replica.load(day);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the replica of node " + origin + " in " + dir, e);
        }
        return replica;
    }

    String origin() {
        return origin;
    }

    /** Records held. */
    synchronized long records() {
        return records;
    }

    /** Takes one entry of the records topic from this replica's node; a record it holds already is left as it is. */
    synchronized void accept(byte[] entry) {
        switch (entry[0]) {
            case RecordTopic.STORE_KEY -> pendingStoreKey = RecordTopic.body(entry);
            case RecordTopic.DAY_KEY -> acceptDayKey(RecordTopic.dayOf(entry), RecordTopic.wrappedKeyOf(entry));
            case RecordTopic.RECORD -> acceptRecord(RecordTopic.body(entry));
            default -> throw new IllegalArgumentException("unknown entry kind " + entry[0] + " from node " + origin);
        }
    }

    private void acceptDayKey(LocalDate day, byte[] wrapped) {
        Day d = day(day);
        try {
            Path keyFile = dir.resolve(day + ".key");
            if (!Files.exists(keyFile)) {
                Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(keyFile, wrapped);
            }
            if (pendingStoreKey != null) {
                Files.write(dir.resolve(day + ".pub"), pendingStoreKey);
                d.storeKey = publicKey(pendingStoreKey);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the day key of " + day + " of node " + origin, e);
        }
        if (d.sealed == null) {
            d.sealed = SealedDay.open(day, wrapped, transit, "node " + origin);
            d.reindex();
        }
    }

    private void acceptRecord(byte[] encoded) {
        InclusionProof proof = InclusionProof.decode(encoded);
        Day d = day(proof.ref().day());
        long seq = proof.ref().sequence();
        if (d.offsets.containsKey(seq)) {
            return;
        }
        d.append(seq, encoded);
        records++;
    }

    /** This node's records matching {@code criterion} with an event time in {@code [from, to)}, in time order. */
    synchronized List<StoredRecord> query(TrafficQuery.Criterion criterion, Instant from, Instant to) {
        // As the store looks: a record's day is within a day of its event time.
        LocalDate first = LocalDate.ofInstant(from, ZoneOffset.UTC).minusDays(1);
        LocalDate last = LocalDate.ofInstant(to.minusMillis(1), ZoneOffset.UTC).plusDays(1);
        List<StoredRecord> hits = new ArrayList<>();
        for (Day d : days.subMap(first, true, last, true).values()) {
            if (d.sealed == null) {
                continue;
            }
            TreeSet<Long> seqs = new TreeSet<>();
            for (long key : d.sealed.queryKeys(criterion)) {
                seqs.addAll(d.index.getOrDefault(key, List.of()));
            }
            for (long seq : seqs) {
                Optional<TrafficRecord> r = d.sealed.read(d.proof(seq).recordBytes());
                if (r.isPresent() && !r.get().eventTime().isBefore(from) && r.get().eventTime().isBefore(to)
                        && criterion.matches(r.get())) {
                    hits.add(new StoredRecord(new RecordRef(d.day, seq), r.get()));
                }
            }
        }
        hits.sort(ORDER);
        return hits;
    }

    /** The proof and key of {@code stored} if this replica holds exactly that record at that position. */
    synchronized Optional<Proof> proofOf(StoredRecord stored) {
        Day d = days.get(stored.ref().day());
        if (d == null || d.sealed == null || d.storeKey == null || !d.offsets.containsKey(stored.ref().sequence())) {
            return Optional.empty();
        }
        InclusionProof proof = d.proof(stored.ref().sequence());
        return d.sealed.read(proof.recordBytes()).filter(stored.record()::equals).map(r -> new Proof(proof, d.storeKey));
    }

    record Proof(InclusionProof proof, PublicKey key) {
    }

    /** Forces what was appended since the last call to the device: then its entries may be committed as read. */
    synchronized void force() {
        for (Day d : days.values()) {
            d.force();
        }
    }

    /** Drops the days the store's rule drops ({@code day + retention} before {@code today}), key first. */
    synchronized List<LocalDate> prune(LocalDate today, Period retention) {
        List<LocalDate> dropped = new ArrayList<>();
        for (Day d : List.copyOf(days.values())) {
            if (d.day.plus(retention).isBefore(today)) {
                try {
                    shred(dir.resolve(d.day + ".key"));
                    d.close();
                    Files.deleteIfExists(dir.resolve(d.day + ".proofs"));
                    Files.deleteIfExists(dir.resolve(d.day + ".pub"));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot drop day " + d.day + " of node " + origin, e);
                }
                records -= d.offsets.size();
                days.remove(d.day);
                dropped.add(d.day);
            }
        }
        return dropped;
    }

    @Override
    public synchronized void close() {
        for (Day d : days.values()) {
            d.close();
        }
    }

    private Day day(LocalDate day) {
        Day d = days.get(day);
        if (d == null) {
            d = new Day(day, dir.resolve(day + ".proofs"));
            days.put(day, d);
        }
        return d;
    }

    private void load(LocalDate day) throws IOException {
        Day d = day(day);
        d.readBack();
        records += d.offsets.size();
        Path pub = dir.resolve(day + ".pub");
        if (Files.exists(pub)) {
            d.storeKey = publicKey(Files.readAllBytes(pub));
        }
        Path key = dir.resolve(day + ".key");
        if (Files.exists(key)) {
            d.sealed = SealedDay.open(day, Files.readAllBytes(key), transit, "node " + origin);
            d.reindex();
        }
    }

    private PublicKey publicKey(byte[] x509) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("node " + origin + " shipped a tree-head key that is no Ed25519 key", e);
        }
    }

    /** Overwrites the key with zeros, forces it, deletes it: the day's sealed numbers become unrecoverable here. */
    private static void shred(Path key) throws IOException {
        if (!Files.exists(key)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(key, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate((int) ch.size()));
            ch.force(true);
        }
        Files.delete(key);
    }

    /** One day of the replica. */
    private static final class Day {
        final LocalDate day;
        final Path file;
        final Map<Long, Long> offsets = new HashMap<>();
        final Map<Long, List<Long>> index = new HashMap<>();
        FileChannel channel;
        long size;
        boolean dirty;
        SealedDay sealed;
        PublicKey storeKey;

        Day(LocalDate day, Path file) {
            this.day = day;
            this.file = file;
        }

        void append(long seq, byte[] encoded) {
            try {
                ByteBuffer b = ByteBuffer.allocate(4 + encoded.length).putInt(encoded.length).put(encoded).flip();
                channel().write(b, size);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
            offsets.put(seq, size);
            size += 4 + encoded.length;
            dirty = true;
            if (sealed != null) {
                index(seq, InclusionProof.decode(encoded));
            }
        }

        InclusionProof proof(long seq) {
            try {
                long at = offsets.get(seq);
                ByteBuffer len = ByteBuffer.allocate(4);
                channel().read(len, at);
                ByteBuffer body = ByteBuffer.allocate(len.flip().getInt());
                channel().read(body, at + 4);
                return InclusionProof.decode(body.array());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }

        /** Reads the entries back; a last one cut short by a crash is cut off (its node ships it again). */
        void readBack() throws IOException {
            long end = channel().size();
            ByteBuffer len = ByteBuffer.allocate(4);
            while (size + 4 <= end) {
                channel().read(len.clear(), size);
                int n = len.flip().getInt();
                if (n <= 0 || size + 4 + n > end) {
                    break;
                }
                ByteBuffer body = ByteBuffer.allocate(n);
                channel().read(body, size + 4);
                offsets.put(InclusionProof.decode(body.array()).ref().sequence(), size);
                size += 4 + n;
            }
            if (size < end) {
                channel().truncate(size);
            }
        }

        void reindex() {
            index.clear();
            offsets.keySet().forEach(seq -> index(seq, proof(seq)));
        }

        private void index(long seq, InclusionProof proof) {
            sealed.read(proof.recordBytes()).ifPresent(r -> {
                for (long key : sealed.indexKeys(r)) {
                    index.computeIfAbsent(key, k -> new ArrayList<>(1)).add(seq);
                }
            });
        }

        void force() {
            if (dirty) {
                try {
                    channel().force(false);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot force " + file, e);
                }
                dirty = false;
            }
        }

        private FileChannel channel() throws IOException {
            if (channel == null) {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
            }
            return channel;
        }

        void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // Closing a read/write channel whose data was forced loses nothing.
                }
                channel = null;
            }
        }
    }
}
