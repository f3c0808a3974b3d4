package dev.ebb.gateway.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/** A peer that writes and does not read, to see whether a server stops reading it (TCP flow control then blocks it). */
public final class Flood {
    private Flood() {
    }

    /** A blocking connection with small socket buffers, so that a server which stops reading is felt soon. */
    public static SocketChannel connect(int port) throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
        channel.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
        channel.connect(new InetSocketAddress("127.0.0.1", port));
        return channel;
    }

    /**
     * Writes {@code frame} again and again, reading nothing, until {@code limit} bytes are written or the socket
     * has stayed unwritable for two seconds (the server no longer reads). Returns the bytes written; the channel
     * is blocking again afterwards.
     */
    public static long writeUntilBlocked(SocketChannel channel, byte[] frame, long limit) throws IOException {
        ByteBuffer batch = ByteBuffer.allocate(frame.length * 1024);
        while (batch.hasRemaining()) {
            batch.put(frame);
        }
        batch.flip();
        long written = 0;
        channel.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_WRITE);
            while (written < limit && selector.select(2_000) > 0) {
                selector.selectedKeys().clear();
                if (!batch.hasRemaining()) {
                    batch.rewind();
                }
                written += channel.write(batch);
            }
        }
        channel.configureBlocking(true);
        return written;
    }
}
