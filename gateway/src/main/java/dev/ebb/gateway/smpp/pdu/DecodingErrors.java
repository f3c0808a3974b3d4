package dev.ebb.gateway.smpp.pdu;

import dev.ebb.gateway.core.BindType;

/** The answer to a frame whose body could not be decoded. */
public final class DecodingErrors {
    private DecodingErrors() {
    }

    /**
     * The request's own response carrying the decoding status, as SMPP 3.4 §5.1.3 expects for a known command
     * with a bad field; generic_nack (§4.3) for an unknown command_id or a response that was itself malformed.
     */
    public static Pdu.Response responseTo(PduDecodingException e) {
        int seq = e.sequenceNumber();
        int status = e.commandStatus();
        return switch (e.commandId()) {
            case CommandId.BIND_TRANSMITTER -> new Pdu.BindResp(BindType.TRANSMITTER, seq, status, "", (byte) 0);
            case CommandId.BIND_RECEIVER -> new Pdu.BindResp(BindType.RECEIVER, seq, status, "", (byte) 0);
            case CommandId.BIND_TRANSCEIVER -> new Pdu.BindResp(BindType.TRANSCEIVER, seq, status, "", (byte) 0);
            case CommandId.SUBMIT_SM -> new Pdu.SubmitSmResp(seq, status, "");
            case CommandId.DELIVER_SM -> new Pdu.DeliverSmResp(seq, status);
            case CommandId.ENQUIRE_LINK -> new Pdu.EnquireLinkResp(seq, status);
            case CommandId.UNBIND -> new Pdu.UnbindResp(seq, status);
            default -> new Pdu.GenericNack(seq, status);
        };
    }
}
