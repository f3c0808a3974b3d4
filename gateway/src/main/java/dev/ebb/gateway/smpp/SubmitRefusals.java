package dev.ebb.gateway.smpp;

import dev.ebb.gateway.core.LogLimiter;
import dev.ebb.gateway.core.SubmitMeters;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.model.AddressRule;
import dev.ebb.model.Msisdn;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells operations why a customer's submit_sm was refused, so that they can tell the customer: one log line per
 * (customer, reason) and {@link #LOG_INTERVAL} with how many there were, naming the bind, the command_status and the
 * rule that failed, the addresses masked and never the text (DESIGN.md invariant 1); and the counter
 * {@code ebb_submits_refused_total{channel="smpp",customer,status,reason}}, every label from a fixed set.
 */
public final class SubmitRefusals {
    static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(SubmitRefusals.class);

    /**
     * Why a submit was refused, other than by its addresses (those are named by their {@link AddressRule}). The
     * session's own refusals (bind state, window, rate) come first; {@code QUEUE_FULL} is the route's queue.
     */
    public enum Reason {
        BIND_STATE, WINDOW_FULL, THROTTLED,
        SERVICE_TYPE, DATA_CODING, REGISTERED_DELIVERY, PARAMETER_TWICE, MESSAGE_LENGTH, CONCATENATION,
        SCHEDULED, VALIDITY, CONTENT_RETENTION, NO_ROUTE, QUEUE_FULL, STORES_FULL, NOT_DURABLE;

        String label() {
            return kebab(name());
        }
    }

    /** The address field a refusal is about: SMPP 3.4 §4.4.1 source_addr or dest_addr. */
    public enum Field {
        SOURCE, DESTINATION;

        String label(AddressRule rule) {
            return kebab(name() + "_" + rule.label());
        }
    }

    /** Metric label values are kebab-case words, as the HTTP API's reasons. */
    private static String kebab(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * One refusal.
     *
     * @param commandStatus the status answered
     * @param reason        a metric label from a fixed set ({@code destination-not-e164}, {@code validity})
     * @param rule          what failed, in words, with any address masked
     */
    public record Refusal(int commandStatus, String reason, String rule) {
        public static Refusal of(int commandStatus, Reason reason, String rule) {
            return new Refusal(commandStatus, reason.label(), rule);
        }

        /** @param rule the exception's message, which masks the address */
        public static Refusal address(int commandStatus, Field field, AddressRule broken, String rule) {
            return new Refusal(commandStatus, field.label(broken), rule);
        }
    }

    private final SubmitMeters meters;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Map<String, LogLimiter> lines = new ConcurrentHashMap<>();

    /**
     * @param meters    the SMPP channel's submit meters, where refusals are counted
     * @param scheduler writes the count of refusals after a line when its interval ends
     */
    public SubmitRefusals(SubmitMeters meters, Clock clock, ScheduledExecutorService scheduler) {
        this.meters = meters;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    /** Counts and logs one refused submit of {@code session}. */
    public void refused(SessionInfo session, Pdu.MessagePdu submit, Refusal refusal) {
        meters.refused(session.customerId(), refusal.commandStatus(), refusal.reason());
        String key = session.customerId() + '\0' + refusal.commandStatus() + '\0' + refusal.reason();
        lines.computeIfAbsent(key, k -> new LogLimiter(clock, LOG_INTERVAL, scheduler, (events, last) -> LOG.info(
                "customer {}: {} submit_sm refused with {} (0x{}) for {}; the last {}", session.customerId(), events,
                CommandStatus.name(refusal.commandStatus()), String.format("%08X", refusal.commandStatus()),
                refusal.reason(), last))).count("on bind " + session.systemId() + " (" + session.bindType() + "): "
                + refusal.rule() + "; source_addr " + Msisdn.mask(submit.source().value()) + ", dest_addr "
                + Msisdn.mask(submit.destination().value()));
    }
}
