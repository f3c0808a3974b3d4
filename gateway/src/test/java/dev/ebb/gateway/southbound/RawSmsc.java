package dev.ebb.gateway.southbound;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SMSC made of a server socket and hand-written frames, sharing no code with Ebb's codec or jSMPP: it takes any
 * bind and keeps the exact bytes of each submit_sm, so a test sees what left Ebb. By default it answers every
 * submit_sm with ESME_ROK; a {@link Script} makes it misbehave as SMSCs do: hold answers (and give them later, in any
 * order), refuse, throttle, nack, drop the connection, send the receipt before the submit_sm_resp, or fall silent.
 */
final class RawSmsc implements AutoCloseable {
    private static final int BIND_RECEIVER = 0x00000001;
    private static final int BIND_TRANSMITTER = 0x00000002;
    private static final int SUBMIT_SM = 0x00000004;
    private static final int DELIVER_SM = 0x00000005;
    private static final int UNBIND = 0x00000006;
    private static final int BIND_TRANSCEIVER = 0x00000009;
    private static final int ENQUIRE_LINK = 0x00000015;
    private static final int RESPONSE = 0x80000000;
    private static final int GENERIC_NACK = 0x80000000;
    private static final int ESME_RINVCMDID = 0x00000003;

    /** What the SMSC does with one submit_sm. */
    sealed interface Reply {
        /** submit_sm_resp with {@code status} (its own message id when 0). */
        record Answer(int status) implements Reply {
        }

        /** No answer until {@link #releaseHeld}. */
        record Hold() implements Reply {
        }

        /** generic_nack with {@code status} for the submit's sequence_number (SMPP 3.4 §4.3). */
        record Nack(int status) implements Reply {
        }

        /** A delivery receipt for it first, then submit_sm_resp. */
        record ReceiptFirst() implements Reply {
        }

        /** Closes the connection without an answer (after the submits held on it). */
        record Drop() implements Reply {
        }

        static Reply ok() {
            return new Answer(0);
        }
    }

    /** Decides the reply to the {@code index}-th submit_sm this SMSC has received (0-based, over all connections). */
    @FunctionalInterface
    interface Script {
        Reply on(int index, Submit submit);
    }

    /** A submit_sm as received: its connection, sequence_number and whole frame. */
    record Submit(Connection connection, int sequence, byte[] frame) {
        String destination() {
            ByteBuffer b = ByteBuffer.wrap(frame);
            b.position(16);
            cString(b); // service_type
            b.position(b.position() + 2);
            cString(b); // source_addr
            b.position(b.position() + 2);
            return cString(b);
        }
    }

    private final ServerSocket server;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final List<byte[]> submits = new CopyOnWriteArrayList<>();
    private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    private final List<Submit> held = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> deliverSmResponses = new CopyOnWriteArrayList<>();
    private final List<Integer> binds = new CopyOnWriteArrayList<>();
    private final java.util.Map<String, String> answered = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger received = new AtomicInteger();
    private volatile Script script = (index, submit) -> Reply.ok();
    private volatile boolean silent;

    RawSmsc() throws IOException {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(this::accept, "raw-smsc-accept");
        accepting.setDaemon(true);
        accepting.start();
    }

    int port() {
        return server.getLocalPort();
    }

    RawSmsc script(Script script) {
        this.script = script;
        return this;
    }

    /** From now on nothing is answered at all, enquire_link included: a peer that hangs. */
    void fallSilent() {
        silent = true;
    }

    /** When a submit_sm came off the socket: System.nanoTime(), and which connection it came on (by accept order). */
    record Arrival(int connection, long nanos) {
    }

    /** The arrival of every submit_sm received so far, in order. */
    List<Arrival> arrivals() {
        return arrivals;
    }

    /** Every submit_sm received so far, each its whole frame as it came off the socket (header included). */
    List<byte[]> submits() {
        return submits;
    }

    /** Destination addresses of every submit_sm received so far, in order, repeats included. */
    List<String> destinations() {
        return submits.stream().map(f -> new Submit(null, 0, f).destination()).toList();
    }

    /** Submits held without an answer. */
    List<Submit> held() {
        synchronized (held) {
            return List.copyOf(held);
        }
    }

