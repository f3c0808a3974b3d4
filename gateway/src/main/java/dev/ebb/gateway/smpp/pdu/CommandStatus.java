package dev.ebb.gateway.smpp.pdu;

/** command_status values Ebb sends (SMPP 3.4 §5.1.3). */
public final class CommandStatus {
    public static final int ESME_ROK = 0x00000000;
    public static final int ESME_RINVMSGLEN = 0x00000001;
    public static final int ESME_RINVCMDLEN = 0x00000002;
    public static final int ESME_RINVCMDID = 0x00000003;
    public static final int ESME_RINVBNDSTS = 0x00000004;
    public static final int ESME_RALYBND = 0x00000005;
    public static final int ESME_RINVREGDLVFLG = 0x00000007;
    public static final int ESME_RSYSERR = 0x00000008;
    public static final int ESME_RINVSRCADR = 0x0000000A;
    public static final int ESME_RINVDSTADR = 0x0000000B;
    public static final int ESME_RINVMSGID = 0x0000000C;
    public static final int ESME_RBINDFAIL = 0x0000000D;
    public static final int ESME_RINVPASWD = 0x0000000E;
    public static final int ESME_RINVSYSID = 0x0000000F;
    public static final int ESME_RCANCELFAIL = 0x00000011;
    public static final int ESME_RREPLACEFAIL = 0x00000013;
    public static final int ESME_RMSGQFUL = 0x00000014;
    public static final int ESME_RINVSERTYP = 0x00000015;
    public static final int ESME_RINVESMCLASS = 0x00000043;
    public static final int ESME_RSUBMITFAIL = 0x00000045;
    public static final int ESME_RINVSYSTYP = 0x00000053;
    public static final int ESME_RTHROTTLED = 0x00000058;
    public static final int ESME_RINVSCHED = 0x00000061;
    public static final int ESME_RINVEXPIRY = 0x00000062;
    /** SMPP 3.4 §5.1.3: a temporary application error; the sender (an SMSC's deliver_sm) retries later. */
    public static final int ESME_RX_T_APPN = 0x00000064;
    public static final int ESME_RQUERYFAIL = 0x00000067;
    public static final int ESME_RINVOPTPARSTREAM = 0x000000C0;
    public static final int ESME_RINVPARLEN = 0x000000C2;
    public static final int ESME_RINVOPTPARAMVAL = 0x000000C4;

    private CommandStatus() {
    }

    public static String name(int status) {
        return switch (status) {
            case ESME_ROK -> "ESME_ROK";
            case ESME_RINVMSGLEN -> "ESME_RINVMSGLEN";
            case ESME_RINVCMDLEN -> "ESME_RINVCMDLEN";
            case ESME_RINVCMDID -> "ESME_RINVCMDID";
            case ESME_RINVBNDSTS -> "ESME_RINVBNDSTS";
            case ESME_RALYBND -> "ESME_RALYBND";
            case ESME_RINVREGDLVFLG -> "ESME_RINVREGDLVFLG";
            case ESME_RSYSERR -> "ESME_RSYSERR";
            case ESME_RINVSRCADR -> "ESME_RINVSRCADR";
            case ESME_RINVDSTADR -> "ESME_RINVDSTADR";
            case ESME_RINVMSGID -> "ESME_RINVMSGID";
            case ESME_RBINDFAIL -> "ESME_RBINDFAIL";
            case ESME_RINVPASWD -> "ESME_RINVPASWD";
            case ESME_RINVSYSID -> "ESME_RINVSYSID";
            case ESME_RCANCELFAIL -> "ESME_RCANCELFAIL";
            case ESME_RREPLACEFAIL -> "ESME_RREPLACEFAIL";
            case ESME_RMSGQFUL -> "ESME_RMSGQFUL";
            case ESME_RINVSERTYP -> "ESME_RINVSERTYP";
            case ESME_RINVESMCLASS -> "ESME_RINVESMCLASS";
            case ESME_RSUBMITFAIL -> "ESME_RSUBMITFAIL";
            case ESME_RINVSYSTYP -> "ESME_RINVSYSTYP";
            case ESME_RTHROTTLED -> "ESME_RTHROTTLED";
            case ESME_RX_T_APPN -> "ESME_RX_T_APPN";
            case ESME_RINVSCHED -> "ESME_RINVSCHED";
            case ESME_RINVEXPIRY -> "ESME_RINVEXPIRY";
            case ESME_RQUERYFAIL -> "ESME_RQUERYFAIL";
            case ESME_RINVOPTPARSTREAM -> "ESME_RINVOPTPARSTREAM";
            case ESME_RINVPARLEN -> "ESME_RINVPARLEN";
            case ESME_RINVOPTPARAMVAL -> "ESME_RINVOPTPARAMVAL";
            default -> String.format("0x%08x", status);
        };
    }
}
