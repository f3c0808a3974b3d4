package dev.ebb.gateway.http.api;

import dev.ebb.gateway.config.CallbackUrls;
import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.core.MessageState;
import dev.ebb.gateway.privacy.ContentVault;
import dev.ebb.gateway.privacy.VaultHandle;
import dev.ebb.gateway.receipt.CustomerReceipt;
import dev.ebb.gateway.receipt.ReceiptLedger;
import dev.ebb.gateway.receipt.ReceiptSink;
import dev.ebb.gateway.route.DispatchResults;
import dev.ebb.gateway.route.InFlight;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.SslContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kannel's delivery reports: a GET to the {@code dlr-url} a {@code /cgi-bin/sendsms} request gave, with its escapes
 * filled in, for each state the request's {@code dlr-mask} asks for. Final states come from the receipt outbox like
 * every receipt (so they are retried with the receipts' back-off until a 2xx, up to {@code receipts.retryFor});
 * the SMSC's acceptance (8) and refusal (16) are reported as the router learns them, retried the same way for
 * {@link #INTERMEDIATE_RETRY_FOR}. Receipts of messages without a dlr-url go to the next sink.
 *
 * <p>Kannel's escapes that carry content are left empty, never filled: {@code %a %b %k %s %S %r} (the text and its
 * words) and {@code %u} (the user data header). So are those Ebb has no value for ({@code %B %o %D %x %f %m %M %R}).
 *
 * <p>What a request asked for ({@link Wanted}: the dlr-url as given, which may hold anything the application put
 * in it) is kept until its final report is taken or given up, in memory and in a vault of its own sealed like content
 * (a key per customer and hour, under the key-encryption key, buckets destroyed whole at 72 h), so that a report
 * still owed when Ebb restarts is sent after it; a report owed past 72 h after its message was accepted finds none
 * after a restart and is given up (RECEIPT_DROPPED). The SMSC's refusal (which makes a final report 16, not 2) is
 * held in memory only.
 */
public final class KannelDlrs implements ReceiptSink {
    /** Kannel's dlr-mask bits (Kannel user guide, "Delivery reports"). */
    static final int DELIVERED = 1;
    static final int UNDELIVERED = 2;
    static final int SMSC_ACCEPTED = 8;
    static final int SMSC_REJECTED = 16;
    /** How long an intermediate report (8, 16) is retried: it has no place in the outbox. */
    static final Duration INTERMEDIATE_RETRY_FOR = Duration.ofMinutes(10);
    /** Kannel's %t: "YYYY-MM-DD HH:MM:SS". */
    private static final DateTimeFormatter KANNEL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);
    /** Endpoints (customer and origin of a dlr-url) open at most; a request naming one more origin is refused. */
    static final int MAX_ENDPOINTS = 1_000;

    /**
     * What a sendsms request asked to hear about one of its messages.
     *
     * @param template the dlr-url with its escapes, as given
     * @param username the sendsms username (%n)
     * @param coding   Kannel's coding, 0..2 (%c)
     * @param charset  the charset the text came in (%C)
     */
    record Wanted(String customer, String template, int mask, String username, int coding, String charset) {
        private static final int VERSION = 1;

        boolean wantsReceipt() {
            return (mask & (DELIVERED | UNDELIVERED | SMSC_REJECTED)) != 0;
        }

        byte[] encode() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + template.length());
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(VERSION);
                out.writeUTF(customer);
                byte[] url = template.getBytes(StandardCharsets.UTF_8);
                out.writeInt(url.length);
                out.write(url);
                out.writeInt(mask);
                out.writeUTF(username);
                out.writeByte(coding);
                out.writeUTF(charset);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        /** @throws IllegalArgumentException if {@code bytes} are not what {@link #encode} wrote */
        static Wanted decode(byte[] bytes) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
                int version = in.readUnsignedByte();
                if (version != VERSION) {
                    throw new IllegalArgumentException("dlr-url entry of version " + version);
                }
                String customer = in.readUTF();
                int length = in.readInt();
                if (length < 0 || length > bytes.length) {
                    throw new IllegalArgumentException("dlr-url entry with a length of " + length);
                }
                byte[] url = new byte[length];
                in.readFully(url);
                return new Wanted(customer, new String(url, StandardCharsets.UTF_8), in.readInt(), in.readUTF(),
                        in.readUnsignedByte(), in.readUTF());
            } catch (IOException e) {
                throw new IllegalArgumentException("dlr-url entry cut short", e);
            }
        }
    }

    /** A report to GET; {@code receipt} is the final one's, null for an intermediate report. */
    private record Report(CustomerReceipt receipt, Instant until) {
    }

    /** What a message's request asked for, and where it is kept on disk. */
    private record Held(Wanted wanted, VaultHandle kept) {
    }

    private final Map<String, CustomerConfig> customers;
    private final ReceiptLedger ledger;
    private final ReceiptSink others;
    private final EventLoopGroup group;
    private final Clock clock;
    private final ContentVault kept;
    private final Map<String, Held> wanted = new ConcurrentHashMap<>();
    /** SMSC refusals seen, by message id, until the final report: it is then 16 rather than 2. */
    private final Map<String, Integer> refused = new ConcurrentHashMap<>();
    private final Map<String, WebhookEndpoint<Report>> endpoints = new ConcurrentHashMap<>();
    private final WebhookEndpoint.Outcomes<Report> outcomes;
    private volatile SslContext tls;

    /**
     * @param ledger told what became of final reports (they are receipts of the outbox)
     * @param others where the receipts of messages without a dlr-url go
     * @param group  the event loops the endpoints' connections run on
     * @param kept   where what the requests asked for is kept until their final reports are done; what an earlier
     *               run kept there is read back now
     */
    public KannelDlrs(Iterable<CustomerConfig> customers, ReceiptLedger ledger, ReceiptSink others,
                      EventLoopGroup group, Clock clock, ContentVault kept) {
        Map<String, CustomerConfig> byId = new HashMap<>();
        customers.forEach(c -> byId.put(c.id(), c));
        this.customers = Map.copyOf(byId);
        this.ledger = ledger;
        this.others = others;
        this.group = group;
        this.clock = clock;
        this.kept = kept;
        kept.forEachPending((handle, bytes) -> {
            try {
                wanted.put(handle.messageId(), new Held(Wanted.decode(bytes), handle));
            } catch (IllegalArgumentException e) {
                kept.strip(handle);
            }
        }, kept::strip);
        this.outcomes = new WebhookEndpoint.Outcomes<>() {
            @Override
            public void posted(String customer, WebhookEndpoint.Outcome outcome, long nanos) {
            }

            @Override
            public void delivered(WebhookEndpoint.Pending<Report> report) {
                if (report.item().receipt() != null) {
                    ledger.taken(report.item().receipt());
                    done(report.item().receipt());
                }
            }

            @Override
            public void givenUp(WebhookEndpoint.Pending<Report> report) {
                if (report.item().receipt() != null) {
                    ledger.givenUp(report.item().receipt());
                    done(report.item().receipt());
                }
            }

            @Override
            public void setAside(WebhookEndpoint.Pending<Report> report) {
                if (report.item().receipt() != null) {
                    ledger.setAside(report.item().receipt());
                }
            }

            @Override
            public Instant giveUpAt(WebhookEndpoint.Pending<Report> report) {
                return report.item().until();
            }
        };
    }

    /**
     * Remembers what a message's sendsms request asked for, on disk before it returns; call it before the message can
     * reach the router.
     *
     * @throws dev.ebb.gateway.privacy.VaultException if it cannot be kept (the message must then not be accepted)
     */
    void expect(String messageId, Wanted dlr) {
        wanted.put(messageId, new Held(dlr, kept.put(dlr.customer(), messageId, dlr.encode())));
    }

    /** Forgets a message that was not accepted after all. */
    void forget(String messageId) {
        forgetWanted(messageId);
        refused.remove(messageId);
    }

    private void forgetWanted(String messageId) {
        Held held = wanted.remove(messageId);
        if (held != null) {
            kept.strip(held.kept());
        }
    }

    /** The final report of a message was taken or given up: what its request asked for is needed no more. */
    private void done(CustomerReceipt receipt) {
        forgetWanted(receipt.message().messageId());
        refused.remove(receipt.message().messageId());
    }

    private Wanted wanted(String messageId) {
        Held held = wanted.get(messageId);
        return held == null ? null : held.wanted();
    }

    /**
     * Whether {@code template} may be used as a dlr-url of the customer: once its escapes are filled in, an absolute
     * http(s) URL whose host, if it is an address, {@link CallbackUrls} allows (a name is checked on connecting), on
     * an origin within {@link #MAX_ENDPOINTS}.
     */
    boolean acceptable(CustomerConfig customer, String template) {
        // Each escape as a digit: only the URL's shape and host are checked. An escape in the host or port would be
        // checked as that digit and filled per report: a host of its own for each (%T: an endpoint a second), and
        // one the check never saw; so the origin must come out the same whatever the escapes hold.
        Optional<URI> url = parse(fill(template, Map.of(), "0"));
        Optional<URI> other = parse(fill(template, Map.of(), "1"));
        return url.isPresent() && other.isPresent()
                && url.get().getRawAuthority().equals(other.get().getRawAuthority()) && CallbackUrls.refusalWithoutLookup(url.get(),
                customer.allowPrivateCallbacks()).isEmpty()
                && (endpoints.size() < MAX_ENDPOINTS || endpoints.containsKey(origin(customer.id(), url.get())));
    }

    /** Tells the reports the router's results, then {@code inner}. */
    public DispatchResults observing(DispatchResults inner) {
        return new DispatchResults() {
            @Override
            public void submitted(InFlight message, String connector, String smscId) {
                inner.submitted(message, connector, smscId);
                Wanted w = wanted(message.messageId());
                if (w == null) {
                    return;
                }
                if (!w.wantsReceipt()) {
                    forgetWanted(message.messageId()); // no final report follows: nothing more to remember
                }
                if ((w.mask() & SMSC_ACCEPTED) != 0) {
                    send(w, message, SMSC_ACCEPTED, "ACK/", null, clock.instant().plus(INTERMEDIATE_RETRY_FOR));
                }
            }

            @Override
            public void finish(InFlight message, MessageState state, String smscId, int commandStatus,
                               int errorCode) {
                Wanted w = wanted(message.messageId());
                if (w != null && !w.wantsReceipt()) {
                    forgetWanted(message.messageId());
                } else if (w != null && commandStatus != 0) {
                    // The SMSC refused the submit: Kannel's type 16, whose %A is NACK/<command_status>/.
                    refused.put(message.messageId(), commandStatus);
                }
                inner.finish(message, state, smscId, commandStatus, errorCode);
            }
        };
    }

    @Override
    public void forward(CustomerReceipt receipt) {
        String id = receipt.message().messageId();
        // Kept until the report is done: a report set aside for want of room comes back here from the outbox.
        Wanted w = wanted(id);
        if (w == null) {
            others.forward(receipt);
            return;
        }
        Integer refusal = refused.get(id);
        int type = refusal != null ? SMSC_REJECTED : receipt.state() == MessageState.DELIVERED ? DELIVERED
                : UNDELIVERED;
        if ((w.mask() & type) == 0 && type == SMSC_REJECTED) {
            type = UNDELIVERED; // asked for 1+2 only: a refused message is "not delivered to the phone" too
        }
        if ((w.mask() & type) == 0) {
            // The request asked for other states only: nothing is owed for this one.
            ledger.taken(receipt);
            done(receipt);
            return;
        }
        String reply = refusal != null ? String.format("NACK/0x%08x/", refusal) : receipt.text();
        send(w, receipt.message(), type, reply, receipt, ledger.giveUpAt(receipt));
    }

    private void send(Wanted w, InFlight message, int type, String reply, CustomerReceipt receipt, Instant until) {
        Instant now = clock.instant();
        Map<Character, String> values = Map.of('d', Integer.toString(type), 'p', message.destination().value(),
                'P', message.source().value(), 'q', plus(message.destination().value()),
                'Q', plus(message.source().value()), 'T', Long.toString(now.getEpochSecond()),
                't', KANNEL_TIME.format(now), 'A', reply, 'I', message.messageId(), 'n', w.username());
        Map<Character, String> more = Map.of('c', Integer.toString(w.coding()), 'C', w.charset(),
                'i', message.route() == null ? "" : message.route());
        Map<Character, String> all = new HashMap<>(values);
        all.putAll(more);
        Optional<URI> url = parse(fill(w.template(), all, ""));
        CustomerConfig customer = customers.get(w.customer());
        if (url.isEmpty() || customer == null) {
            if (receipt != null) {
                ledger.givenUp(receipt);
                done(receipt);
            }
            return;
        }
        URI u = url.get();
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        String target = u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
        endpoint(customer, u).forward(new WebhookEndpoint.Pending<>(new Report(receipt, until), message.messageId(),
                target, new byte[0], 0));
    }

    private WebhookEndpoint<Report> endpoint(CustomerConfig customer, URI url) {
        return endpoints.computeIfAbsent(origin(customer.id(), url), key -> {
            if ("https".equals(url.getScheme()) && tls == null) {
                tls = WebhookReceiptSender.jdkTrust();
            }
            return new WebhookEndpoint<>(new WebhookEndpoint.Target(customer.id(), "delivery report", url,
                    HttpMethod.GET, null, 1, customer.receiptConnections(), customer.receiptMaxWaiting(),
                    customer.receiptTimeout(), customer.allowPrivateCallbacks(),
                    "their messages keep their final state in the metadata store",
                    "they wait in the receipt outbox on disk (receiptMaxWaiting)"), tls, group.next(), clock,
                    outcomes);
        });
    }

    private static String origin(String customer, URI url) {
        return customer + " " + url.getScheme() + "://" + url.getRawAuthority();
    }

    /** Kannel's %q/%Q: the number with a leading 00 as '+'; Ebb's numbers have no 00, so a '+' in front. */
    private static String plus(String number) {
        return number.matches("[0-9]{8,15}") ? "+" + number : number;
    }

    /**
     * Fills Kannel's escapes as Kannel does: every {@code %} and the character after it is one, each known one
     * replaced by its value, URL-encoded; every other one (those carrying content among them) by {@code unknown};
     * {@code %%} by a percent sign. Like Kannel's, a template cannot hold percent-escapes of its own.
     */
    static String fill(String template, Map<Character, String> values, String unknown) {
        StringBuilder out = new StringBuilder(template.length() + 32);
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c != '%' || i + 1 >= template.length()) {
                out.append(c);
                continue;
            }
            char next = template.charAt(i + 1);
            i++;
            if (next == '%') {
                out.append("%25");
            } else {
                String value = values.get(next);
                out.append(value != null ? URLEncoder.encode(value, StandardCharsets.UTF_8) : unknown);
            }
        }
        return out.toString();
    }

    private static Optional<URI> parse(String url) {
        try {
            URI u = new URI(url);
            return u.isAbsolute() && ("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
                    && u.getHost() != null ? Optional.of(u) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** Closes the endpoints' connections; the event loops belong to the caller. */
    public void close() {
        endpoints.values().forEach(WebhookEndpoint::close);
    }
}
