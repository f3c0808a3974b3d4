package dev.ebb.gateway.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One record between two nodes on a relay topic: a request with its sealed payload ({@link NodeKeys}), or the answer
 * to one with a status. Every node reads every record and keeps those addressed to it; the record's key is the
 * receiving node, so one node's records keep their order. Every record ends in the cluster's tag
 * ({@link RecordAuth}): version 2 is the first with it, and version 1 records are refused.
 *
 * @param sealed the sealed payload of a request; null in an answer
 * @param status the answer's status; 0 in a request
 */
record Envelope(String from, String to, String id, byte[] sealed, int status) {
    private static final int VERSION = 2;

    boolean isRequest() {
        return sealed != null;
    }

    /** What a payload of {@code kind} ("receipt", "mo") sealed in this envelope is bound to. */
    byte[] aad(String kind) {
        return (kind + "|" + from + "|" + to + "|" + id).getBytes(StandardCharsets.UTF_8);
    }

    byte[] key() {
        return to.getBytes(StandardCharsets.UTF_8);
    }

    /** The record's value on {@code topic}: the envelope, then its tag. */
    byte[] encode(RecordAuth auth, String topic) {
        return auth.sign(topic, key(), body());
    }

    private byte[] body() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(sealed == null ? 64 : 64 + sealed.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(from);
            out.writeUTF(to);
            out.writeUTF(id);
            out.writeBoolean(sealed != null);
            if (sealed != null) {
                out.writeInt(sealed.length);
                out.write(sealed);
            } else {
                out.writeInt(status);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** An envelope from the body of an authenticated record ({@link RecordAuth#open}). */
    static Envelope decode(byte[] value) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IOException("relay record of version " + version + ", expected " + VERSION);
            }
            String from = in.readUTF();
            String to = in.readUTF();
            String id = in.readUTF();
            if (in.readBoolean()) {
                // Bounded by what the record holds: anyone who can write to the topic can claim 2 GiB, and the
                // array would be made before reading it failed (OutOfMemoryError on every node's reader).
                int length = in.readInt();
                if (length < 0 || length > in.available()) {
                    throw new IOException("relay record claims a payload of " + length + " bytes, holds "
                            + in.available());
                }
                byte[] sealed = new byte[length];
                in.readFully(sealed);
                return new Envelope(from, to, id, sealed, 0);
            }
            return new Envelope(from, to, id, null, in.readInt());
        }
    }
}
