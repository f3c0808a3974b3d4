package dev.ebb.gateway.smpp.pdu;

import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.core.SmppAddress;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * SMPP 3.4 wire format ⇄ {@link Pdu} records, over a {@link ByteBuf}, with no Netty pipeline involved.
 *
 * <p>{@link #decode} returns {@code null} until a whole frame is buffered. A frame whose body is invalid is
 * consumed and reported as a {@link PduDecodingException} carrying the status the spec names; a
 * command_length outside 16..max is a {@link FramingException}: the stream cannot be resynchronised.
 */
public final class PduCodec {
    static final int HEADER = 16;
    // C-Octet String maximum sizes including the NUL (SMPP 3.4 §4.1.1, §4.4.1).
    private static final int SYSTEM_ID = 16;
    private static final int PASSWORD = 9;
    private static final int SYSTEM_TYPE = 13;
    private static final int ADDRESS_RANGE = 41;
    private static final int SERVICE_TYPE = 6;
    private static final int ADDRESS = 21;
    private static final int TIME = 17;
    private static final int MESSAGE_ID = 65;
    /** §5.2.21: sm_length 0..254; longer content goes in message_payload. */
    static final int MAX_SHORT_MESSAGE = 254;

    private final int maxCommandLength;

    public PduCodec(int maxCommandLength) {
        this.maxCommandLength = maxCommandLength;
    }

    /** @return the next PDU, or {@code null} if the buffer does not yet hold a whole frame */
    public Pdu decode(ByteBuf in) {
        if (in.readableBytes() < 4) {
            return null;
        }
        long length = in.getUnsignedInt(in.readerIndex());
        if (length < HEADER || length > maxCommandLength) {
            throw new FramingException("command_length " + length + " outside " + HEADER + ".." + maxCommandLength);
        }
        if (in.readableBytes() < length) {
            return null;
        }
        ByteBuf frame = in.readSlice((int) length);
        frame.skipBytes(4);
        int commandId = frame.readInt();
        int status = frame.readInt();
        int sequence = frame.readInt();
        try {
            Pdu pdu = body(commandId, status, sequence, frame);
            if (frame.isReadable()) {
                throw new PduDecodingException(commandId, sequence, CommandStatus.ESME_RINVCMDLEN,
                        frame.readableBytes() + " bytes after the last field");
            }
            return pdu;
        } catch (IndexOutOfBoundsException e) {
            throw new PduDecodingException(commandId, sequence, CommandStatus.ESME_RINVCMDLEN, "body shorter than its fields");
        }
    }

    private Pdu body(int commandId, int status, int seq, ByteBuf b) {
        return switch (commandId) {
            case CommandId.BIND_TRANSMITTER -> bind(BindType.TRANSMITTER, commandId, seq, b);
            case CommandId.BIND_RECEIVER -> bind(BindType.RECEIVER, commandId, seq, b);
            case CommandId.BIND_TRANSCEIVER -> bind(BindType.TRANSCEIVER, commandId, seq, b);
            case CommandId.RESPONSE | CommandId.BIND_TRANSMITTER -> bindResp(BindType.TRANSMITTER, commandId, status, seq, b);
            case CommandId.RESPONSE | CommandId.BIND_RECEIVER -> bindResp(BindType.RECEIVER, commandId, status, seq, b);
            case CommandId.RESPONSE | CommandId.BIND_TRANSCEIVER -> bindResp(BindType.TRANSCEIVER, commandId, status, seq, b);
            case CommandId.SUBMIT_SM -> submitSm(commandId, seq, b);
            case CommandId.DELIVER_SM -> deliverSm(commandId, seq, b);
            case CommandId.RESPONSE | CommandId.SUBMIT_SM ->
                    new Pdu.SubmitSmResp(seq, status, b.isReadable() ? cString(b, MESSAGE_ID, commandId, seq, CommandStatus.ESME_RINVPARLEN) : "");
            case CommandId.RESPONSE | CommandId.DELIVER_SM -> {
                if (b.isReadable()) {
                    cString(b, MESSAGE_ID, commandId, seq, CommandStatus.ESME_RINVPARLEN); // §4.6.2: message_id, unused, NULL
                }
                yield new Pdu.DeliverSmResp(seq, status);
            }
            case CommandId.ENQUIRE_LINK -> new Pdu.EnquireLink(seq);
            case CommandId.RESPONSE | CommandId.ENQUIRE_LINK -> new Pdu.EnquireLinkResp(seq, status);
            case CommandId.UNBIND -> new Pdu.Unbind(seq);
            case CommandId.RESPONSE | CommandId.UNBIND -> new Pdu.UnbindResp(seq, status);
            case CommandId.GENERIC_NACK -> new Pdu.GenericNack(seq, status);
            default -> {
                b.skipBytes(b.readableBytes());
                throw new PduDecodingException(commandId, seq, CommandStatus.ESME_RINVCMDID, "command not supported");
            }
        };
    }

    private Pdu.Bind bind(BindType type, int commandId, int seq, ByteBuf b) {
        String systemId = cString(b, SYSTEM_ID, commandId, seq, CommandStatus.ESME_RINVSYSID);
        String password = cString(b, PASSWORD, commandId, seq, CommandStatus.ESME_RINVPASWD);
        String systemType = cString(b, SYSTEM_TYPE, commandId, seq, CommandStatus.ESME_RINVSYSTYP);
        byte version = b.readByte();
        byte ton = b.readByte();
        byte npi = b.readByte();
        String range = cString(b, ADDRESS_RANGE, commandId, seq, CommandStatus.ESME_RINVPARLEN);
        return new Pdu.Bind(type, seq, systemId, password, systemType, version, ton, npi, range);
    }

    private Pdu.BindResp bindResp(BindType type, int commandId, int status, int seq, ByteBuf b) {
        String systemId = b.isReadable() ? cString(b, SYSTEM_ID, commandId, seq, CommandStatus.ESME_RINVSYSID) : "";
        byte version = 0;
        for (Tlv tlv : tlvs(b, commandId, seq)) {
            if (tlv.tag() == Tlv.SC_INTERFACE_VERSION && tlv.length() == 1) {
                version = tlv.value()[0];
            }
        }
        return new Pdu.BindResp(type, seq, status, systemId, version);
    }

    private Pdu.SubmitSm submitSm(int commandId, int seq, ByteBuf b) {
        return messageFields(Pdu.SubmitSm.builder(), commandId, seq, b).build();
    }

    private Pdu.DeliverSm deliverSm(int commandId, int seq, ByteBuf b) {
        return messageFields(Pdu.DeliverSm.builder(), commandId, seq, b).build();
    }

    /** §4.4.1 field order, shared by submit_sm and deliver_sm. */
    private static <P extends Pdu.MessagePdu> MessageBuilder<P> messageFields(MessageBuilder<P> f, int commandId, int seq,
                                                                            ByteBuf b) {
        f.sequenceNumber(seq).serviceType(cString(b, SERVICE_TYPE, commandId, seq, CommandStatus.ESME_RINVSERTYP));
        byte srcTon = b.readByte();
        byte srcNpi = b.readByte();
        f.source(new SmppAddress(srcTon, srcNpi, cString(b, ADDRESS, commandId, seq, CommandStatus.ESME_RINVSRCADR)));
        byte dstTon = b.readByte();
        byte dstNpi = b.readByte();
        f.destination(new SmppAddress(dstTon, dstNpi, cString(b, ADDRESS, commandId, seq, CommandStatus.ESME_RINVDSTADR)));
        f.esmClass(b.readByte()).protocolId(b.readByte()).priorityFlag(b.readByte())
                .scheduleDeliveryTime(cString(b, TIME, commandId, seq, CommandStatus.ESME_RINVSCHED))
                .validityPeriod(cString(b, TIME, commandId, seq, CommandStatus.ESME_RINVEXPIRY))
                .registeredDelivery(b.readByte()).replaceIfPresent(b.readByte()).dataCoding(b.readByte())
                .smDefaultMsgId(b.readByte());
        int smLength = b.readUnsignedByte();
        if (smLength > MAX_SHORT_MESSAGE) {
            b.skipBytes(b.readableBytes());
            throw new PduDecodingException(commandId, seq, CommandStatus.ESME_RINVMSGLEN,
                    "sm_length " + smLength + " over " + MAX_SHORT_MESSAGE + " (use message_payload)");
        }
        if (smLength > b.readableBytes()) {
            b.skipBytes(b.readableBytes());
            throw new PduDecodingException(commandId, seq, CommandStatus.ESME_RINVMSGLEN,
                    "sm_length " + smLength + " beyond the end of the PDU");
        }
        byte[] shortMessage = new byte[smLength];
        b.readBytes(shortMessage);
        return f.shortMessage(shortMessage).tlvs(tlvs(b, commandId, seq));
    }

    private static List<Tlv> tlvs(ByteBuf b, int commandId, int seq) {
        List<Tlv> tlvs = new ArrayList<>(2);
        while (b.isReadable()) {
            if (b.readableBytes() < 4) {
                b.skipBytes(b.readableBytes());
                throw new PduDecodingException(commandId, seq, CommandStatus.ESME_RINVOPTPARSTREAM, "truncated TLV header");
            }
            short tag = b.readShort();
            int length = b.readUnsignedShort();
            if (length > b.readableBytes()) {
                b.skipBytes(b.readableBytes());
                throw new PduDecodingException(commandId, seq, CommandStatus.ESME_RINVPARLEN,
                        String.format("TLV 0x%04x length %d beyond the end of the PDU", tag, length));
            }
            byte[] value = new byte[length];
            b.readBytes(value);
            tlvs.add(new Tlv(tag, value));
        }
        return tlvs;
    }

    /** A C-Octet String of at most {@code max} octets including its NUL (§3.1). */
    private static String cString(ByteBuf b, int max, int commandId, int seq, int status) {
        int limit = Math.min(max, b.readableBytes());
        int nul = b.indexOf(b.readerIndex(), b.readerIndex() + limit, (byte) 0);
        if (nul < 0) {
            b.skipBytes(b.readableBytes());
            throw new PduDecodingException(commandId, seq, status,
                    limit < max ? "C-string without its NUL terminator" : "C-string longer than " + (max - 1) + " octets");
        }
        String value = b.toString(b.readerIndex(), nul - b.readerIndex(), StandardCharsets.ISO_8859_1);
        b.readerIndex(nul + 1);
        return value;
    }

    /** Writes {@code pdu} as one frame, command_length included. */
    public void encode(Pdu pdu, ByteBuf out) {
        int start = out.writerIndex();
        out.writeInt(0);
        out.writeInt(pdu.commandId());
        out.writeInt(pdu instanceof Pdu.Response r ? r.commandStatus() : 0);
        out.writeInt(pdu.sequenceNumber());
        if (pdu instanceof Pdu.Bind bind) {
            cString(out, bind.systemId());
            cString(out, bind.password());
            cString(out, bind.systemType());
            out.writeByte(bind.interfaceVersion()).writeByte(bind.addrTon()).writeByte(bind.addrNpi());
            cString(out, bind.addressRange());
        } else if (pdu instanceof Pdu.BindResp resp) {
            // §4.1.2: the body is omitted when command_status is not 0.
            if (resp.commandStatus() == CommandStatus.ESME_ROK) {
                cString(out, resp.systemId());
                if (resp.scInterfaceVersion() != 0) {
                    out.writeShort(Tlv.SC_INTERFACE_VERSION).writeShort(1).writeByte(resp.scInterfaceVersion());
                }
            }
        } else if (pdu instanceof Pdu.MessagePdu m) {
            messageFields(m, out);
        } else if (pdu instanceof Pdu.SubmitSmResp resp) {
            if (resp.commandStatus() == CommandStatus.ESME_ROK) {
                cString(out, resp.messageId());
            }
        } else if (pdu instanceof Pdu.DeliverSmResp) {
            out.writeByte(0); // §4.6.2: message_id is unused and set to NULL
        }
        // enquire_link, unbind, their responses and generic_nack have no body (§4.11, §4.2, §4.3).
        out.setInt(start, out.writerIndex() - start);
    }

    private static void messageFields(Pdu.MessagePdu m, ByteBuf out) {
        cString(out, m.serviceType());
        out.writeByte(m.source().ton()).writeByte(m.source().npi());
        cString(out, m.source().value());
        out.writeByte(m.destination().ton()).writeByte(m.destination().npi());
        cString(out, m.destination().value());
        out.writeByte(m.esmClass()).writeByte(m.protocolId()).writeByte(m.priorityFlag());
        cString(out, m.scheduleDeliveryTime());
        cString(out, m.validityPeriod());
        out.writeByte(m.registeredDelivery()).writeByte(m.replaceIfPresent()).writeByte(m.dataCoding())
                .writeByte(m.smDefaultMsgId());
        // The record holds at most 254 octets (Pdu.MessagePdu.checked): sm_length is one octet (§5.2.21).
        byte[] sm = m.shortMessage();
        out.writeByte(sm.length).writeBytes(sm);
        for (Tlv tlv : m.tlvs()) {
            out.writeShort(tlv.tag()).writeShort(tlv.length()).writeBytes(tlv.value());
        }
    }

    private static void cString(ByteBuf out, String value) {
        out.writeCharSequence(value, StandardCharsets.ISO_8859_1);
        out.writeByte(0);
    }
}
