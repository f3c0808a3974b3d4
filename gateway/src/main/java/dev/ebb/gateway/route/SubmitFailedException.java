package dev.ebb.gateway.route;

/**
 * The message cannot be submitted, and retrying will not change that: the SMSC refused it, or Ebb could not build
 * its submit_sm (content unreadable, a field the library cannot encode).
 */
public final class SubmitFailedException extends RuntimeException {
    private final int commandStatus;

    /** The SMSC refused the submit with {@code commandStatus}. */
    public SubmitFailedException(String connector, int commandStatus) {
        this(connector, commandStatus, "submit_sm refused");
    }

    /** @param commandStatus the SMPP 3.4 §5.1.3 status that says why, recorded and reported to the customer */
    public SubmitFailedException(String connector, int commandStatus, String reason) {
        super("connector " + connector + ": " + reason + " (command_status 0x" + Integer.toHexString(commandStatus) + ")");
        this.commandStatus = commandStatus;
    }

    public int commandStatus() {
        return commandStatus;
    }
}
