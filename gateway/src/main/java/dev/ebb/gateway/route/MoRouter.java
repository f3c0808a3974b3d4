package dev.ebb.gateway.route;

import dev.ebb.gateway.core.DeliverSmListener;
import dev.ebb.gateway.core.InboundDeliverSm;
import dev.ebb.gateway.core.MessageIdGenerator;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.metadata.TrafficRecord;
import dev.ebb.model.InvalidAddressException;
import dev.ebb.model.Msisdn;
import dev.ebb.model.Numbering;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes mobile-originated messages (a handset writing to one of a customer's numbers) from the SMSC to that
 * customer's SMPP receivers. Ebb keeps none of their content: the SMSC's deliver_sm is answered only once the
 * customer has answered Ebb's, and with a temporary error (ESME_RX_T_APPN) when the customer has no receiver bound or
 * does not take it, so the SMSC, which stores messages for a living, retries later. A taken message leaves one
 * MO_RECEIVED traffic record.
 *
 * <p>Unlike receipts, this waits (for the customer's answer, at most {@value #WAIT_LIMIT_MS} ms, at most
 * {@value #MAX_WAITING} at once) on the connector's receiving thread: that wait is what makes the hand-over lossless
 * without storing content. A customer that answers too late may get a message twice (at-least-once).
 */
public final class MoRouter implements DeliverSmListener, MeterBinder {
    /** SMPP 3.4 §5.1.3 command_status values this router answers with. */
    static final int ESME_RINVSRCADR = 0x0A;
    static final int ESME_RINVDSTADR = 0x0B;
    static final int ESME_RX_T_APPN = 0x64;
    private static final Logger LOG = LoggerFactory.getLogger(MoRouter.class);
    /**
     * Messages that may wait for their customer's answer at once, over all SMSC binds; more are deferred at once.
     * The waits hold the connector's receiving threads, which receipts and submit responses need too.
     */
    static final int MAX_WAITING = DeliverSmListener.MAX_BLOCKED;
    /** How long one waits; a customer that answers later gets the message again when the SMSC retries. */
    private static final long WAIT_LIMIT_MS = 2_000;

    /** The way to a customer's SMPP receivers. */
    public interface CustomerLink {
        /** True when one of the customer's receiver or transceiver binds is up. */
        boolean hasReceiver(String customerId);

        /** Sends the message to one of the customer's receivers; completes with its deliver_sm_resp status. */
        CompletionStage<Integer> deliver(String customerId, InboundDeliverSm mo);
    }

    private final Map<String, String> customerByNumber;
    private final CustomerLink customers;
    private final MetadataStore metadata;
    private final MessageIdGenerator ids;
    private final Clock clock;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong deferred = new AtomicLong();
    private final Semaphore waiting = new Semaphore(MAX_WAITING);

    /** @param customerByNumber the customer each E.164 MO number belongs to */
    public MoRouter(Map<String, String> customerByNumber, CustomerLink customers, MetadataStore metadata,
                    MessageIdGenerator ids, Clock clock) {
        this.customerByNumber = Map.copyOf(customerByNumber);
        this.customers = customers;
        this.metadata = metadata;
        this.ids = ids;
        this.clock = clock;
    }

    @Override
    public int onDeliverSm(InboundDeliverSm mo) {
        Msisdn handset;
        Msisdn number;
        try {
            handset = Msisdn.fromSmpp(mo.source().ton(), mo.source().npi(), mo.source().value(), Numbering.INTERNATIONAL);
        } catch (InvalidAddressException e) {
            refused.incrementAndGet();
            return ESME_RINVSRCADR;
        }
        try {
            number = Msisdn.fromSmpp(mo.destination().ton(), mo.destination().npi(), mo.destination().value(),
                    Numbering.INTERNATIONAL);
        } catch (InvalidAddressException e) {
            refused.incrementAndGet();
            return ESME_RINVDSTADR;
        }
        String customer = customerByNumber.get(number.e164());
        if (customer == null) {
            refused.incrementAndGet();
            LOG.info("mobile-originated message via {} to {} refused: no customer has that number", mo.connector(),
                    number.masked());
            return ESME_RINVDSTADR;
        }
        if (!customers.hasReceiver(customer)) {
            deferred.incrementAndGet();
            return ESME_RX_T_APPN;
        }
        if (!waiting.tryAcquire()) {
            deferred.incrementAndGet();
            return ESME_RX_T_APPN;
        }
        int status;
        try {
            status = customers.deliver(customer, mo).toCompletableFuture().get(WAIT_LIMIT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            status = ESME_RX_T_APPN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = ESME_RX_T_APPN;
        } finally {
            waiting.release();
        }
        if (status != 0) {
            deferred.incrementAndGet();
            LOG.info("mobile-originated message to customer {} not taken (status 0x{}); the SMSC will retry", customer,
                    Integer.toHexString(status));
            return ESME_RX_T_APPN;
        }
        forwarded.incrementAndGet();
        metadata.append(TrafficRecord.builder().eventType(EventType.MO_RECEIVED).eventTime(clock.instant())
                .messageId(ids.next()).customerId(customer).channel(Channel.SMSC)
                .source(SourceAddress.international(handset.e164())).destination(number.e164())
                .dataCoding(mo.dataCoding() & 0xFF).route(mo.connector()).build());
        return 0;
    }

    /** Messages taken by their customer. */
    public long forwardedCount() {
        return forwarded.get();
    }

    /** Messages refused for good (unknown number, unreadable address). */
    public long refusedCount() {
        return refused.get();
    }

    /** Messages the SMSC was asked to retry (no receiver bound, or it did not take them). */
    public long deferredCount() {
        return deferred.get();
    }

    /** What became of mobile-originated messages. */
    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("ebb.mo.forwarded", this, MoRouter::forwardedCount)
                .description("mobile-originated messages taken by their customer").register(registry);
        FunctionCounter.builder("ebb.mo.deferred", this, MoRouter::deferredCount)
                .description("mobile-originated messages the SMSC was asked to retry").register(registry);
        FunctionCounter.builder("ebb.mo.refused", this, MoRouter::refusedCount)
                .description("mobile-originated messages to numbers no customer has").register(registry);
    }
}
