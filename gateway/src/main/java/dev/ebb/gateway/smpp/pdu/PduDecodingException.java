package dev.ebb.gateway.smpp.pdu;


/**
 * A whole frame was read but its body is invalid: the session answers with {@link #commandStatus()} and
 * goes on, because framing is intact (the frame has been consumed).
 */
public final class PduDecodingException extends RuntimeException {
    private final int commandId;
    private final int sequenceNumber;
    private final int commandStatus;

    public PduDecodingException(int commandId, int sequenceNumber, int commandStatus, String message) {
        super(CommandId.name(commandId) + " seq " + sequenceNumber + ": " + message + " (" + CommandStatus.name(commandStatus) + ")",
                null, false, false);
        this.commandId = commandId;
        this.sequenceNumber = sequenceNumber;
        this.commandStatus = commandStatus;
    }

    public int commandId() {
        return commandId;
    }

    public int sequenceNumber() {
        return sequenceNumber;
    }

    public int commandStatus() {
        return commandStatus;
    }
}
