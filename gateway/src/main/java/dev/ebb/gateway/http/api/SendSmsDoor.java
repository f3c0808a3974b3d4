package dev.ebb.gateway.http.api;

import dev.ebb.gateway.config.ContentConfig;
import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.config.PasswordHash;
import dev.ebb.gateway.core.DataCoding;
import dev.ebb.gateway.core.InvalidContentException;
import dev.ebb.gateway.core.Originators;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.Segmenter;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.core.Submission;
import dev.ebb.gateway.http.Responses;
import dev.ebb.gateway.route.Admission;
import dev.ebb.gateway.smpp.BindThrottle;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.model.InvalidAddressException;
import dev.ebb.model.Msisdn;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kannel's {@code /cgi-bin/sendsms} on the customer API listener, a migration aid: an application written for
 * Kannel's smsbox sends through Ebb unchanged, and gets Kannel's answers, word for word and with Kannel's status codes
 * (checked against Kannel 1.4.5's smsbox): {@code 0: Accepted for delivery} (202) once the message is durable,
 * {@code Authorization failed for sendsms} (403), {@code …field misformed, rejected} (400), {@code Sending failed.}
 * (503). A {@code GET} carries the parameters in its query; a {@code POST} carries the text as its body
 * ({@code text/plain} with its charset, or {@code application/octet-stream}) and the rest in Kannel's
 * {@code X-Kannel-*} headers, as Kannel reads it.
 *
 * <p>Each segment is admitted as an HTTP message of the customer (privacy interceptor, router, connector, the
 * customer's tps), so nothing differs from {@code POST /v1/messages} but the words. Several receivers in {@code to}
 * each get the message, as a JSON batch's recipients do.
 */
public final class SendSmsDoor {
    static final String PATH = "/cgi-bin/sendsms";
    /** 3GPP TS 23.040 §9.2.3.1: TP-UDHI, the short message starts with a user data header. */
    private static final byte ESM_UDHI = 0x40;
    /** An SMS carries 140 octets of user data (3GPP TS 23.040 §9.2.3.16). */
    private static final int USER_DATA_OCTETS = 140;
    private static final String HTML = "text/html";
    /** Kannel's words for receivers its lists deny: here a number Ebb cannot read or has no route for. */
    private static final String DENIED = "Number(s) has/have been denied by white- and/or black-lists.";
    /** The most receivers one request names: as many as a JSON batch's recipients. */
    static final int MAX_RECEIVERS = BatchSend.MAX_RECIPIENTS;
    private static final Logger LOG = LoggerFactory.getLogger(SendSmsDoor.class);

    private final Map<String, CustomerConfig> byUsername;
    private final Admission admission;
    private final BiPredicate<CustomerConfig, Integer> rate;
    private final KannelDlrs dlrs;
    private final ContentConfig content;
    private final Clock clock;
    /**
     * Each username's last password that passed its PBKDF2 check, as an HMAC under a key of this run: a Kannel
     * application sends its password with every message, and PBKDF2 costs milliseconds each time.
     */
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();
    /** Where PBKDF2 runs: never on an event loop, whose other connections would wait behind a guesser's. */
    private final Executor derivations;
    private final BindThrottle throttle;
    /** Derived against for a username no one has, so that its refusal takes as long as a wrong password's. */
    private final String nobodysHash;
    private final byte[] runKey = new byte[32];
    private final AtomicInteger reference = new AtomicInteger(new SecureRandom().nextInt(256));

    /** An answer in Kannel's words. */
    private record Refusal(int status, String words) {
    }

    /** Thrown inside the door only, to answer in Kannel's words. */
    private static final class Refused extends RuntimeException {
        private final Refusal refusal;

        Refused(int status, String words) {
            super(words, null, false, false);
            this.refusal = new Refusal(status, words);
        }
    }

    public SendSmsDoor(List<CustomerConfig> customers, Admission admission, BiPredicate<CustomerConfig, Integer> rate,
                KannelDlrs dlrs, ContentConfig content, Clock clock, Executor derivations) {
        Map<String, CustomerConfig> users = new HashMap<>();
        customers.stream().filter(c -> c.sendsms() != null).forEach(c -> users.put(c.sendsms().username(), c));
        this.byUsername = Map.copyOf(users);
        this.admission = admission;
        this.rate = rate;
        this.dlrs = dlrs;
        this.content = content;
        this.clock = clock;
        this.derivations = derivations;
        this.throttle = new BindThrottle(clock);
        SecureRandom random = new SecureRandom();
        random.nextBytes(runKey);
        byte[] nobodys = new byte[16];
        random.nextBytes(nobodys);
        this.nobodysHash = PasswordHash.hash(HexFormat.of().formatHex(nobodys));
    }

    /** The answer to a request on {@link #PATH}; never fails (every refusal is one of Kannel's answers). */
    CompletionStage<FullHttpResponse> handle(FullHttpRequest request, String clientIp, Executor loop,
                                             Consumer<String> identified) {
        try {
            Parameters p = parameters(request);
            CompletableFuture<CustomerConfig> customer = authenticate(p.get("username"), p.get("password"),
                    clientIp == null ? null : NetUtil.createInetAddressFromIpAddressString(clientIp));
            Function<CustomerConfig, CompletableFuture<FullHttpResponse>> sending = c -> {
                identified.accept(c.id());
                return send(c, clientIp, p);
            };
            // A derivation ends on its executor: the message goes on from the connection's loop, as any other.
            return (customer.isDone() ? customer.thenCompose(sending) : customer.thenComposeAsync(sending, loop))
                    .exceptionally(failure -> answer(failure instanceof Refused r ? r
                            : failure.getCause() instanceof Refused r ? r : new Refused(503, "Sending failed.")));
        } catch (Refused r) {
            return CompletableFuture.completedFuture(answer(r));
        }
    }

    private static FullHttpResponse answer(Refused r) {
        FullHttpResponse response = text(r.refusal.status(), r.refusal.words());
        if (r.refusal.status() == 503) {
            response.headers().setInt(HttpHeaderNames.RETRY_AFTER, 1); // RFC 9110 §10.2.3; Kannel sends none
        }
        return response;
    }

    private static FullHttpResponse text(int status, String words) {
        return Responses.of(status, HTML, words.getBytes(StandardCharsets.US_ASCII));
    }

    /** A request's parameters: the query of a GET, the X-Kannel headers and body of a POST. */
    private record Parameters(Map<String, String> values, byte[] text, String charset) {
        String get(String name) {
            return values.get(name);
        }
    }

    private static Parameters parameters(FullHttpRequest request) {
        if (request.method().equals(HttpMethod.GET)) {
            // ISO-8859-1 turns each percent-decoded octet into one char: the octets of text and udh stay as sent.
            Map<String, String> values = new HashMap<>();
            new QueryStringDecoder(request.uri(), StandardCharsets.ISO_8859_1).parameters()
                    .forEach((name, list) -> values.put(name, list.get(0)));
            String text = values.get("text");
            return new Parameters(values, text == null ? null : text.getBytes(StandardCharsets.ISO_8859_1),
                    values.get("charset"));
        }
        if (!request.method().equals(HttpMethod.POST)) {
            throw new Refused(405, "Method Not Allowed");
        }
        String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        String mime = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mime.equals("text/plain") && !mime.equals("application/octet-stream")) {
            throw new Refused(400, "Invalid content-type");
        }
        Map<String, String> values = new HashMap<>();
        for (String[] h : List.of(new String[] {"username", "X-Kannel-Username"},
                new String[] {"password", "X-Kannel-Password"}, new String[] {"from", "X-Kannel-From"},
                new String[] {"to", "X-Kannel-To"}, new String[] {"coding", "X-Kannel-Coding"},
                new String[] {"dlr-mask", "X-Kannel-DLR-Mask"}, new String[] {"dlr-url", "X-Kannel-DLR-URL"},
                new String[] {"validity", "X-Kannel-Validity"})) {
            String v = request.headers().get(h[1]);
            if (v != null) {
                values.put(h[0], v);
            }
        }
        String udh = request.headers().get("X-Kannel-UDH");
        if (udh != null) {
            // Kannel's header carries the header in hex, where the GET query carries its octets.
            try {
                values.put("udh", new String(HexFormat.of().parseHex(udh), StandardCharsets.ISO_8859_1));
            } catch (IllegalArgumentException e) {
                throw new Refused(400, "UDH field misformed, rejected");
            }
        }
        byte[] text = new byte[request.content().readableBytes()];
        request.content().getBytes(request.content().readerIndex(), text);
        Charset charset = HttpUtil.getCharset(request, null);
        return new Parameters(values, text, charset == null ? null : charset.name());
    }

    /**
     * As SMPP binds are checked: a locked username and address is refused first, the right password too (else its
     * quick answer would tell a guesser it was right); a password that verified once is known by its HMAC; any other
     * is admitted by the throttle and derived on {@link #derivations}, a username no one has against a hash of
     * no one's, so that neither the time nor the answer tells whether it exists.
     */
    private CompletableFuture<CustomerConfig> authenticate(String username, String password, InetAddress from) {
        if (username == null || password == null) {
            throw new Refused(403, "Authorization failed for sendsms");
        }
        InetAddress address = from == null ? InetAddress.getLoopbackAddress() : from;
        if (throttle.locked(username, address)) {
            throw new Refused(403, "Authorization failed for sendsms");
        }
        CustomerConfig customer = byUsername.get(username);
        byte[] mac = mac(password);
        byte[] known = verified.get(username);
        if (customer != null && known != null && MessageDigest.isEqual(known, mac)) {
            throttle.succeeded(username, address);
            return CompletableFuture.completedFuture(customer);
        }
        if (!throttle.tryAttempt(username, address)) {
            throw new Refused(403, "Authorization failed for sendsms");
        }
        String hash = customer == null ? nobodysHash : customer.sendsms().passwordHash();
        return CompletableFuture.supplyAsync(() -> PasswordHash.matches(password, hash), derivations).thenApply(ok -> {
            if (!ok || customer == null) {
                throw new Refused(403, "Authorization failed for sendsms");
            }
            verified.put(username, mac);
            throttle.succeeded(username, address);
            return customer;
        });
    }

    private byte[] mac(String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(runKey, "HmacSHA256"));
            return mac.doFinal(password.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 missing from the JDK", e);
        }
    }

    private CompletableFuture<FullHttpResponse> send(CustomerConfig customer, String clientIp, Parameters p) {
        Instant now = clock.instant();
        Receivers receivers = receivers(customer, p.get("to"));
        SmppAddress source = sender(customer, p.get("from"));
        int kannelCoding = intOf(p.get("coding"), -1, 0, 2, "Coding field misformed, rejected");
        byte[] udh = udh(p.get("udh"));
        if (kannelCoding == -1) {
            // Kannel's "compatibility mode" (smsbox.c): no coding given is 8-bit with a udh, 7-bit without one.
            kannelCoding = udh == null ? 0 : 1;
        }
        int mask = intOf(p.get("dlr-mask"), 0, 0, 255, "DLR-Mask field misformed, rejected");
        String dlrUrl = p.get("dlr-url");
        if (dlrUrl != null && !dlrs.acceptable(customer, dlrUrl)) {
            throw new Refused(400, "DLR-URL field misformed, rejected");
        }
        int maxMinutes = (int) content.maxValidity().toMinutes();
        Duration validity = Duration.ofMinutes(intOf(p.get("validity"), maxMinutes, 1, maxMinutes,
                "Validity field misformed, rejected"));
        String charset = p.charset() != null ? p.charset() : kannelCoding == 2 ? "UTF-16BE" : "UTF-8";
        Payload payload = payload(kannelCoding, p.text() == null ? new byte[0] : p.text(), charset, udh);
        KannelDlrs.Wanted wanted = dlrUrl == null || mask == 0 ? null
                : new KannelDlrs.Wanted(customer.id(), dlrUrl, mask, customer.sendsms().username(), kannelCoding,
                charset);
        // SMPP 3.4 §5.2.17 value 1: a receipt for the final state, reported to the dlr-url.
        byte registeredDelivery = (byte) (wanted != null && wanted.wantsReceipt() ? 1 : 0);
        Instant expiry = now.plus(validity);
        Map<String, CompletableFuture<Admission.Status>> sent = new LinkedHashMap<>();
        receivers.numbers().forEach((given, to) -> sent.put(given,
                // Charged per receiver, all of its segments or none, as a JSON batch's recipients are.
                !rate.test(customer, payload.segments().size())
                        ? CompletableFuture.completedFuture(Admission.Status.CONGESTED)
                        : sendTo(customer, clientIp, to, source, payload, wanted, registeredDelivery, now, expiry)));
        return CompletableFuture.allOf(sent.values().toArray(CompletableFuture[]::new))
                .thenApply(v -> answer(receivers, sent));
    }

    /** One receiver's segments through admission; the status it came to. */
    private CompletableFuture<Admission.Status> sendTo(CustomerConfig customer, String clientIp, Msisdn to,
                                                       SmppAddress source, Payload payload, KannelDlrs.Wanted wanted,
                                                       byte registeredDelivery, Instant now, Instant expiry) {
        List<String> expected = Collections.synchronizedList(new ArrayList<>());
        List<Function<String, OutboundMessage>> builders = new ArrayList<>();
        for (byte[] segment : payload.segments()) {
            builders.add(id -> {
                if (wanted != null) {
                    // Before the router can see the message: its SMSC answer may come back at once.
                    dlrs.expect(id, wanted);
                    expected.add(id);
                }
                return OutboundMessage.builder(id, customer.id()).source(source)
                        .destination(SmppAddress.international(to.e164()))
                        .esmClass(payload.udhi() ? ESM_UDHI : 0).registeredDelivery(registeredDelivery)
                        .dataCoding((byte) payload.coding().value()).shortMessage(segment).expiry(expiry).build();
            });
        }
        return admission.admit(to, new Submission.Ingress(Channel.HTTP, null, clientIp), now, builders)
                .toCompletableFuture().thenApply(outcome -> {
                    if (outcome.status() != Admission.Status.ACCEPTED) {
                        expected.forEach(dlrs::forget);
                    }
                    return outcome.status();
                });
    }

    /**
     * The answer to a request once each receiver's message is accepted or not, in Kannel's words: a receiver with no
     * route is one Kannel's lists deny (dropped while others are sent, {@code Number(s) has/have been denied…} when
     * all are); one refused for now (the tps, a congested route) makes the request {@code Sending failed.}, naming
     * the failed receivers when there were several, as smsbox does ({@code smsbox_req_handle}, its
     * {@code transmit_error}: "Sending failed. Failed receivers are: …"). The others are durable and will be sent.
     */
    private static FullHttpResponse answer(Receivers receivers, Map<String, CompletableFuture<Admission.Status>> sent) {
        List<String> failed = new ArrayList<>();
        boolean accepted = false;
        for (Map.Entry<String, CompletableFuture<Admission.Status>> e : sent.entrySet()) {
            switch (e.getValue().join()) {
                case ACCEPTED -> accepted = true;
                case NO_ROUTE -> {
                    // denied, as a receiver Kannel's white- and black-lists refuse
                }
                case CONGESTED, STORES_FULL, FAILED -> failed.add(e.getKey());
            }
        }
        if (!failed.isEmpty()) {
            return answer(new Refused(503, receivers.given() > 1
                    ? "Sending failed. Failed receivers are: " + String.join(" ", failed) : "Sending failed."));
        }
        if (!accepted) {
            return text(400, DENIED);
        }
        return text(202, "0: Accepted for delivery");
    }

    /** What goes to the SMSC: the short messages, their data_coding, and whether they start with a header. */
    private record Payload(List<byte[]> segments, DataCoding coding, boolean udhi) {
    }

    /**
     * Kannel's codings: 0 the GSM 7-bit alphabet (here: UCS-2 where a character has none, where Kannel would send
     * '?'), 1 8-bit data as given, 2 UCS-2; the text in {@code charset}. A text with a {@code udh} goes as one
     * message with that header; without one it is split into concatenated segments.
     */
    private Payload payload(int kannelCoding, byte[] octets, String charset, byte[] udh) {
        DataCoding coding;
        String text;
        if (kannelCoding == 1) {
            coding = DataCoding.BINARY;
            text = HexFormat.of().formatHex(octets);
        } else {
            text = decode(octets, charset);
            coding = kannelCoding == 2 ? DataCoding.UCS2 : DataCoding.forText(text);
        }
        try {
            if (udh == null) {
                List<byte[]> segments = new ArrayList<>();
                List<Segmenter.Segment> split = Segmenter.split(text, coding, reference.getAndIncrement() & 0xFF);
                split.forEach(s -> segments.add(s.shortMessage()));
                return new Payload(segments, coding, split.get(0).concatenation().isPresent());
            }
            byte[] body = coding.encode(text);
            // GSM 7-bit travels unpacked, a septet per octet; the header takes its octets plus fill bits to a septet.
            int room = coding == DataCoding.GSM7 ? (USER_DATA_OCTETS * 8 - ((udh.length * 8 + 6) / 7) * 7) / 7
                    : USER_DATA_OCTETS - udh.length;
            if (body.length > room) {
                throw new Refused(400, "UDH field is too long, rejected");
            }
            byte[] message = new byte[udh.length + body.length];
            System.arraycopy(udh, 0, message, 0, udh.length);
            System.arraycopy(body, 0, message, udh.length, body.length);
            return new Payload(List.of(message), coding, true);
        } catch (InvalidContentException e) {
            throw new Refused(400, "Charset or body misformed, rejected");
        }
    }

    private static String decode(byte[] octets, String charset) {
        try {
            return Charset.forName(charset).newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(octets)).toString();
        } catch (IllegalCharsetNameException | UnsupportedCharsetException | CharacterCodingException e) {
            throw new Refused(400, "Charset or body misformed, rejected");
        }
    }

    /** Kannel's {@code udh}: the header's octets, its first one the length of the rest (3GPP TS 23.040 §9.2.3.24). */
    private static byte[] udh(String value) {
        if (value == null) {
            return null;
        }
        byte[] udh = value.getBytes(StandardCharsets.ISO_8859_1);
        if (udh.length < 2 || (udh[0] & 0xFF) != udh.length - 1) {
            throw new Refused(400, "UDH field misformed, rejected");
        }
        if (udh.length >= USER_DATA_OCTETS) {
            throw new Refused(400, "UDH field is too long, rejected");
        }
        return udh;
    }

    /**
     * The receivers of a request, each once.
     *
     * @param numbers the numbers to send to, each under the word of {@code to} that named it first
     * @param given   the words {@code to} had
     */
    private record Receivers(Map<String, Msisdn> numbers, int given) {
    }

    /**
     * Kannel's {@code to}: one receiver or several, separated by spaces (smsbox splits it into words,
     * {@code octstr_split_words}); at most {@value #MAX_RECEIVERS}, as a JSON batch. As smsbox does (checked against
     * Kannel 1.4.5): a word that is no number is dropped and the others are sent (smsbox denies a word with a
     * character outside its {@code sendsms-chars}; Ebb one it cannot read as a number); a number given twice is sent
     * once; a request with no number left is refused.
     */
    private static Receivers receivers(CustomerConfig customer, String to) {
        if (to == null) {
            throw new Refused(400, "Missing receiver number, rejected");
        }
        if (to.isBlank()) {
            throw new Refused(400, "Empty receiver number not allowed, rejected");
        }
        String[] words = to.trim().split("\\s+");
        if (words.length > MAX_RECEIVERS) {
            throw new Refused(400, "Too many receivers (more than " + MAX_RECEIVERS + "), rejected");
        }
        Map<String, Msisdn> numbers = new LinkedHashMap<>();
        Set<Msisdn> seen = new HashSet<>();
        int denied = 0;
        for (String word : words) {
            try {
                Msisdn number = Msisdn.parse(word, customer.addressing().numbering());
                if (seen.add(number)) {
                    numbers.put(word, number);
                }
            } catch (InvalidAddressException e) {
                denied++;
            }
        }
        if (denied > 0) {
            LOG.info("sendsms for customer {}: {} of {} receivers are no number, dropped", customer.id(), denied,
                    words.length);
        }
        if (numbers.isEmpty()) {
            throw new Refused(400, DENIED);
        }
        return new Receivers(numbers, words.length);
    }

    private static SmppAddress sender(CustomerConfig customer, String from) {
        if ((from == null || from.isEmpty()) && customer.addressing().defaultSender() == null) {
            throw new Refused(400, "Sender missing and no global set, rejected");
        }
        try {
            SourceAddress s = Originators.fromText(from, customer.addressing().numbering(),
                    customer.addressing().sender());
            return new SmppAddress((byte) s.ton(), (byte) s.npi(), s.value());
        } catch (InvalidAddressException e) {
            throw new Refused(400, "Sender missing and no global set, rejected");
        }
    }

    private static int intOf(String value, int absent, int min, int max, String refusal) {
        if (value == null || value.isEmpty()) {
            return absent;
        }
        try {
            int v = Integer.parseInt(value.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new Refused(400, refusal);
    }
}