    /** Connections accepted so far. */
    int connectionCount() {
        return connections.size();
    }

    /** Connections open now. */
    long openConnections() {
        return connections.stream().filter(c -> !c.socket.isClosed()).count();
    }

    /** The command_status of every deliver_sm_resp received. */
    List<Integer> deliverSmResponses() {
        return deliverSmResponses;
    }

    /** The command_id of every bind received (bind_transmitter 2, bind_receiver 1, bind_transceiver 9). */
    List<Integer> binds() {
        return binds;
    }

    /** The message id this SMSC answered each destination's latest submit_sm with. */
    String answeredId(String destination) {
        return answered.get(destination);
    }

    /** Closes every connection at once, answers still held on them unsent. */
    void dropConnections() throws IOException {
        held.clear();
        for (Connection connection : connections) {
            connection.socket.close();
        }
    }

    /** Answers every held submit ESME_ROK, last received first when {@code reversed}. */
    void releaseHeld(boolean reversed) throws IOException {
        List<Submit> answering;
        synchronized (held) {
            answering = new ArrayList<>(held);
            held.clear();
        }
        if (reversed) {
            Collections.reverse(answering);
        }
        for (Submit submit : answering) {
            answer(submit, 0);
        }
    }

    /** Writes a submit_sm_resp ESME_ROK with a sequence_number no submit had, on every open connection. */
    void answerUnknownSequence(int sequence) throws IOException {
        for (Connection c : connections) {
            if (!c.socket.isClosed()) {
                c.respond(RESPONSE | SUBMIT_SM, 0, sequence, cString("stray"));
            }
        }
    }

    /** Writes a deliver_sm with {@code body} as it is, well-formed or not, on every open connection. */
    void deliver(byte[] body) throws IOException {
        for (Connection c : connections) {
            if (!c.socket.isClosed()) {
                c.respond(DELIVER_SM, 0, 0x50000000 + c.sequence.incrementAndGet(), body);
            }
        }
    }

    /** Sends unbind (SMPP 3.4 §4.2) on every open connection and keeps it open, as if waiting for the ESME to go. */
    void unbindConnections() throws IOException {
        for (Connection c : connections) {
            if (!c.socket.isClosed()) {
                c.respond(UNBIND, 0, 0x50000000 + c.sequence.incrementAndGet(), new byte[0]);
            }
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Connection connection = new Connection(socket);
                connections.add(connection);
                Thread reading = new Thread(() -> serve(connection), "raw-smsc-session");
                reading.setDaemon(true);
                reading.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Connection connection) {
        try (Socket socket = connection.socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true) {
                int length = in.readInt();
                byte[] frame = new byte[length];
                ByteBuffer.wrap(frame).putInt(length);
                in.readFully(frame, 4, length - 4);
                ByteBuffer header = ByteBuffer.wrap(frame, 4, 12);
                int commandId = header.getInt();
                int status = header.getInt();
                int sequence = header.getInt();
                if (silent) {
                    continue;
                }
                switch (commandId) {
                    case BIND_TRANSCEIVER, BIND_TRANSMITTER, BIND_RECEIVER -> {
                        binds.add(commandId);
                        connection.receives = commandId != BIND_TRANSMITTER;
                        connection.respond(RESPONSE | commandId, 0, sequence, cString("raw"));
                    }
                    case SUBMIT_SM -> {
                        arrivals.add(new Arrival(connections.indexOf(connection), System.nanoTime()));
                        submits.add(frame);
                        Submit submit = new Submit(connection, sequence, frame);
                        if (!reply(submit, script.on(received.getAndIncrement(), submit))) {
                            return;
                        }
                    }
                    case ENQUIRE_LINK -> connection.respond(RESPONSE | commandId, 0, sequence, new byte[0]);
                    // §4.2: the ESME that unbinds closes the connection; closing here first would race its read.
                    case UNBIND -> connection.respond(RESPONSE | commandId, 0, sequence, new byte[0]);
                    case RESPONSE | DELIVER_SM -> deliverSmResponses.add(status);
                    default -> {
                        if ((commandId & RESPONSE) == 0) {
                            connection.respond(GENERIC_NACK, ESME_RINVCMDID, sequence, new byte[0]);
                        }
                    }
                }
            }
        } catch (IOException closed) {
            // The peer went away or the SMSC is closing.
        }
    }

