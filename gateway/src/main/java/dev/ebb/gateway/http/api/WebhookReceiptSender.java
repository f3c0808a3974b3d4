package dev.ebb.gateway.http.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.core.Latency;
import dev.ebb.gateway.core.MeterTable;
import dev.ebb.gateway.http.Responses;
import dev.ebb.gateway.receipt.CustomerReceipt;
import dev.ebb.gateway.receipt.ReceiptLedger;
import dev.ebb.gateway.receipt.ReceiptSink;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLException;

/**
 * Posts the receipts of messages sent over HTTP to the customer's {@code receiptUrl} as JSON: the message id, its
 * final state, the network error code and the times; never the text or the number. With a {@code receiptSecret} each
 * post carries {@value #SIGNATURE_HEADER}, an HMAC-SHA256 over its time and body (with {@code receiptBatch} over 1,
 * the whole array). A 2xx answer is a delivery (recorded as RECEIPT_FORWARDED); anything else is retried with
 * back-off until the {@link ReceiptLedger} gives it up. Receipts waiting to retry stay owed in the receipt outbox on
 * disk, which offers them again after a restart.
 *
 * <p>Each customer's endpoint has its own kept-alive connections and its own bounded backlog
 * ({@link WebhookEndpoint}), on Netty's HTTP client: a slow, refusing or failing endpoint delays and, past
 * {@code receiptMaxWaiting}, drops only its own customer's receipts. https URLs are checked against the JDK's trust
 * store and the URL's host name.
 */
public final class WebhookReceiptSender implements ReceiptSink, MeterBinder, AutoCloseable {
    /** The signature header: {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "t." + body>}. */
    public static final String SIGNATURE_HEADER = "X-Ebb-Signature";

    private final Map<String, WebhookEndpoint<CustomerReceipt>> endpoints;
    private final ReceiptLedger ledger;
    private final ObjectMapper json = Responses.mapper();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong givenUp = new AtomicLong();
    private final AtomicLong setAside = new AtomicLong();
    private final Map<WebhookEndpoint.Outcome, LongAdder> posts = new EnumMap<>(WebhookEndpoint.Outcome.class);
    /** ebb_receipt_callback_seconds by customer and outcome; made once {@link #bindTo} gave the registry. */
    private volatile MeterTable<String, WebhookEndpoint.Outcome, Timer> postTimes;

    /**
     * @param customers those with a {@code receiptUrl} get their receipts posted
     * @param ledger    told what became of each receipt (taken, given up, set aside)
     * @param group     the event loops the endpoints' connections run on (each endpoint keeps to one of them)
     */
    public WebhookReceiptSender(Iterable<CustomerConfig> customers, ReceiptLedger ledger, EventLoopGroup group,
                                Clock clock) {
        this(customers, ledger, group, null, clock);
    }

    /** @param tls the client context of https endpoints; null: the JDK's trust store, made if one is https */
    WebhookReceiptSender(Iterable<CustomerConfig> customers, ReceiptLedger ledger, EventLoopGroup group,
                         SslContext tls, Clock clock) {
        this.ledger = ledger;
        for (WebhookEndpoint.Outcome o : WebhookEndpoint.Outcome.values()) {
            posts.put(o, new LongAdder());
        }
        WebhookEndpoint.Outcomes<CustomerReceipt> outcomes = new WebhookEndpoint.Outcomes<>() {
            @Override
            public void posted(String customer, WebhookEndpoint.Outcome outcome, long nanos) {
                posts.get(outcome).increment();
                MeterTable<String, WebhookEndpoint.Outcome, Timer> times = postTimes;
                if (times != null) {
                    times.get(customer, outcome).record(nanos, TimeUnit.NANOSECONDS);
                }
            }

            @Override
            public void delivered(WebhookEndpoint.Pending<CustomerReceipt> receipt) {
                forwarded.incrementAndGet();
                ledger.taken(receipt.item());
            }

            @Override
            public void givenUp(WebhookEndpoint.Pending<CustomerReceipt> receipt) {
                givenUp.incrementAndGet();
                ledger.givenUp(receipt.item());
            }

            @Override
            public void setAside(WebhookEndpoint.Pending<CustomerReceipt> receipt) {
                setAside.incrementAndGet();
                ledger.setAside(receipt.item());
            }

            @Override
            public Instant giveUpAt(WebhookEndpoint.Pending<CustomerReceipt> receipt) {
                return ledger.giveUpAt(receipt.item());
            }
        };
        Map<String, WebhookEndpoint<CustomerReceipt>> byCustomer = new HashMap<>();
        SslContext context = tls;
        for (CustomerConfig c : customers) {
            if (c.receiptUrl() == null) {
                continue;
            }
            if (context == null && "https".equals(c.receiptUrl().getScheme())) {
                context = jdkTrust();
            }
            byCustomer.put(c.id(), new WebhookEndpoint<>(target(c), context, group.next(), clock, outcomes));
        }
        this.endpoints = Map.copyOf(byCustomer);
    }

    /**
     * What the JDK's own HTTP client did before: the JDK's trust store (cacerts, or {@code javax.net.ssl.trustStore})
     * and the certificate checked against the URL's host (RFC 9110 §4.3.4).
     */
    static SslContext jdkTrust() {
        try {
            return SslContextBuilder.forClient().sslProvider(SslProvider.JDK).endpointIdentificationAlgorithm("HTTPS")
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("the JDK's TLS client cannot be set up", e);
        }
    }

