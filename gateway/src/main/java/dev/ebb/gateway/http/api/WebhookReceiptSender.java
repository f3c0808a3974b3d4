package dev.ebb.gateway.http.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.http.Responses;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.gateway.receipt.CustomerReceipt;
import dev.ebb.gateway.receipt.ReceiptSink;
import dev.ebb.metadata.EventType;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts the receipts of messages sent over HTTP to the customer's {@code receiptUrl} as JSON: the message id, its
 * final state, the network error code and the times; never the text or the number. With a {@code receiptSecret} each
 * post carries {@value #SIGNATURE_HEADER}, an HMAC-SHA256 over its time and body. A 2xx answer is a delivery
 * (recorded as RECEIPT_FORWARDED); anything else is retried with back-off for up to {@link #GIVE_UP_AFTER}, while
 * fewer than {@link #MAX_PENDING} are pending. Receipts waiting to retry are held in memory only: a restart loses them.
 */
public final class WebhookReceiptSender implements ReceiptSink, MeterBinder {
    /** A receipt not taken within this long after the message ended is dropped (and counted). */
    static final Duration GIVE_UP_AFTER = Duration.ofHours(24);
    private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiptSender.class);
    private static final long FIRST_RETRY_MS = 1_000;
    private static final long MAX_RETRY_MS = 300_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /**
     * Receipts being posted or waiting for a retry, over all customers: one slow or failing endpoint at a high rate
     * must fill neither the heap nor the socket table. Past this, a receipt is dropped (and counted).
     */
    static final int MAX_PENDING = 100_000;

    /** The signature header: {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "t." + body>}. */
    public static final String SIGNATURE_HEADER = "X-Ebb-Signature";

    private final Map<String, URI> urls;
    private final Map<String, byte[]> secrets;
    private final PrivacyInterceptor privacy;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
    private final AtomicInteger pending = new AtomicInteger();
    private final ObjectMapper json = Responses.mapper();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /** @param customers those with a {@code receiptUrl} get their receipts posted */
    public WebhookReceiptSender(Iterable<CustomerConfig> customers, PrivacyInterceptor privacy,
                                ScheduledExecutorService scheduler, Clock clock) {
        Map<String, URI> byCustomer = new HashMap<>();
        Map<String, byte[]> secretOf = new HashMap<>();
        customers.forEach(c -> {
            if (c.receiptUrl() != null) {
                byCustomer.put(c.id(), c.receiptUrl());
            }
            if (c.receiptSecret() != null) {
                secretOf.put(c.id(), c.receiptSecret().getBytes(StandardCharsets.UTF_8));
            }
        });
        this.urls = Map.copyOf(byCustomer);
        this.secrets = Map.copyOf(secretOf);
        this.privacy = privacy;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /** True when the customer's HTTP messages should ask for receipts: it has somewhere to receive them. */
    public boolean wantsReceipts(String customerId) {
        return urls.containsKey(customerId);
    }

    @Override
    public void forward(CustomerReceipt receipt) {
        URI url = urls.get(receipt.message().customerId());
        if (url == null) {
            return;
        }
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            drop(receipt, "too many receipts pending");
            return;
        }
        attempt(url, receipt, body(receipt), FIRST_RETRY_MS);
    }

    public long forwardedCount() {
        return forwarded.get();
    }

    public long droppedCount() {
        return dropped.get();
    }

    private void attempt(URI url, CustomerReceipt receipt, byte[] body, long nextDelayMs) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(TIMEOUT)
                .header("Content-Type", Responses.JSON).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        byte[] secret = secrets.get(receipt.message().customerId());
        if (secret != null) {
            request.header(SIGNATURE_HEADER, signature(secret, clock.instant().getEpochSecond(), body));
        }
        http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            if (error == null && response.statusCode() / 100 == 2) {
                pending.decrementAndGet();
                forwarded.incrementAndGet();
                privacy.record(receipt.message().record(), EventType.RECEIPT_FORWARDED, null, 0, 0);
                return;
            }
            String why = error != null ? error.getClass().getSimpleName() : "HTTP " + response.statusCode();
            if (clock.instant().plusMillis(nextDelayMs).isAfter(receipt.doneAt().plus(GIVE_UP_AFTER))) {
                pending.decrementAndGet();
                drop(receipt, why + ", for " + GIVE_UP_AFTER);
                return;
            }
            LOG.info("receipt for message {} to customer {} not taken ({}); retrying in {} ms",
                    receipt.message().messageId(), receipt.message().customerId(), why, nextDelayMs);
            scheduler.schedule(() -> attempt(url, receipt, body, Math.min(nextDelayMs * 2, MAX_RETRY_MS)),
                    nextDelayMs, TimeUnit.MILLISECONDS);
        });
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

    private void drop(CustomerReceipt receipt, String why) {
        dropped.incrementAndGet();
        LOG.warn("receipt for message {} to customer {} dropped: {}", receipt.message().messageId(),
                receipt.message().customerId(), why);
    }

    private byte[] body(CustomerReceipt receipt) {
        try {
            return json.writeValueAsBytes(new Body(receipt.message().messageId(), receipt.state().name(),
                    receipt.errorCode(), receipt.message().record().eventTime(), receipt.doneAt()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("receipt cannot be serialised", e);
        }
    }

    /** The posted receipt. */
    private record Body(String id, String state, int errorCode, Instant submittedAt, Instant doneAt) {
    }

    /** Receipts posted to customers' receiptUrl, and those given up. */
    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("ebb.receipts.posted", this, WebhookReceiptSender::forwardedCount)
                .description("receipts of HTTP messages taken by the customer's receiptUrl").register(registry);
        FunctionCounter.builder("ebb.receipts.dropped", this, WebhookReceiptSender::droppedCount)
                .description("receipts of HTTP messages given up after 24 h of failed posts").register(registry);
    }
}
