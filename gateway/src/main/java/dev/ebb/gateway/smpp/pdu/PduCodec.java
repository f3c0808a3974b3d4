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
            case CommandId.DATA_SM -> dataSm(commandId, seq, b);
            case CommandId.RESPONSE | CommandId.DATA_SM -> new Pdu.DataSmResp(seq, status,
                    b.isReadable() ? cString(b, MESSAGE_ID, commandId, seq, CommandStatus.ESME_RINVPARLEN) : "",
                    tlvs(b, commandId, seq));
            case CommandId.QUERY_SM -> new Pdu.QuerySm(seq, cString(b, MESSAGE_ID, commandId, seq, CommandStatus.ESME_RINVMSGID),
                    address(b, commandId, seq, CommandStatus.ESME_RINVSRCADR));
            case CommandId.RESPONSE | CommandId.QUERY_SM -> querySmResp(commandId, status, seq, b);
            case CommandId.CANCEL_SM -> new Pdu.CancelSm(seq,
                    cString(b, SERVICE_TYPE, commandId, seq, CommandStatus.ESME_RINVSERTYP),
                    cString(b, MESSAGE_ID, commandId, seq, CommandStatus.ESME_RINVMSGID),
                    address(b, commandId, seq, CommandStatus.ESME_RINVSRCADR),
                    address(b, commandId, seq, CommandStatus.ESME_RINVDSTADR));
            case CommandId.RESPONSE | CommandId.CANCEL_SM -> new Pdu.CancelSmResp(seq, status);
            case CommandId.REPLACE_SM -> replaceSm(commandId, seq, b);
            case CommandId.RESPONSE | CommandId.REPLACE_SM -> new Pdu.ReplaceSmResp(seq, status);
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

    /** §4.7.1: data_sm's fields, then its optional parameters. */
    private static Pdu.DataSm dataSm(int commandId, int seq, ByteBuf b) {
        String serviceType = cString(b, SERVICE_TYPE, commandId, seq, CommandStatus.ESME_RINVSERTYP);
        SmppAddress source = address(b, commandId, seq, CommandStatus.ESME_RINVSRCADR);
        SmppAddress destination = address(b, commandId, seq, CommandStatus.ESME_RINVDSTADR);
        byte esmClass = b.readByte();
        byte registered = b.readByte();
        byte dataCoding = b.readByte();
        return new Pdu.DataSm(seq, serviceType, source, destination, esmClass, registered, dataCoding,
                tlvs(b, commandId, seq));
    }

    /** §4.8.2; an error response may come without a body. */
    private static Pdu.QuerySmResp querySmResp(int commandId, int status, int seq, ByteBuf b) {
        if (!b.isReadable()) {
            return new Pdu.QuerySmResp(seq, status, "", "", (byte) 0, (byte) 0);
        }
        String messageId = cString(b, MESSAGE_ID, commandId, seq, CommandStatus.ESME_RINVMSGID);
        String finalDate = cString(b, TIME, commandId, seq, CommandStatus.ESME_RINVPARLEN);
        byte state = b.readByte();
        byte error = b.readByte();
        return new Pdu.QuerySmResp(seq, status, messageId, finalDate, state, error);
    }

    /** §4.10.1: replace_sm has no optional parameters in SMPP 3.4. */
    private static Pdu.ReplaceSm replaceSm(int commandId, int seq, ByteBuf b) {
        String messageId = cString(b, MESSAGE_ID, commandId, seq, CommandStatus.ESME_RINVMSGID);
        SmppAddress source = address(b, commandId, seq, CommandStatus.ESME_RINVSRCADR);
        String schedule = cString(b, TIME, commandId, seq, CommandStatus.ESME_RINVSCHED);
        String validity = cString(b, TIME, commandId, seq, CommandStatus.ESME_RINVEXPIRY);
        byte registered = b.readByte();
        byte defaultMsgId = b.readByte();
        return new Pdu.ReplaceSm(seq, messageId, source, schedule, validity, registered, defaultMsgId,
                shortMessage(b, commandId, seq));
    }

    /** §4.4.1 field order, shared by submit_sm and deliver_sm. */
    private static <P extends Pdu.MessagePdu> MessageBuilder<P> messageFields(MessageBuilder<P> f, int commandId, int seq,
                                                                            ByteBuf b) {
        f.sequenceNumber(seq).serviceType(cString(b, SERVICE_TYPE, commandId, seq, CommandStatus.ESME_RINVSERTYP));
        f.source(address(b, commandId, seq, CommandStatus.ESME_RINVSRCADR));
        f.destination(address(b, commandId, seq, CommandStatus.ESME_RINVDSTADR));
        f.esmClass(b.readByte()).protocolId(b.readByte()).priorityFlag(b.readByte())
                .scheduleDeliveryTime(cString(b, TIME, commandId, seq, CommandStatus.ESME_RINVSCHED))
                .validityPeriod(cString(b, TIME, commandId, seq, CommandStatus.ESME_RINVEXPIRY))
                .registeredDelivery(b.readByte()).replaceIfPresent(b.readByte()).dataCoding(b.readByte())
                .smDefaultMsgId(b.readByte());
        return f.shortMessage(shortMessage(b, commandId, seq)).tlvs(tlvs(b, commandId, seq));
    }

    /** sm_length and short_message (§5.2.21, §5.2.22). */
    private static byte[] shortMessage(ByteBuf b, int commandId, int seq) {
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
        return shortMessage;
    }

    /** addr_ton, addr_npi and the address (§5.2.5–5.2.8); a bad address is answered {@code status}. */
    private static SmppAddress address(ByteBuf b, int commandId, int seq, int status) {
        byte ton = b.readByte();
        byte npi = b.readByte();
        return new SmppAddress(ton, npi, cString(b, ADDRESS, commandId, seq, status));
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
        } else if (pdu instanceof Pdu.DataSm data) {
            cString(out, data.serviceType());
            address(data.source(), out);
            address(data.destination(), out);
            out.writeByte(data.esmClass()).writeByte(data.registeredDelivery()).writeByte(data.dataCoding());
            tlvs(data.tlvs(), out);
        } else if (pdu instanceof Pdu.MessagePdu m) {
            messageFields(m, out);
        } else if (pdu instanceof Pdu.SubmitSmResp resp) {
            messageId(resp.commandStatus(), resp.messageId(), out);
        } else if (pdu instanceof Pdu.DataSmResp resp) {
            messageId(resp.commandStatus(), resp.messageId(), out);
            tlvs(resp.tlvs(), out);
        } else if (pdu instanceof Pdu.QuerySm query) {
            cString(out, query.messageId());
            address(query.source(), out);
        } else if (pdu instanceof Pdu.QuerySmResp resp) {
            // The whole body also on an error: Cloudhopper reads all four fields of any query_sm_resp it is sent.
            boolean ok = resp.commandStatus() == CommandStatus.ESME_ROK;
            cString(out, ok ? resp.messageId() : "");
            cString(out, ok ? resp.finalDate() : "");
            out.writeByte(ok ? resp.messageState() : 0).writeByte(ok ? resp.errorCode() : 0);
        } else if (pdu instanceof Pdu.CancelSm cancel) {
            cString(out, cancel.serviceType());
            cString(out, cancel.messageId());
            address(cancel.source(), out);
            address(cancel.destination(), out);
        } else if (pdu instanceof Pdu.ReplaceSm replace) {
            cString(out, replace.messageId());
            address(replace.source(), out);
            cString(out, replace.scheduleDeliveryTime());
            cString(out, replace.validityPeriod());
            out.writeByte(replace.registeredDelivery()).writeByte(replace.smDefaultMsgId());
            byte[] sm = replace.shortMessage();
            out.writeByte(sm.length).writeBytes(sm);
        } else if (pdu instanceof Pdu.DeliverSmResp) {
            out.writeByte(0); // §4.6.2: message_id is unused and set to NULL
        }
        // enquire_link, unbind, their responses, cancel_sm_resp, replace_sm_resp and generic_nack have no body
        // (§4.11, §4.2, §4.9.2, §4.10.2, §4.3).
        out.setInt(start, out.writerIndex() - start);
    }

    /**
     * The message_id of a submit_sm_resp or data_sm_resp (§4.4.2, §4.7.2); an error response carries it empty, as one
     * NUL octet. §4.4.2 notes the body "is not returned" on an error, but its table shows message_id and most SMSCs
     * send the NUL: clients that read message_id whatever the status (Kannel: "message_id has no NULL") then parse
     * it, and those that skip the body on an error (jSMPP, Cloudhopper) ignore it.
     */
    private static void messageId(int status, String messageId, ByteBuf out) {
        cString(out, status == CommandStatus.ESME_ROK ? messageId : "");
    }

    private static void messageFields(Pdu.MessagePdu m, ByteBuf out) {
        cString(out, m.serviceType());
        address(m.source(), out);
        address(m.destination(), out);
        out.writeByte(m.esmClass()).writeByte(m.protocolId()).writeByte(m.priorityFlag());
        cString(out, m.scheduleDeliveryTime());
        cString(out, m.validityPeriod());
        out.writeByte(m.registeredDelivery()).writeByte(m.replaceIfPresent()).writeByte(m.dataCoding())
                .writeByte(m.smDefaultMsgId());
        // The record holds at most 254 octets (Pdu.MessagePdu.checked): sm_length is one octet (§5.2.21).
        byte[] sm = m.shortMessage();
        out.writeByte(sm.length).writeBytes(sm);
        tlvs(m.tlvs(), out);
    }

    private static void address(SmppAddress address, ByteBuf out) {
        out.writeByte(address.ton()).writeByte(address.npi());
        cString(out, address.value());
    }

    private static void tlvs(List<Tlv> tlvs, ByteBuf out) {
        for (Tlv tlv : tlvs) {
            out.writeShort(tlv.tag()).writeShort(tlv.length()).writeBytes(tlv.value());
        }
    }

    private static void cString(ByteBuf out, String value) {
        out.writeCharSequence(value, StandardCharsets.ISO_8859_1);
        out.writeByte(0);
    }
}
