package dev.ebb.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends leaf hashes to a day's leaves file through a buffer. The leaves file is derived data (the queue is the
 * source of truth): leaves lost in a crash are recomputed at open, and {@code verify} trusts it only after checking
 * its root against a signed head. Not thread-safe (used under the writer lock).
 */
final class LeafWriter implements AutoCloseable {
    private static final int BUFFER = 64 * 1024;
    private final Path file;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);

    LeafWriter(Path file, long keepLeaves) {
        this.file = file;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            channel.truncate(keepLeaves * MerkleTree.HASH_LENGTH);
            channel.position(keepLeaves * MerkleTree.HASH_LENGTH);
        } catch (IOException e) {
            throw new MetadataStoreException("cannot open " + file, e);
        }
    }

    void add(byte[] leaf) {
        if (buffer.remaining() < leaf.length) {
            flush();
        }
        buffer.put(leaf);
    }

    /** Overwrites leaf {@code position}, one of those kept on disk at construction. */
    void replace(long position, byte[] leaf) {
        ByteBuffer b = ByteBuffer.wrap(leaf);
        try {
            long at = position * MerkleTree.HASH_LENGTH;
            while (b.hasRemaining()) {
                at += channel.write(b, at);
            }
        } catch (IOException e) {
            throw new MetadataStoreException("cannot write " + file, e);
        }
    }

    void flush() {
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new MetadataStoreException("cannot write " + file, e);
        }
        buffer.clear();
    }

    @Override
    public void close() {
        flush();
        try {
            channel.force(true);
            channel.close();
        } catch (IOException e) {
            throw new MetadataStoreException("cannot close " + file, e);
        }
    }
}