    /** How receipts are posted to the customer's {@code receiptUrl}. */
    private static WebhookEndpoint.Target target(CustomerConfig c) {
        return new WebhookEndpoint.Target(c.id(), "receipt", c.receiptUrl(), HttpMethod.POST, c.receiptSecret(),
                c.receiptBatch(), c.receiptConnections(), c.receiptMaxWaiting(), c.receiptTimeout(),
                c.allowPrivateCallbacks(), "their messages keep their final state in the metadata store",
                "they wait in the receipt outbox on disk (receiptMaxWaiting)");
    }

    /** True when the customer's HTTP messages should ask for receipts: it has somewhere to receive them. */
    public boolean wantsReceipts(String customerId) {
        return endpoints.containsKey(customerId);
    }

    @Override
    public void forward(CustomerReceipt receipt) {
        WebhookEndpoint<CustomerReceipt> endpoint = endpoints.get(receipt.message().customerId());
        if (endpoint != null) {
            endpoint.forward(new WebhookEndpoint.Pending<>(receipt, receipt.message().messageId(), body(receipt)));
        } else {
            // Owed from before a restart whose config took the customer's receiptUrl away: nowhere to post it.
            givenUp.incrementAndGet();
            ledger.givenUp(receipt);
        }
    }

    public long forwardedCount() {
        return forwarded.get();
    }

    /** Receipts given up at their limit after failed posts (a counter). */
    public long givenUpCount() {
        return givenUp.get();
    }

    /** Receipts set aside to the outbox: receiptMaxWaiting were held in memory already (a counter). */
    public long setAsideCount() {
        return setAside.get();
    }

    /**
     * The signature of a post made at {@code epochSecond}: the time is signed with the body, so a receiver that
     * checks it is recent cannot be fooled by a replayed receipt.
     */
    static String signature(byte[] secret, long epochSecond, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((epochSecond + ".").getBytes(StandardCharsets.US_ASCII));
            return "t=" + epochSecond + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 missing from the JDK", e);
        }
    }

    private byte[] body(CustomerReceipt receipt) {
        try {
            return json.writeValueAsBytes(new Body(receipt.message().messageId(), receipt.state().name(),
                    receipt.errorCode(), receipt.message().acceptedAt(), receipt.doneAt(),
                    receipt.message().reference()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("receipt cannot be serialised", e);
        }
    }

    /** The posted receipt; {@code reference} only when the message has one. */
    private record Body(String id, String state, int errorCode, Instant submittedAt, Instant doneAt,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String reference) {
    }

    /**
     * Receipts posted and given up; posts by outcome; receipts in unanswered posts and waiting, and the time of each
     * post by outcome ({@code ebb_receipt_callback_seconds}), per customer (the customers with a receiptUrl: a label
     * set the config bounds).
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        MeterTable<String, WebhookEndpoint.Outcome, Timer> times = new MeterTable<>((customer, outcome) ->
                Latency.timer("ebb.receipt.callback", "time of a POST to the customer's receiptUrl, connecting included,"
                                + " by outcome").tags("customer", customer, "outcome", outcome.name().toLowerCase(Locale.ROOT))
                        .register(registry));
        endpoints.keySet().forEach(customer -> times.get(customer, WebhookEndpoint.Outcome.DELIVERED));
        postTimes = times;
        FunctionCounter.builder("ebb.receipts.posted", this, WebhookReceiptSender::forwardedCount)
                .description("receipts of HTTP messages taken by the customer's receiptUrl").register(registry);
        FunctionCounter.builder("ebb.receipts.webhook.set.aside", this, WebhookReceiptSender::setAsideCount)
                .description("receipts of HTTP messages moved from memory to the receipt outbox on disk:"
                        + " receiptMaxWaiting were held for the customer already").register(registry);
        posts.forEach((outcome, count) -> FunctionCounter.builder("ebb.receipts.webhook.posts", count, LongAdder::sum)
                .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .description("POSTs to customers' receiptUrl by outcome: delivered (2xx), rejected (another status),"
                        + " timeout, connection (refused, reset, closed, TLS)").register(registry));
        for (WebhookEndpoint<CustomerReceipt> e : endpoints.values()) {
            Gauge.builder("ebb.receipts.webhook.inflight", e, WebhookEndpoint::inFlight).tag("customer", e.customer())
                    .description("receipts in POSTs to the customer's receiptUrl not answered yet").register(registry);
            Gauge.builder("ebb.receipts.webhook.connections", e, WebhookEndpoint::connections)
                    .tag("customer", e.customer())
                    .description("connections open or being opened to the customer's receiptUrl (receiptConnections"
                            + " at most)").register(registry);
            Gauge.builder("ebb.receipts.webhook.waiting", e, WebhookEndpoint::waiting).tag("customer", e.customer())
                    .description("receipts for the customer's receiptUrl waiting for a connection or a retry")
                    .register(registry);
        }
    }

    /** Closes the endpoints' connections; the event loops belong to the caller. */
    @Override
    public void close() {
        endpoints.values().forEach(WebhookEndpoint::close);
    }
}
