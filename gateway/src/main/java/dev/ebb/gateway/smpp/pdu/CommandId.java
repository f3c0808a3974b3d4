package dev.ebb.gateway.smpp.pdu;

/** command_id values (SMPP 3.4 §5.1.2.1); a response is its request's id with bit 31 set. */
public final class CommandId {
    public static final int GENERIC_NACK = 0x80000000;
    public static final int BIND_RECEIVER = 0x00000001;
    public static final int BIND_TRANSMITTER = 0x00000002;
    public static final int QUERY_SM = 0x00000003;
    public static final int SUBMIT_SM = 0x00000004;
    public static final int DELIVER_SM = 0x00000005;
    public static final int UNBIND = 0x00000006;
    public static final int REPLACE_SM = 0x00000007;
    public static final int CANCEL_SM = 0x00000008;
    public static final int BIND_TRANSCEIVER = 0x00000009;
    public static final int ENQUIRE_LINK = 0x00000015;
    public static final int ALERT_NOTIFICATION = 0x00000102;
    public static final int DATA_SM = 0x00000103;
    public static final int RESPONSE = 0x80000000;

    private CommandId() {
    }

    public static boolean isResponse(int commandId) {
        return (commandId & RESPONSE) != 0;
    }

    public static String name(int commandId) {
        String base = switch (commandId & ~RESPONSE) {
            case 0 -> "generic_nack";
            case BIND_RECEIVER -> "bind_receiver";
            case BIND_TRANSMITTER -> "bind_transmitter";
            case QUERY_SM -> "query_sm";
            case SUBMIT_SM -> "submit_sm";
            case DELIVER_SM -> "deliver_sm";
            case UNBIND -> "unbind";
            case REPLACE_SM -> "replace_sm";
            case CANCEL_SM -> "cancel_sm";
            case BIND_TRANSCEIVER -> "bind_transceiver";
            case 0x0B -> "outbind";
            case ENQUIRE_LINK -> "enquire_link";
            case 0x21 -> "submit_multi";
            case ALERT_NOTIFICATION -> "alert_notification";
            case DATA_SM -> "data_sm";
            default -> String.format("0x%08x", commandId & ~RESPONSE);
        };
        return isResponse(commandId) && commandId != GENERIC_NACK ? base + "_resp" : base;
    }
}
