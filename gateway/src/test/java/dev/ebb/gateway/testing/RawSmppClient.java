package dev.ebb.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.smpp.pdu.PduCodec;
import dev.ebb.gateway.smpp.pdu.Tlv;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A bare SMPP peer on a plain blocking socket over Ebb's own codec, for Ebb's listener and the simulator alike: it
 * sends exactly what a test writes (PDU records, or bytes no SMPP library would produce) and answers nothing by
 * itself; every read waits at most 5 s.
 */
public final class RawSmppClient implements AutoCloseable {
    private final SocketChannel channel;
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final PduCodec codec = new PduCodec(1 << 20);
    private int sequence;

    public RawSmppClient(int port) throws IOException {
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
    public static RawSmppClient from(String localAddress, int port) throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.bind(new InetSocketAddress(localAddress, 0));
        channel.connect(new InetSocketAddress("127.0.0.1", port));
        return new RawSmppClient(channel);
    }

    /** A client on small socket buffers, for {@link #floodUntilBlocked}. */
    public static RawSmppClient withSmallBuffers(int port) throws IOException {
        return new RawSmppClient(Flood.connect(port));
    }

    /** Binds as {@code type} and asserts the bind_resp is ESME_ROK. */
    public RawSmppClient bind(BindType type, String systemId, String password) throws IOException {
        send(new Pdu.Bind(type, nextSequence(), systemId, password, "", (byte) 0x34, (byte) 0, (byte) 0, ""));
        assertThat(next(Pdu.BindResp.class).commandStatus()).isEqualTo(CommandStatus.ESME_ROK);
        return this;
    }

    /** Sequence numbers from 1, for PDUs whose number the test does not care about. */
    public int nextSequence() {
        return ++sequence;
    }

    public void send(Pdu pdu) throws IOException {
        sendBytes(encode(pdu));
    }

    /** The PDU's frame as bytes. */
    public static byte[] encode(Pdu pdu) {
        ByteBuf buf = Unpooled.buffer();
        new PduCodec(1 << 20).encode(pdu, buf);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        return bytes;
    }

    public void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends {@code pdu} over and over without reading, see {@link Flood#writeUntilBlocked}; returns the bytes sent. */
    public long floodUntilBlocked(Pdu pdu, long limit) throws IOException {
        return Flood.writeUntilBlocked(channel, encode(pdu), limit);
    }

    /** The next PDU, which must be of {@code type}. */
    public <T extends Pdu> T next(Class<T> type) throws IOException {
        Pdu pdu = read();
        assertThat(pdu).isInstanceOf(type);
        return type.cast(pdu);
    }

    /** A receipt's SMPP 3.4 §5.3.2.12 receipted_message_id (NUL-terminated on the wire). */
    public static String receiptedMessageId(Pdu.DeliverSm receipt) {
        byte[] id = receipt.tlvs().stream().filter(t -> t.tag() == Tlv.RECEIPTED_MESSAGE_ID).findFirst().orElseThrow()
                .value();
        return new String(id, 0, id.length - 1, StandardCharsets.US_ASCII);
    }

    public Pdu read() throws IOException {
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
    public Pdu readWithin(Duration timeout) throws IOException {
        int usual = socket.getSoTimeout();
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            return read();
        } catch (SocketTimeoutException nothing) {
            return null;
        } finally {
            socket.setSoTimeout(usual);
        }
    }

    /** True once the peer has closed the connection; waits for that (or a byte) up to the read timeout. */
    public boolean closedByPeer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
