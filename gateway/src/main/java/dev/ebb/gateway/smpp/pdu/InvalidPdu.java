package dev.ebb.gateway.smpp.pdu;

import dev.ebb.gateway.core.BindType;
import java.util.List;

/**
 * A whole frame whose body could not be decoded, as the decoder passes it on (Netty's {@code DecoderResult} style):
 * framing is intact, so the session answers it with {@link #response()} and goes on. The server's sessions and the
 * simulator's answer it alike, here.
 *
 * @param commandId      the frame's command_id
 * @param sequenceNumber the frame's sequence_number, which the answer carries
 * @param commandStatus  the SMPP 3.4 §5.1.3 status the decoding failure maps to
 * @param reason         what was wrong, for logs: names fields and lengths, never their bytes
 */
public record InvalidPdu(int commandId, int sequenceNumber, int commandStatus, String reason) {
    public InvalidPdu {
        if (commandStatus == CommandStatus.ESME_ROK) {
            throw new IllegalArgumentException("an invalid PDU is answered with an error status");
        }
        reason = reason == null ? "" : reason;
    }

    /** The value of the codec's failure. */
    public static InvalidPdu of(PduDecodingException e) {
        return new InvalidPdu(e.commandId(), e.sequenceNumber(), e.commandStatus(), e.getMessage());
    }

    /**
     * The request's own response carrying the status, as SMPP 3.4 §5.1.3 expects for a bind, submit_sm, deliver_sm,
     * data_sm, query_sm, cancel_sm or replace_sm with a bad field; generic_nack (§4.3.1) for everything else: an
     * unknown command_id, a command_length that does not fit the command (enquire_link or unbind with a body), or a
     * response that was itself malformed.
     */
    public Pdu.Response response() {
        return switch (commandId) {
            case CommandId.BIND_TRANSMITTER -> new Pdu.BindResp(BindType.TRANSMITTER, sequenceNumber, commandStatus, "", (byte) 0);
            case CommandId.BIND_RECEIVER -> new Pdu.BindResp(BindType.RECEIVER, sequenceNumber, commandStatus, "", (byte) 0);
            case CommandId.BIND_TRANSCEIVER -> new Pdu.BindResp(BindType.TRANSCEIVER, sequenceNumber, commandStatus, "", (byte) 0);
            case CommandId.SUBMIT_SM -> new Pdu.SubmitSmResp(sequenceNumber, commandStatus, "");
            case CommandId.DELIVER_SM -> new Pdu.DeliverSmResp(sequenceNumber, commandStatus);
            case CommandId.DATA_SM -> new Pdu.DataSmResp(sequenceNumber, commandStatus, "", List.of());
            case CommandId.QUERY_SM -> new Pdu.QuerySmResp(sequenceNumber, commandStatus, "", "", (byte) 0, (byte) 0);
            case CommandId.CANCEL_SM -> new Pdu.CancelSmResp(sequenceNumber, commandStatus);
            case CommandId.REPLACE_SM -> new Pdu.ReplaceSmResp(sequenceNumber, commandStatus);
            default -> new Pdu.GenericNack(sequenceNumber, commandStatus);
        };
    }

    @Override
    public String toString() {
        return reason;
    }
}
