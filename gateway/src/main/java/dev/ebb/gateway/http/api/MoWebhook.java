package dev.ebb.gateway.http.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.core.DataCoding;
import dev.ebb.gateway.core.DeliverSmListener;
import dev.ebb.gateway.core.InboundDeliverSm;
import dev.ebb.gateway.core.InvalidContentException;
import dev.ebb.gateway.core.UnsupportedDataCodingException;
import dev.ebb.gateway.http.Responses;
import dev.ebb.gateway.route.MoRouter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.SslContext;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * Posts mobile-originated messages to the customer's {@code moUrl} as JSON, for customers that do not bind over SMPP;
 * the others' go to their SMPP receivers as before. Like the SMPP hand-over it stores nothing: the post carries the
 * text once, and the SMSC's deliver_sm is answered 0 only after the endpoint answered 2xx. A post that fails is tried
 * again with the receipts' back-off (1 s, then doubling) while {@link MoRouter} waits ({@value MoRouter#WAIT_LIMIT_MS}
 * ms); past that the SMSC gets ESME_RX_T_APPN and, as it keeps the message, sends it again later. Delivery is
 * therefore at least once: an endpoint that answers after the wait gets the message again, with another id.
 *
 * <p>Why no outbox: an outbox would have to hold the text, sealed, for as long as the customer's endpoint stays away
 * (up to the 72 h content limit), where the SMSC holds it anyway; answering only after the 2xx keeps the text out of
 * Ebb's storage altogether (DESIGN.md invariant 1) and loses nothing across a crash.
 */
public final class MoWebhook implements MoRouter.CustomerLink, MeterBinder, AutoCloseable {
    /** SMPP 3.4 §5.1.3 0x64 ESME_RX_T_APPN: a temporary error, the SMSC keeps the message and retries. */
    private static final int ESME_RX_T_APPN = 0x64;
    /** 3GPP TS 23.040 §9.2.3.1: TP-UDHI, the short message starts with a user data header. */
    private static final int ESM_UDHI = 0x40;
    private static final HexFormat HEX = HexFormat.of();

    private final Map<String, WebhookEndpoint<Waiting>> endpoints;
    private final MoRouter.CustomerLink smpp;
    private final Clock clock;
    private final ObjectMapper json = Responses.mapper();
    private final Map<WebhookEndpoint.Outcome, LongAdder> posts = new EnumMap<>(WebhookEndpoint.Outcome.class);

    /** A message posted: the answer MoRouter waits for, and when its wait ends. */
    private record Waiting(CompletableFuture<Integer> answer, Instant until) {
    }

    /**
     * @param customers those with a {@code moUrl} get their messages posted there
     * @param smpp      the way to the other customers' receivers
     * @param group     the event loops the endpoints' connections run on
     */
    public MoWebhook(Iterable<CustomerConfig> customers, MoRouter.CustomerLink smpp, EventLoopGroup group, Clock clock) {
        this.smpp = smpp;
        this.clock = clock;
        for (WebhookEndpoint.Outcome o : WebhookEndpoint.Outcome.values()) {
            posts.put(o, new LongAdder());
        }
        WebhookEndpoint.Outcomes<Waiting> outcomes = new WebhookEndpoint.Outcomes<>() {
            @Override
            public void posted(String customer, WebhookEndpoint.Outcome outcome, long nanos) {
                posts.get(outcome).increment();
            }

            @Override
            public void delivered(WebhookEndpoint.Pending<Waiting> mo) {
                mo.item().answer().complete(0);
            }

            @Override
            public void givenUp(WebhookEndpoint.Pending<Waiting> mo) {
                mo.item().answer().complete(ESME_RX_T_APPN);
            }

            @Override
            public void setAside(WebhookEndpoint.Pending<Waiting> mo) {
                mo.item().answer().complete(ESME_RX_T_APPN);
            }

            @Override
            public Instant giveUpAt(WebhookEndpoint.Pending<Waiting> mo) {
                return mo.item().until();
            }
        };
        Map<String, WebhookEndpoint<Waiting>> byCustomer = new HashMap<>();
        SslContext tls = null;
        for (CustomerConfig c : customers) {
            if (c.moUrl() == null) {
                continue;
            }
            if (tls == null && "https".equals(c.moUrl().getScheme())) {
                tls = WebhookReceiptSender.jdkTrust();
            }
            // At most DeliverSmListener.MAX_BLOCKED messages wait at once, over all customers: one connection each is enough.
            byCustomer.put(c.id(), new WebhookEndpoint<>(new WebhookEndpoint.Target(c.id(), "MO message",
                    c.moUrl(), HttpMethod.POST, c.moSecret(), 1, DeliverSmListener.MAX_BLOCKED, DeliverSmListener.MAX_BLOCKED,
                    c.receiptTimeout(), c.allowPrivateCallbacks(), "the SMSC was asked to send them again",
                    "the SMSC was asked to send them again"), tls, group.next(), clock, outcomes));
        }
        this.endpoints = Map.copyOf(byCustomer);
    }

