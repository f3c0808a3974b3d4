package dev.ebb.gateway.core;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import dev.ebb.metadata.Channel;
import java.time.Duration;
import java.time.Instant;

/**
 * Turns a {@link Submission} into the opaque bytes the content vault encrypts, and back, so a message can
 * be re-submitted after a restart (DESIGN.md invariant 4) from the vault alone.
 */
public final class SubmissionCodec {
    /**
     * Version 4 appends the customer's reference; version 3 the content retention (a kind octet: 0 until-final,
     * 1 until-submitted, 2 a duration, then its milliseconds as a long), so that it is known after a restart; version 2
     * deliverAt. Older records are read as until-final and without a reference, and version 1 ones (written before
     * scheduling existed) as sent at once.
     */
    private static final byte VERSION = 4;

    private SubmissionCodec() {
    }

    public static byte[] encode(Submission submission) {
        OutboundMessage m = submission.message();
        Submission.Ingress ingress = submission.ingress();
        byte[][] strings = {utf8(m.messageId()), utf8(m.customerId()), utf8(m.serviceType()),
                utf8(m.source().value()), utf8(m.destination().value()),
                utf8(ingress.systemId() == null ? "" : ingress.systemId()),
                utf8(ingress.clientIp() == null ? "" : ingress.clientIp()),
                utf8(ingress.reference() == null ? "" : ingress.reference())};
        byte[] sm = m.shortMessage();
        byte[] payload = m.messagePayload();
        int size = 1 + 1 + 8 + 4 * 2 + 7 + 4 + sm.length + 4 + (payload == null ? 0 : payload.length) + 1 + 12 + 1 + 8
                + 1 + 8 + 1 + 8;
        for (byte[] s : strings) {
            size += 2 + s.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(VERSION);
        out.put((byte) ingress.channel().code());
        putString(out, strings[5]);
        putString(out, strings[6]);
        out.putLong(submission.acceptedAt().toEpochMilli());
        putString(out, strings[0]);
        putString(out, strings[1]);
        putString(out, strings[2]);
        out.put(m.source().ton()).put(m.source().npi());
        putString(out, strings[3]);
        out.put(m.destination().ton()).put(m.destination().npi());
        putString(out, strings[4]);
        out.put(m.esmClass()).put(m.protocolId()).put(m.priority()).put(m.registeredDelivery()).put(m.dataCoding());
        out.putInt(sm.length).put(sm);
        out.putInt(payload == null ? -1 : payload.length);
        if (payload != null) {
            out.put(payload);
        }
        out.put((byte) (m.sar() == null ? 0 : 1));
        if (m.sar() != null) {
            out.putInt(m.sar().reference()).putInt(m.sar().total()).putInt(m.sar().sequence());
        }
        out.put((byte) (m.expiry() == null ? 0 : 1));
        if (m.expiry() != null) {
            out.putLong(m.expiry().toEpochMilli());
        }
        out.put((byte) (m.deliverAt() == null ? 0 : 1));
        if (m.deliverAt() != null) {
            out.putLong(m.deliverAt().toEpochMilli());
        }
        ContentRetention retention = m.contentRetention();
        out.put(switch (retention.kind()) {
            case UNTIL_FINAL -> (byte) 0;
            case UNTIL_SUBMITTED -> (byte) 1;
            case FOR -> (byte) 2;
        });
        if (retention.duration() != null) {
            out.putLong(retention.duration().toMillis());
        }
        putString(out, strings[7]);
        byte[] result = new byte[out.position()];
        out.flip().get(result);
        return result;
    }

    /** @throws IllegalArgumentException for bytes this version did not write (the message names no content) */
    public static Submission decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            byte version = in.get();
            if (version < 1 || version > VERSION) {
                throw new IllegalArgumentException("sealed message version " + version + " is not 1.." + VERSION);
            }
            Channel channel = channel(in.get());
            String systemId = getString(in);
            String clientIp = getString(in);
            Instant acceptedAt = Instant.ofEpochMilli(in.getLong());
            String id = getString(in);
            String customer = getString(in);
            String serviceType = getString(in);
            SmppAddress source = new SmppAddress(in.get(), in.get(), getString(in));
            SmppAddress destination = new SmppAddress(in.get(), in.get(), getString(in));
            byte esm = in.get();
            byte pid = in.get();
            byte priority = in.get();
            byte registered = in.get();
            byte dcs = in.get();
            byte[] sm = new byte[in.getInt()];
            in.get(sm);
            int payloadLength = in.getInt();
            byte[] payload = null;
            if (payloadLength >= 0) {
                payload = new byte[payloadLength];
                in.get(payload);
            }
            OutboundMessage.Sar sar = in.get() == 1 ? new OutboundMessage.Sar(in.getInt(), in.getInt(), in.getInt()) : null;
            Instant expiry = in.get() == 1 ? Instant.ofEpochMilli(in.getLong()) : null;
            Instant deliverAt = version >= 2 && in.get() == 1 ? Instant.ofEpochMilli(in.getLong()) : null;
            ContentRetention retention = version >= 3 ? retention(in) : ContentRetention.UNTIL_FINAL;
            String reference = version >= 4 ? getString(in) : "";
            OutboundMessage message = OutboundMessage.builder(id, customer).serviceType(serviceType).source(source)
                    .destination(destination).esmClass(esm).protocolId(pid).priority(priority)
                    .registeredDelivery(registered).dataCoding(dcs).shortMessage(sm).messagePayload(payload).sar(sar)
                    .expiry(expiry).deliverAt(deliverAt).contentRetention(retention).build();
            return new Submission(message, new Submission.Ingress(channel, systemId.isEmpty() ? null : systemId,
                    clientIp.isEmpty() ? null : clientIp, 0, reference.isEmpty() ? null : reference), acceptedAt);
        } catch (BufferUnderflowException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("sealed message is truncated (" + bytes.length + " bytes)");
        }
    }

    private static ContentRetention retention(ByteBuffer in) {
        byte kind = in.get();
        return switch (kind) {
            case 0 -> ContentRetention.UNTIL_FINAL;
            case 1 -> ContentRetention.UNTIL_SUBMITTED;
            case 2 -> ContentRetention.of(Duration.ofMillis(in.getLong()));
            default -> throw new IllegalArgumentException("sealed message names unknown content retention " + kind);
        };
    }

    private static Channel channel(byte code) {
        for (Channel c : Channel.values()) {
            if (c.code() == code) {
                return c;
            }
        }
        throw new IllegalArgumentException("sealed message names unknown channel " + code);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void putString(ByteBuffer out, byte[] s) {
        out.putShort((short) s.length).put(s);
    }

    private static String getString(ByteBuffer in) {
        byte[] s = new byte[Short.toUnsignedInt(in.getShort())];
        in.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