    /** @return false when the connection is to be dropped */
    private boolean reply(Submit submit, Reply reply) throws IOException {
        if (reply instanceof Reply.Answer a) {
            answer(submit, a.status());
        } else if (reply instanceof Reply.Hold) {
            held.add(submit);
        } else if (reply instanceof Reply.Nack n) {
            submit.connection().respond(GENERIC_NACK, n.status(), submit.sequence(), new byte[0]);
        } else if (reply instanceof Reply.ReceiptFirst) {
            String id = "raw" + ids.incrementAndGet();
            answered.put(submit.destination(), id);
            // On a receiver of the same ESME if it bound transmitter and receiver apart (SMPP 3.4 §2.2).
            connections.stream().filter(c -> c.receives && !c.socket.isClosed()).findFirst()
                    .orElse(submit.connection()).deliverReceipt(id);
            submit.connection().respond(RESPONSE | SUBMIT_SM, 0, submit.sequence(), cString(id));
        } else if (reply instanceof Reply.Drop) {
            synchronized (held) {
                held.removeIf(s -> s.connection() == submit.connection());
            }
            submit.connection().socket.close();
            return false;
        }
        return true;
    }

    private void answer(Submit submit, int status) throws IOException {
        if (status != 0) {
            submit.connection().respond(RESPONSE | SUBMIT_SM, status, submit.sequence(), new byte[0]);
            return;
        }
        String id = "raw" + ids.incrementAndGet();
        answered.put(submit.destination(), id);
        submit.connection().respond(RESPONSE | SUBMIT_SM, 0, submit.sequence(), cString(id));
    }

    /** One accepted connection; writes from the reading thread and the test thread are serialised. */
    static final class Connection {
        private final Socket socket;
        private final DataOutputStream out;
        private final AtomicInteger sequence = new AtomicInteger();
        /** Bound as receiver or transceiver: deliver_sm may go here. */
        private volatile boolean receives;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.out = new DataOutputStream(socket.getOutputStream());
        }

        synchronized void respond(int commandId, int status, int sequence, byte[] body) throws IOException {
            out.writeInt(16 + body.length);
            out.writeInt(commandId);
            out.writeInt(status);
            out.writeInt(sequence);
            out.write(body);
            out.flush();
        }

        /** A delivery receipt for {@code smscId} (SMPP 3.4 §4.6.1, Appendix B), with receipted_message_id. */
        void deliverReceipt(String smscId) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            DataOutputStream b = new DataOutputStream(body);
            b.write(cString("")); // service_type
            b.write(new byte[] {1, 1});
            b.write(cString("4790000001"));
            b.write(new byte[] {1, 1});
            b.write(cString("4790000002"));
            b.write(new byte[] {0x04, 0, 0}); // esm_class: SMSC delivery receipt (§5.2.12), protocol_id, priority_flag
            b.write(cString(""));
            b.write(cString(""));
            b.write(new byte[] {0, 0, 0, 0}); // registered_delivery, replace_if_present, data_coding, sm_default_msg_id
            byte[] text = ("id:" + smscId + " sub:001 dlvrd:001 submit date:2603011000 done date:2603011000 "
                    + "stat:DELIVRD err:000 text:").getBytes(StandardCharsets.US_ASCII);
            b.writeByte(text.length);
            b.write(text);
            byte[] id = cString(smscId);
            b.writeShort(0x001E); // receipted_message_id (§5.3.2.12)
            b.writeShort(id.length);
            b.write(id);
            b.writeShort(0x0427); // message_state (§5.3.2.35): 2, DELIVERED
            b.writeShort(1);
            b.writeByte(2);
            respond(DELIVER_SM, 0, 0x40000000 + sequence.incrementAndGet(), body.toByteArray());
        }
    }

    private static byte[] cString(String value) {
        byte[] text = value.getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[text.length + 1];
        System.arraycopy(text, 0, bytes, 0, text.length);
        return bytes;
    }

    private static String cString(ByteBuffer b) {
        StringBuilder s = new StringBuilder();
        for (byte c; (c = b.get()) != 0; ) {
            s.append((char) c);
        }
        return s.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Connection connection : connections) {
            connection.socket.close();
        }
    }
}
