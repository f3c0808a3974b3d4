package dev.ebb.gateway.receipt;

import dev.ebb.gateway.core.MessageState;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.gateway.route.InFlight;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.metadata.TrafficRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;

/**
 * The bytes a {@link ReceiptOutbox} seals for one owed receipt: the message's ACCEPTED record (its ids, addressing and
 * times: what the deliver_sm or the webhook body and the later traffic records need), the submitting session, and the
 * final state. Never content: a receipt carries none (its text has an empty {@code text:} field). In a cluster the
 * same bytes, sealed to the receiving node, carry a receipt to the node its customer is bound to.
 */
public final class OutboxEntry {
    /** Version 2 appends the customer's reference; a version-1 entry (written before references) is read without. */
    private static final int VERSION = 2;

    private OutboxEntry() {
    }

    public static byte[] encode(CustomerReceipt receipt) {
        TrafficRecord r = receipt.message().record();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(160);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(r.messageId());
            out.writeUTF(r.customerId());
            out.writeLong(r.eventTime().toEpochMilli());
            out.writeLong(r.validUntil() == null ? Long.MIN_VALUE : r.validUntil().toEpochMilli());
            out.writeUTF(r.channel().name());
            out.writeUTF(r.systemId() == null ? "" : r.systemId());
            byte[] ip = r.clientIp() == null ? new byte[0] : r.clientIp().getAddress();
            out.writeByte(ip.length);
            out.write(ip);
            out.writeUTF(r.source().value());
            out.writeByte(r.source().ton());
            out.writeByte(r.source().npi());
            out.writeUTF(r.destination());
            out.writeByte(r.segmentIndex());
            out.writeByte(r.segmentCount());
            out.writeShort(r.concatRef());
            out.writeByte(r.dataCoding());
            out.writeUTF(r.route() == null ? "" : r.route());
            out.writeLong(receipt.message().sessionId());
            out.writeByte(receipt.state().code());
            out.writeShort(receipt.errorCode());
            out.writeLong(receipt.doneAt().toEpochMilli());
            out.writeUTF(r.reference() == null ? "" : r.reference());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * @param sameRun whether the entry was written by this run of the gateway: a receipt of an earlier run is sent
     *                without its submitting session, whose id means nothing now
     * @throws IllegalArgumentException if the bytes are not an entry of this version
     */
    public static CustomerReceipt decode(byte[] sealed, boolean sameRun) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(sealed))) {
            int version = in.readUnsignedByte();
            if (version < 1 || version > VERSION) {
                throw new IllegalArgumentException("receipt outbox entry of version " + version + ", expected 1.."
                        + VERSION);
            }
            TrafficRecord.Builder r = TrafficRecord.builder().eventType(EventType.ACCEPTED).messageId(in.readUTF())
                    .customerId(in.readUTF()).eventTime(Instant.ofEpochMilli(in.readLong()));
            long validUntil = in.readLong();
            r.validUntil(validUntil == Long.MIN_VALUE ? null : Instant.ofEpochMilli(validUntil));
            r.channel(Channel.valueOf(in.readUTF()));
            String systemId = in.readUTF();
            r.systemId(systemId.isEmpty() ? null : systemId);
            byte[] ip = new byte[in.readUnsignedByte()];
            in.readFully(ip);
            r.clientIp(ip.length == 0 ? null : InetAddress.getByAddress(ip)); // bytes, never a name: no lookup
            r.source(new SourceAddress(in.readUTF(), in.readUnsignedByte(), in.readUnsignedByte()));
            r.destination(in.readUTF());
            r.segment(in.readUnsignedByte(), in.readUnsignedByte(), in.readUnsignedShort());
            r.dataCoding(in.readUnsignedByte());
            String route = in.readUTF();
            r.route(route.isEmpty() ? null : route);
            long sessionId = in.readLong();
            MessageState state = MessageState.ofCode(in.readUnsignedByte());
            int errorCode = in.readUnsignedShort();
            Instant doneAt = Instant.ofEpochMilli(in.readLong());
            String reference = version >= 2 ? in.readUTF() : "";
            r.reference(reference.isEmpty() ? null : reference);
            InFlight message = new InFlight(new PrivacyInterceptor.Accepted(null, r.build()), true,
                    sameRun ? sessionId : 0);
            return new CustomerReceipt(message, state, errorCode, doneAt);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("receipt outbox entry with a client address of a bad length", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("receipt outbox entry cut short", e);
        }
    }
}
