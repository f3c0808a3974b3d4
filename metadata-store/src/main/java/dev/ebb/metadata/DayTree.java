package dev.ebb.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 6962 hashes of ranges of one day's leaves, read from its leaf log: what checkpoints, consistency and inclusion
 * proofs and tiles are computed from. Memory stays bounded whatever the day's size: a range is read at most
 * {@link #READ_LEAVES} leaves at a time. With the writer's chunk roots ({@link MerkleFrontier.Chunks}) a full aligned
 * subtree of 256 leaves or more costs one hash per chunk instead of one per leaf. Not thread-safe; one per use.
 */
final class DayTree implements MerkleTree.RangeHashes, AutoCloseable {
    /** The most leaves read into memory at once (128 KiB). */
    static final int READ_LEAVES = 4096;
    private static final int CHUNK = TilePath.FULL;
    private final Path file;
    private final MerkleFrontier.Chunks chunks;
    /** Opened on the first read: a checkpoint with nothing before it to be consistent with reads no leaf. */
    private FileChannel channel;

    /**
     * @param chunks the roots of the day's full chunks, or null to hash everything from the leaves
     */
    DayTree(Path leavesFile, MerkleFrontier.Chunks chunks) {
        this.file = leavesFile;
        this.chunks = chunks;
    }

    private FileChannel channel() {
        if (channel == null) {
            try {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            } catch (IOException e) {
                throw new MetadataStoreException("cannot read " + file, e);
            }
        }
        return channel;
    }

    /** The root of the first {@code n} leaves. */
    byte[] root(long n) {
        return n == 0 ? MerkleTree.emptyRoot() : hash(0, n);
    }

    @Override
    public byte[] hash(long from, long to) {
        long n = to - from;
        if (chunks != null && n >= CHUNK && Long.bitCount(n) == 1 && from % n == 0 && to / CHUNK <= chunks.count()) {
            return chunkHash(from / CHUNK, to / CHUNK);
        }
        if (n <= READ_LEAVES) {
            List<byte[]> leaves = leaves(from, to);
            return MerkleTree.root(leaves);
        }
        long k = Long.highestOneBit(n - 1);
        return MerkleTree.nodeHash(hash(from, from + k), hash(from + k, to));
    }

    /**
     * Adds the roots of the full chunks within the first {@code size} leaves that its chunks lack, hashed from the
     * leaf log: what lets a reader's proofs hash chunks, as the writer's do.
     */
    void extendChunks(long size) {
        for (long from = (long) chunks.count() * CHUNK; from + CHUNK <= size; from += CHUNK) {
            chunks.add(MerkleTree.root(leaves(from, from + CHUNK)));
        }
    }

    /** The leaf hashes {@code [from, to)}. */
    List<byte[]> leaves(long from, long to) {
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact((to - from) * MerkleTree.HASH_LENGTH));
        try {
            while (b.hasRemaining()) {
                if (channel().read(b, from * MerkleTree.HASH_LENGTH + b.position()) < 0) {
                    throw new MetadataStoreException("leaf log " + file + " ends before leaf " + to);
                }
            }
        } catch (IOException e) {
            throw new MetadataStoreException("cannot read " + file, e);
        }
        List<byte[]> out = new ArrayList<>((int) (to - from));
        for (int i = 0; i < to - from; i++) {
            byte[] l = new byte[MerkleTree.HASH_LENGTH];
            System.arraycopy(b.array(), i * MerkleTree.HASH_LENGTH, l, 0, l.length);
            out.add(l);
        }
        return out;
    }

    /** MTH over chunks {@code [from, to)}, a power of two of them aligned on its size. */
    private byte[] chunkHash(long from, long to) {
        if (to - from == 1) {
            return chunks.get(from);
        }
        long mid = from + (to - from) / 2;
        return MerkleTree.nodeHash(chunkHash(from, mid), chunkHash(mid, to));
    }

    /**
     * Tile {@code t} of the tree (tlog-tiles): for each i below its width, MTH of the leaves under hash i, concatenated.
     * The caller checks that the tile lies within a checkpointed size.
     */
    byte[] tile(TilePath t) {
        ByteBuffer out = ByteBuffer.allocate(t.width() * MerkleTree.HASH_LENGTH);
        long per = t.leavesPerHash();
        long start = t.startLeaf();
        for (int i = 0; i < t.width(); i++) {
            out.put(hash(start + i * per, start + (i + 1) * per));
        }
        return out.array();
    }

    @Override
    public void close() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            throw new MetadataStoreException("cannot close " + file, e);
        }
    }
}
