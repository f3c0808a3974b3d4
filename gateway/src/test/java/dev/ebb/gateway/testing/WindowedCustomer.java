package dev.ebb.gateway.testing;

import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.Pdu;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An SMPP customer for kill -9 tests: submits with at most {@code window} unanswered, hands every message id a
 * submit_sm_resp 0 names to {@code acked} and every receipt it takes (deliver_sm_resp 0) to {@code receipted}, until
 * the gateway goes away.
 */
public final class WindowedCustomer implements AutoCloseable {
    private final RawSmppClient client;
    private final int size;
    private final Semaphore window;
    private final Consumer<String> acked;
    private final Consumer<String> receipted;
    private final Thread reader;
    private volatile boolean gone;

    public WindowedCustomer(int port, BindType type, String systemId, String password, int window,
                            Consumer<String> acked, Consumer<String> receipted) throws IOException {
        this.client = new RawSmppClient(port).bind(type, systemId, password);
        this.size = window;
        this.window = new Semaphore(window);
        this.acked = acked;
        this.receipted = receipted;
        this.reader = new Thread(this::read, "k9-smpp-reader");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Submits message {@code n} to {@code destination}, asking for a receipt, once the window has room. */
    public void submit(int n, String destination) throws InterruptedException {
        while (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            if (gone) {
                return;
            }
        }
        send(Pdu.SubmitSm.builder().sequenceNumber(n + 2).source(new SmppAddress((byte) 5, (byte) 0, "Acme"))
                .destination(SmppAddress.international(destination)).registeredDelivery(1)
                .shortMessage(("k9 " + n).getBytes(StandardCharsets.US_ASCII)).build());
    }

    /** Whether every submit was answered within {@code timeout}. */
    public boolean drained(Duration timeout) throws InterruptedException {
        if (!window.tryAcquire(size, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        window.release(size);
        return true;
    }

    private void read() {
        while (!gone) {
            Pdu pdu;
            try {
                pdu = client.read();
            } catch (SocketTimeoutException quiet) {
                continue;
            } catch (IOException closed) {
                gone = true;
                return;
            }
            if (pdu instanceof Pdu.SubmitSmResp resp) {
                if (resp.commandStatus() == CommandStatus.ESME_ROK) {
                    acked.accept(resp.messageId());
                }
                window.release();
            } else if (pdu instanceof Pdu.DeliverSm receipt) {
                receipted.accept(RawSmppClient.receiptedMessageId(receipt));
                send(new Pdu.DeliverSmResp(receipt.sequenceNumber(), CommandStatus.ESME_ROK));
            } else if (pdu instanceof Pdu.EnquireLink link) {
                send(new Pdu.EnquireLinkResp(link.sequenceNumber(), CommandStatus.ESME_ROK));
            }
        }
    }

    private synchronized void send(Pdu pdu) {
        try {
            client.send(pdu);
        } catch (IOException closed) {
            gone = true;
        }
    }

    @Override
    public void close() throws Exception {
        gone = true;
        client.close();
        reader.join(10_000);
    }
}
