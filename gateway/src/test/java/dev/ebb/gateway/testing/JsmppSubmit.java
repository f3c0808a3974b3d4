package dev.ebb.gateway.testing;

import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.SMPPSession;

/**
 * jSMPP's 17-argument {@code submitShortMessage}, written once: a test names only the fields it cares about.
 * Defaults: from the alphanumeric sender "Acme" (TON 5 / NPI 0), to an international number (TON 1 / NPI 1),
 * no receipt, data_coding 0, no TLVs.
 */
public final class JsmppSubmit {
    private final String destination;
    private TypeOfNumber sourceTon = TypeOfNumber.ALPHANUMERIC;
    private NumberingPlanIndicator sourceNpi = NumberingPlanIndicator.UNKNOWN;
    private String source = "Acme";
    private ESMClass esmClass = new ESMClass();
    private byte priorityFlag;
    private int registeredDelivery;
    private byte dataCoding;
    private byte[] shortMessage = new byte[0];
    private OptionalParameter[] tlvs = new OptionalParameter[0];
    private String validityPeriod;

    private JsmppSubmit(String destination) {
        this.destination = destination;
    }

    /** A submit_sm to {@code number}, an E.164 number with or without its {@code +}. */
    public static JsmppSubmit to(String number) {
        return new JsmppSubmit(number.replace("+", ""));
    }

    /** From an international number (TON 1 / NPI 1) instead of the alphanumeric default. */
    public JsmppSubmit fromNumber(String number) {
        sourceTon = TypeOfNumber.INTERNATIONAL;
        sourceNpi = NumberingPlanIndicator.ISDN;
        source = number.replace("+", "");
        return this;
    }

    public JsmppSubmit esmClass(ESMClass esm) {
        esmClass = esm;
        return this;
    }

    public JsmppSubmit priorityFlag(int priority) {
        priorityFlag = (byte) priority;
        return this;
    }

    public JsmppSubmit registeredDelivery(int registered) {
        registeredDelivery = registered;
        return this;
    }

    public JsmppSubmit dataCoding(byte coding) {
        dataCoding = coding;
        return this;
    }

    public JsmppSubmit shortMessage(byte[] bytes) {
        shortMessage = bytes;
        return this;
    }

    /** validity_period as SMPP 3.4 §7.1.1 writes it, absolute or relative ("000000001000000R": ten minutes). */
    public JsmppSubmit validityPeriod(String period) {
        validityPeriod = period;
        return this;
    }

    public JsmppSubmit tlvs(OptionalParameter... parameters) {
        tlvs = parameters;
        return this;
    }

    /** Sends it on {@code session} and returns the message id of the submit_sm_resp. */
    public String submit(SMPPSession session) throws Exception {
        return session.submitShortMessage("", sourceTon, sourceNpi, source, TypeOfNumber.INTERNATIONAL,
                NumberingPlanIndicator.ISDN, destination, esmClass, (byte) 0, priorityFlag, null, validityPeriod,
                new RegisteredDelivery(registeredDelivery), (byte) 0, DataCodings.newInstance(dataCoding), (byte) 0,
                shortMessage, tlvs).getMessageId();
    }
}
