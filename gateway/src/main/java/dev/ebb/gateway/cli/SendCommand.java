package dev.ebb.gateway.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.jsmpp.util.InvalidDeliveryReceiptException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ebb send}: an SMPP client for the tour and for smoke tests. Binds as a customer, submits one
 * message asking for a receipt, and prints the message id and the receipt Ebb forwards for that message (receipts
 * of the customer's earlier messages, which Ebb delivers to any receiver that binds, are acknowledged and skipped).
 */
@Command(name = "send", description = "Send one SMS through a running gateway over SMPP and wait for its receipt.",
        mixinStandardHelpOptions = true)
public final class SendCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1") String host;
    @Option(names = "--port", defaultValue = "2775") int port;
    @Option(names = "--system-id", defaultValue = "demo") String systemId;
    @Option(names = "--password", defaultValue = "demo1234") String password;
    @Option(names = "--from", defaultValue = "Ebb", description = "sender: digits or up to 11 letters") String from;
    @Option(names = "--to", required = true, description = "recipient in E.164, e.g. +4790000001") String to;
    @Option(names = "--text", required = true) String text;
    @Option(names = "--wait", defaultValue = "10", description = "seconds to wait for the receipt") int waitSeconds;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // By receipted message id: a receipt may arrive before submit_sm_resp has been read, and earlier messages'
        // receipts arrive too.
        Map<String, CompletableFuture<String>> receipts = new ConcurrentHashMap<>();
        SMPPSession session = new SMPPSession();
        try {
            session.setMessageReceiverListener(new ReceiptListener(receipts));
            session.connectAndBind(host, port, new BindParameter(BindType.BIND_TRX, systemId, password, "",
                    TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null));
            boolean gsm = StandardCharsets.ISO_8859_1.newEncoder().canEncode(text);
            boolean alpha = !from.matches("\\+?[0-9]+");
            String id = session.submitShortMessage("",
                    alpha ? TypeOfNumber.ALPHANUMERIC : TypeOfNumber.INTERNATIONAL,
                    alpha ? NumberingPlanIndicator.UNKNOWN : NumberingPlanIndicator.ISDN, from.replace("+", ""),
                    TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, to.replace("+", ""), new ESMClass(),
                    (byte) 0, (byte) 0, null, null, new RegisteredDelivery(1), (byte) 0,
                    DataCodings.newInstance(gsm ? (byte) 0x03 : (byte) 0x08), (byte) 0,
                    text.getBytes(gsm ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_16BE)).getMessageId();
            out.println("accepted: message id " + id);
            out.println("receipt:  " + ReceiptListener.awaited(receipts, id).get(waitSeconds, TimeUnit.SECONDS));
            return 0;
        } catch (NegativeResponseException e) {
            err.println("refused: command_status 0x" + Integer.toHexString(e.getCommandStatus()));
            return 1;
        } catch (TimeoutException e) {
            err.println("no receipt within " + waitSeconds + " s");
            return 1;
        } finally {
            session.unbindAndClose();
        }
    }

    /** Receipts by the message id they report; returning normally acknowledges each deliver_sm (ESME_ROK). */
    private record ReceiptListener(Map<String, CompletableFuture<String>> receipts) implements MessageReceiverListener {
        static CompletableFuture<String> awaited(Map<String, CompletableFuture<String>> receipts, String messageId) {
            return receipts.computeIfAbsent(messageId, id -> new CompletableFuture<>());
        }

        @Override
        public void onAcceptDeliverSm(DeliverSm deliverSm) {
            if (deliverSm.isSmscDeliveryReceipt()) {
                String id = receiptedId(deliverSm);
                if (id != null) {
                    awaited(receipts, id).complete(new String(deliverSm.getShortMessage(), StandardCharsets.ISO_8859_1));
                }
            }
        }

        /** The receipted_message_id TLV (SMPP 3.4 §5.3.2.12), else the {@code id:} of the receipt text (Appendix B). */
        private static String receiptedId(DeliverSm deliverSm) {
            if (deliverSm.getOptionalParameter(OptionalParameter.Tag.RECEIPTED_MESSAGE_ID)
                    instanceof OptionalParameter.OctetString tlv) {
                return tlv.getValueAsString();
            }
            try {
                return deliverSm.getShortMessageAsDeliveryReceipt().getId();
            } catch (InvalidDeliveryReceiptException e) {
                return null;
            }
        }

        @Override
        public void onAcceptAlertNotification(AlertNotification alertNotification) {
            // Not sent by Ebb.
        }

        @Override
        public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
            throw new ProcessRequestException("data_sm not expected", 0x03);
        }
    }
}
