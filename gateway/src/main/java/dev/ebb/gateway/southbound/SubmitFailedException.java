package dev.ebb.gateway.southbound;

/** The SMSC refused a submit with a command_status that retrying will not change. */
public final class SubmitFailedException extends RuntimeException {
    private final int commandStatus;

    public SubmitFailedException(String connector, int commandStatus) {
        super("connector " + connector + ": submit_sm refused with command_status 0x" + Integer.toHexString(commandStatus));
        this.commandStatus = commandStatus;
    }

    public int commandStatus() {
        return commandStatus;
    }
}
