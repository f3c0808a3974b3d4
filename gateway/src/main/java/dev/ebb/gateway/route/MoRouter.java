package dev.ebb.gateway.route;

import dev.ebb.gateway.core.DeliverSmListener;
import dev.ebb.gateway.core.InboundDeliverSm;
import dev.ebb.gateway.core.LogLimiter;
import dev.ebb.gateway.core.MessageIdGenerator;
import dev.ebb.gateway.core.Originators;
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
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes mobile-originated messages (a handset writing to one of a customer's numbers) from the SMSC to that
 * customer's SMPP receivers or its {@code moUrl}. Ebb keeps none of their content: the SMSC's deliver_sm is answered only once the
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
    public static final long WAIT_LIMIT_MS = 2_000;
    private static final Duration REFUSAL_LOG_INTERVAL = Duration.ofSeconds(10);

    /** The way to a customer: its SMPP receivers, or its {@code moUrl}. */
    public interface CustomerLink {
        /** True when the customer can be handed a message now (a receiver or transceiver bind is up, or a moUrl). */
        boolean hasReceiver(String customerId);

        /** Sends the message to the customer; completes with 0 once the customer took it, else non-zero. */
        CompletionStage<Integer> deliver(String customerId, Addressed mo);
    }

    /**
     * A message from a handset as the router read it.
     *
     * @param messageId the id of its MO_RECEIVED record, once taken
     * @param handset   the sender, E.164
     * @param number    the customer's number it was sent to, as {@code moNumbers} names it (E.164 or a short code)
     */
    public record Addressed(String messageId, String handset, String number, InboundDeliverSm deliverSm) {
        @Override
        public String toString() {
            return "Addressed[" + messageId + "]";
        }
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
    private final Map<Refusal, LogLimiter> refusalLogs = new EnumMap<>(Refusal.class);

    /**
     * @param customerByNumber the customer each MO number (E.164 or short code) belongs to
     * @param scheduler        reports the refusals counted after a log line at the end of its interval
     */
    public MoRouter(Map<String, String> customerByNumber, CustomerLink customers, MetadataStore metadata,
                    MessageIdGenerator ids, Clock clock, ScheduledExecutorService scheduler) {
        for (Refusal r : Refusal.values()) {
            // One line per reason and interval: an SMSC retrying a refused message must not flood the log. The
            // detail names a rule or a masked number, never the text (DESIGN.md invariant 1).
            refusalLogs.put(r, new LogLimiter(clock, REFUSAL_LOG_INTERVAL, scheduler, (events, last) -> LOG.info(
                    "{} mobile-originated message(s) refused (0x{}): {}; the last {}", events,
                    Integer.toHexString(r.status), r.why, last)));
        }
        this.customerByNumber = Map.copyOf(customerByNumber);
        this.customers = customers;
        this.metadata = metadata;
        this.ids = ids;
        this.clock = clock;
    }

    @Override
    public int onDeliverSm(InboundDeliverSm mo) {
        Msisdn handset;
        try {
            handset = Msisdn.fromSmpp(mo.source().ton(), mo.source().npi(), mo.source().value(), Numbering.INTERNATIONAL);
        } catch (InvalidAddressException e) {
            // SMPP 3.4 §4.6.1 deliver_sm source_addr, §5.1.3 0x0A ESME_RINVSRCADR: no handset number to record.
            return refuse(Refusal.SOURCE, mo, e.rule().label() + " " + Msisdn.mask(mo.source().value()));
        }
        String value = mo.destination().value();
        String number;
        if (Originators.isShortCode(value)) {
            // A short code is one whatever TON the SMSC gives it (§5.2.5: 0, 3 or 6 are all seen).
            number = value;
        } else {
            try {
                // The SMSC's own numbers come as E.164 at TON 0, 1 or 2, with or without '+' (§5.2.5).
                number = Msisdn.fromSmpp(mo.destination().ton(), mo.destination().npi(), value,
                        Numbering.INTERNATIONAL).e164();
            } catch (InvalidAddressException e) {
                return refuse(Refusal.DESTINATION, mo, e.rule().label() + " " + Msisdn.mask(value));
            }
        }
        String customer = customerByNumber.get(number);
        if (customer == null) {
            // §5.1.3 0x0B ESME_RINVDSTADR: a number no customer has; the SMSC will not retry it.
            return refuse(Refusal.UNKNOWN_NUMBER, mo, Msisdn.mask(number));
        }
        if (!customers.hasReceiver(customer)) {
            deferred.incrementAndGet();
            return ESME_RX_T_APPN;
        }
        if (!waiting.tryAcquire()) {
            deferred.incrementAndGet();
            return ESME_RX_T_APPN;
        }
        String messageId = ids.next();
        int status;
        try {
            status = customers.deliver(customer, new Addressed(messageId, handset.e164(), number, mo)).toCompletableFuture().get(WAIT_LIMIT_MS, TimeUnit.MILLISECONDS);
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
                .messageId(messageId).customerId(customer).channel(Channel.SMSC)
                .source(SourceAddress.of(handset)).destination(number)
                .dataCoding(mo.dataCoding() & 0xFF).route(mo.connector()).build());
        return 0;
    }

    /** Why an MO was refused for good: the key of its rate-limited log line. */
    private enum Refusal {
        SOURCE(ESME_RINVSRCADR, "its source is no handset number"),
        DESTINATION(ESME_RINVDSTADR, "its destination is no number"),
        UNKNOWN_NUMBER(ESME_RINVDSTADR, "no customer has its destination");

        private final int status;
        private final String why;

        Refusal(int status, String why) {
            this.status = status;
            this.why = why;
        }
    }

    /** @return the deliver_sm_resp status of the refusal */
    private int refuse(Refusal refusal, InboundDeliverSm mo, String detail) {
        refused.incrementAndGet();
        refusalLogs.get(refusal).count("via " + mo.connector() + ", " + detail);
        return refusal.status;
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
