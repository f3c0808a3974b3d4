package dev.ebb.gateway.smpp;

import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.smpp.pdu.PduCodec;
import dev.ebb.gateway.testing.Flood;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;

/** A plain socket speaking bytes, for the malformed input no SMPP library will produce. */
final class RawSmppClient implements AutoCloseable {
    private final SocketChannel channel;
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final PduCodec codec = new PduCodec(1 << 20);

    RawSmppClient(int port) throws IOException {
        this(SocketChannel.open(new InetSocketAddress("127.0.0.1", port)));
    }

    private RawSmppClient(SocketChannel channel) throws IOException {
        this.channel = channel;
        socket = channel.socket();
        socket.setSoTimeout(5_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** A client connecting from {@code localAddress}, another loopback address such as 127.0.0.2. */
    static RawSmppClient from(String localAddress, int port) throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.bind(new InetSocketAddress(localAddress, 0));
        channel.connect(new InetSocketAddress("127.0.0.1", port));
        return new RawSmppClient(channel);
    }

    /** A client on small socket buffers, for {@link #floodUntilBlocked}. */
    static RawSmppClient withSmallBuffers(int port) throws IOException {
        return new RawSmppClient(Flood.connect(port));
    }

    void send(Pdu pdu) throws IOException {
        sendBytes(encode(pdu));
    }

    /** The PDU's frame as bytes. */
    static byte[] encode(Pdu pdu) {
        ByteBuf buf = Unpooled.buffer();
        new PduCodec(1 << 20).encode(pdu, buf);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        return bytes;
    }

    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends {@code pdu} over and over without reading, see {@link Flood#writeUntilBlocked}; returns the bytes sent. */
    long floodUntilBlocked(Pdu pdu, long limit) throws IOException {
        return Flood.writeUntilBlocked(channel, encode(pdu), limit);
    }

    Pdu read() throws IOException {
        int length = in.readInt();
        byte[] frame = new byte[length];
        frame[0] = (byte) (length >>> 24);
        frame[1] = (byte) (length >>> 16);
        frame[2] = (byte) (length >>> 8);
        frame[3] = (byte) length;
        in.readFully(frame, 4, length - 4);
        ByteBuf buf = Unpooled.wrappedBuffer(frame);
        try {
            return codec.decode(buf);
        } finally {
            buf.release();
        }
    }

    /** The next PDU, or null when none starts to arrive within {@code timeout}. */
    Pdu readWithin(java.time.Duration timeout) throws IOException {
        int usual = socket.getSoTimeout();
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            return read();
        } catch (java.net.SocketTimeoutException nothing) {
            return null;
        } finally {
            socket.setSoTimeout(usual);
        }
    }

    /** True once the server has closed the connection. */
    boolean closedByPeer() throws IOException {
        try {
            return in.read() == -1;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