    @Override
    public boolean hasReceiver(String customerId) {
        return endpoints.containsKey(customerId) || smpp.hasReceiver(customerId);
    }

    @Override
    public CompletionStage<Integer> deliver(String customerId, MoRouter.Addressed mo) {
        WebhookEndpoint<Waiting> endpoint = endpoints.get(customerId);
        if (endpoint == null) {
            return smpp.deliver(customerId, mo);
        }
        Instant now = clock.instant();
        Waiting waiting = new Waiting(new CompletableFuture<>(), now.plusMillis(MoRouter.WAIT_LIMIT_MS));
        endpoint.forward(new WebhookEndpoint.Pending<>(waiting, mo.messageId(), body(mo, now)));
        return waiting.answer();
    }

    /** The posted message: its text is the point of it, and this is the only place it goes. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Body(String id, String from, String to, String text, String coding, int dataCoding, String udh,
                Instant receivedAt) {
        @Override
        public String toString() {
            return "Body[" + id + "]";
        }
    }

    private byte[] body(MoRouter.Addressed mo, Instant receivedAt) {
        InboundDeliverSm sm = mo.deliverSm();
        byte[] octets = sm.shortMessage();
        String udh = null;
        if ((sm.esmClass() & ESM_UDHI) != 0 && octets.length > 0 && (octets[0] & 0xFF) < octets.length) {
            int headerLength = 1 + (octets[0] & 0xFF);
            udh = HEX.formatHex(octets, 0, headerLength);
            octets = Arrays.copyOfRange(octets, headerLength, octets.length);
        }
        DataCoding coding;
        String text;
        try {
            coding = DataCoding.of(sm.dataCoding() & 0xFF);
            text = coding.decode(octets);
        } catch (UnsupportedDataCodingException | InvalidContentException e) {
            // Octets Ebb cannot read as text go as they came, in hex, like binary ones.
            coding = DataCoding.BINARY;
            text = HEX.formatHex(octets);
        }
        try {
            return json.writeValueAsBytes(new Body(mo.messageId(), mo.handset(), mo.number(), text, coding.name(),
                    sm.dataCoding() & 0xFF, udh, receivedAt));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("MO message cannot be serialised", e);
        }
    }

    /** Posts to customers' moUrl by outcome. */
    @Override
    public void bindTo(MeterRegistry registry) {
        posts.forEach((outcome, count) -> FunctionCounter.builder("ebb.mo.webhook.posts", count, LongAdder::sum)
                .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .description("POSTs to customers' moUrl by outcome: delivered (2xx), rejected (another status),"
                        + " timeout, connection (refused, reset, closed, TLS, or an address the callback guard"
                        + " refuses)").register(registry));
    }

    /** Closes the endpoints' connections; the event loops belong to the caller. */
    @Override
    public void close() {
        endpoints.values().forEach(WebhookEndpoint::close);
    }
}
