package dev.ebb.gateway.southbound;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SMSC made of a server socket and hand-written frames, sharing no code with Ebb's codec or jSMPP: it takes any
 * bind, answers every submit_sm with ESME_ROK and keeps the exact bytes of each, so a test sees what left Ebb.
 */
final class RawSmsc implements AutoCloseable {
    private static final int BIND_TRANSCEIVER = 0x00000009;
    private static final int SUBMIT_SM = 0x00000004;
    private static final int UNBIND = 0x00000006;
    private static final int ENQUIRE_LINK = 0x00000015;
    private static final int RESPONSE = 0x80000000;
    private static final int GENERIC_NACK = 0x80000000;
    private static final int ESME_RINVCMDID = 0x00000003;

    private final ServerSocket server;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final List<byte[]> submits = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    RawSmsc() throws IOException {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(this::accept, "raw-smsc-accept");
        accepting.setDaemon(true);
        accepting.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Every submit_sm received so far, each its whole frame as it came off the socket (header included). */
    List<byte[]> submits() {
        return submits;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.add(socket);
                Thread reading = new Thread(() -> serve(socket), "raw-smsc-session");
                reading.setDaemon(true);
                reading.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            while (true) {
                int length = in.readInt();
                byte[] frame = new byte[length];
                ByteBuffer.wrap(frame).putInt(length);
                in.readFully(frame, 4, length - 4);
                ByteBuffer header = ByteBuffer.wrap(frame, 4, 12);
                int commandId = header.getInt();
                header.getInt();
                int sequence = header.getInt();
                switch (commandId) {
                    case BIND_TRANSCEIVER -> respond(out, RESPONSE | commandId, 0, sequence, cString("raw"));
                    case SUBMIT_SM -> {
                        submits.add(frame);
                        respond(out, RESPONSE | commandId, 0, sequence, cString("raw" + ids.incrementAndGet()));
                    }
                    case ENQUIRE_LINK -> respond(out, RESPONSE | commandId, 0, sequence, new byte[0]);
                    // §4.2: the ESME that unbinds closes the connection; closing here first would race its read.
                    case UNBIND -> respond(out, RESPONSE | commandId, 0, sequence, new byte[0]);
                    default -> {
                        if ((commandId & RESPONSE) == 0) {
                            respond(out, GENERIC_NACK, ESME_RINVCMDID, sequence, new byte[0]);
                        }
                    }
                }
            }
        } catch (IOException closed) {
            // The peer went away or the SMSC is closing.
        }
    }

    private static void respond(DataOutputStream out, int commandId, int status, int sequence, byte[] body)
            throws IOException {
        out.writeInt(16 + body.length);
        out.writeInt(commandId);
        out.writeInt(status);
        out.writeInt(sequence);
        out.write(body);
        out.flush();
    }

    private static byte[] cString(String value) {
        byte[] text = value.getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[text.length + 1];
        System.arraycopy(text, 0, bytes, 0, text.length);
        return bytes;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : connections) {
            socket.close();
        }
    }
}
