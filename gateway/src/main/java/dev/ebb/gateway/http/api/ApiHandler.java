package dev.ebb.gateway.http.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.config.HashedTokens;
import dev.ebb.gateway.http.AccessLog;
import dev.ebb.gateway.http.ApiDocument;
import dev.ebb.gateway.http.Problem;
import dev.ebb.gateway.http.Responses;
import dev.ebb.gateway.http.StrictJson;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the customer API ({@link Resource}): {@code POST /v1/messages} (202 with one id per segment, or a result per
 * recipient of a batch; {@link IdempotentPosts} with an {@code Idempotency-Key}), {@code GET /v1/messages/{id}},
 * {@code GET /v1/messages?reference=} ({@link ReferenceSearch}), {@code GET /v1/numbers}, Kannel's
 * {@code /cgi-bin/sendsms} ({@link SendSmsDoor}) and {@code GET /v1/openapi.json}, the API's OpenAPI document. Customers
 * authenticate with an API key as {@code Authorization: Bearer}; errors are {@code application/problem+json} naming
 * the field. It keeps no state of a connection or request, so one instance
 * serves every connection; a connection's answer still being made durable is an attribute of its channel.
 */
@ChannelHandler.Sharable
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    private static final String MESSAGES = "/v1/messages";
    private static final String NUMBERS = "/v1/numbers";
    /** Served to anyone: the same document is in the jar and the repository, and names no customer. */
    private static final ApiDocument DOCUMENT = ApiDocument.load("/openapi/customer-api.json", "public, max-age=3600");
    private static final Set<String> MEMBERS = Set.of("to", "from", "text", "validity", "contentRetention", "reference");
    /** The connection's latest answer not yet written (a 202 waiting for a group commit), if any. */
    private static final AttributeKey<CompletableFuture<Void>> PENDING = AttributeKey.valueOf("ebb.api.pending");
    /**
     * The customer the request being read authenticated as, taken when it is read: its answer may be written after
     * later requests were read (pipelined behind a group commit), and the access log must name each answer's own.
     */
    private static final AttributeKey<CustomerConfig> ASKING = AttributeKey.valueOf("ebb.api.asking");

    private final MessageApi api;
    private final IdempotentPosts posts;
    private final HashedTokens<CustomerConfig> keys;
    private final ApiAnswers answers;
    /** Kannel's /cgi-bin/sendsms; null: not offered. */
    private final SendSmsDoor sendsms;
    private final ObjectMapper json = Responses.mapper();

    /** @param answers told of every answer and of each message sent (metrics) */
    ApiHandler(MessageApi api, IdempotentPosts posts, HashedTokens<CustomerConfig> keys, ApiAnswers answers) {
        this(api, posts, keys, answers, null);
    }

    ApiHandler(MessageApi api, IdempotentPosts posts, HashedTokens<CustomerConfig> keys, ApiAnswers answers,
               SendSmsDoor sendsms) {
        this.api = api;
        this.posts = posts;
        this.keys = keys;
        this.answers = answers;
        this.sendsms = sendsms;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        long read = System.nanoTime();
        if (request.decoderResult().isFailure()) {
            answers.answered(400);
            Responses.refuseUndecodable(ctx, json);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).rawPath();
        // A message sent is timed and its refusal counted with the customer's id, once the customer is known.
        Resource resource = Resource.at(path);
        boolean sending = resource == Resource.MESSAGES && request.method().equals(HttpMethod.POST);
        CustomerConfig sender = null;
        CompletableFuture<Answer> answer;
        try {
            if (sending) {
                sender = authenticate(ctx, request);
                CustomerConfig customer = sender;
                answer = posts.answer(customer.id(), request, () -> answered(() -> send(ctx, customer, request)));
            } else if (sendsms != null && resource == Resource.SENDSMS) {
                answer = answered(() -> sendsms.handle(request, clientIp(ctx), ctx.executor(),
                        id -> AccessLog.identify(ctx, () -> id)).thenApply(r -> new Answer(r, null)));
            } else {
                answer = answered(() -> CompletableFuture.completedFuture(new Answer(route(ctx, request, path,
                        resource), null)));
            }
        } catch (RuntimeException e) {
            answer = answered(() -> CompletableFuture.failedFuture(e));
        }
        CustomerConfig asking = ctx.channel().attr(ASKING).getAndSet(null);
        answerInOrder(ctx, request, answer, sender, asking, read);
    }

    /** The answer {@code work} makes, or the refusal it throws or fails with as an answer. */
    private CompletableFuture<Answer> answered(Supplier<CompletionStage<Answer>> work) {
        CompletionStage<Answer> answer;
        try {
            answer = work.get();
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.toCompletableFuture().handle((a, failure) -> failure == null ? a
                : new Answer(refusal(failure), reason(failure)));
    }

    /**
     * Writes the answer once it is made and every earlier answer of the connection is written: a client may send its
     * next request before the 202 of the last (RFC 9112 §9.3.2, pipelining), and answers must leave in request order.
     * The request's content is released by then; its line and headers, all that {@link Responses#send} reads, are not.
     */
    private void answerInOrder(ChannelHandlerContext ctx, FullHttpRequest request, CompletableFuture<Answer> answer,
                               CustomerConfig sender, CustomerConfig asking, long read) {
        CompletableFuture<Void> before = ctx.channel().attr(PENDING).get();
        if ((before == null || before.isDone()) && answer.isDone()) {
            send(ctx, request, answer.join(), sender, asking, read);
            return;
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        ctx.channel().attr(PENDING).set(written);
        CompletableFuture<Void> turn = before == null ? CompletableFuture.completedFuture(null) : before;
        answer.thenCombine(turn, (a, previousWritten) -> a).thenAccept(a -> ctx.executor().execute(() -> {
            send(ctx, request, a, sender, asking, read);
            written.complete(null);
        }));
    }

    private void send(ChannelHandlerContext ctx, FullHttpRequest request, Answer answer, CustomerConfig sender,
                      CustomerConfig asking, long read) {
        int status = answer.response().status().code();
        answers.answered(status);
        AccessLog.identify(ctx, () -> asking == null ? null : asking.id());
        Responses.send(ctx, request, answer.response());
        if (sender != null && !answer.replayed()) {
            answers.sent(sender.id(), status, answer.refusal(), System.nanoTime() - read);
        }
    }

    private static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static String reason(Throwable failure) {
        return cause(failure) instanceof ApiRefusal r ? r.reason() : "internal-error";
    }

    /** A refusal as its problem+json answer; anything else as a 500 naming nothing of the request. */
    private FullHttpResponse refusal(Throwable failure) {
        Throwable cause = cause(failure);
        if (cause instanceof ApiRefusal r) {
            FullHttpResponse response = Responses.problem(json, r.problem());
            if (r.status() == 429 || r.status() == 503) {
                // RFC 9110 §10.2.3: when to try again; the rate refills within a second, queues drain as fast,
                // disk space takes longer.
                response.headers().setInt(HttpHeaderNames.RETRY_AFTER, r.retryAfterSeconds());
            }
            return response;
        }
        // Only the type: a message could carry content or a number (DESIGN invariant 1).
        LOG.error("customer API request failed: {}", cause.getClass().getName());
        return Responses.problem(json, Problem.of(500, "internal-error", "Internal error",
                "the request could not be answered"));
    }

    /**
     * {@code POST /v1/messages}: 202 with one id per segment once the message is durable; with {@code to} an array, a
     * result per recipient ({@link BatchSend}).
     */
    private CompletionStage<Answer> send(ChannelHandlerContext ctx, CustomerConfig customer,
                                         FullHttpRequest request) {
        SendRequest message = body(request);
        if (message.recipients() != null) {
            return api.sendBatch(customer, clientIp(ctx), message).thenApply(BatchSend.Results::answer);
        }
        return api.send(customer, clientIp(ctx), message).thenApply(sent -> {
            FullHttpResponse r = json(202, new Accepted(sent.messageIds().stream().map(Accepted.Id::new).toList(),
                    sent.messageIds().size(), sent.encoding()));
            r.headers().set(HttpHeaderNames.LOCATION, MESSAGES + "/" + sent.messageIds().get(0));
            return new Answer(r, null);
        });
    }

    private FullHttpResponse route(ChannelHandlerContext ctx, FullHttpRequest request, String path,
                                   Resource resource) {
        if (resource == null) {
            return Responses.problem(json, Problem.of(404, "not-found", "Not found", "no resource " + path));
        }
        if (!resource.methods.contains(request.method())) {
            return notAllowed(request, path, resource.methods);
        }
        if (resource == Resource.DOCUMENT) {
            return DOCUMENT.answer(request);
        }
        if (resource == Resource.NUMBERS) {
            return json(200, new Numbers(authenticate(ctx, request).moNumbers()));
        }
        if (resource == Resource.SENDSMS) {
            // Reached only while no customer has the Kannel door: then it is not there at all.
            return Responses.problem(json, Problem.of(404, "not-found", "Not found", "no resource " + path));
        }
        if (resource == Resource.MESSAGES) {
            // GET: the customer's messages by reference; a message sent (POST) is answered by send, never here.
            CustomerConfig customer = authenticate(ctx, request);
            Map<String, List<String>> query = new QueryStringDecoder(request.uri()).parameters();
            return json(200, api.find(customer, parameter(query, "reference"), parameter(query, "limit"),
                    parameter(query, "after")));
        }
        // A message's state.
        CustomerConfig customer = authenticate(ctx, request);
        String id;
        try {
            id = QueryStringDecoder.decodeComponent(path.substring(MESSAGES.length() + 1));
        } catch (IllegalArgumentException e) {
            throw ApiRefusal.invalid("id", "the message id has a malformed percent-encoding");
        }
        return json(200, api.status(customer, id));
    }

    /**
     * The customer API's resources and the methods each takes: what requests are routed on, the methods a 405 names,
     * and what the OpenAPI document must describe, each of them (OpenApiDocumentsTest).
     */
    enum Resource {
        MESSAGES(ApiHandler.MESSAGES, HttpMethod.GET, HttpMethod.POST),
        MESSAGE(ApiHandler.MESSAGES + "/{id}", HttpMethod.GET),
        DOCUMENT(ApiDocument.PATH, HttpMethod.GET),
        NUMBERS(ApiHandler.NUMBERS, HttpMethod.GET),
        /** Kannel's door, answered by {@link SendSmsDoor} in Kannel's words while a customer has it. */
        SENDSMS(SendSmsDoor.PATH, HttpMethod.GET, HttpMethod.POST);

        /** The path as the OpenAPI document writes it: a last segment {@code {name}} is any text without a slash. */
        final String template;
        final List<HttpMethod> methods;

        Resource(String template, HttpMethod... methods) {
            this.template = template;
            this.methods = List.of(methods);
        }

        /** The resource at {@code rawPath}, or null for none. */
        static Resource at(String rawPath) {
            for (Resource r : values()) {
                if (r.matches(rawPath)) {
                    return r;
                }
            }
            return null;
        }

        private boolean matches(String rawPath) {
            int variable = template.indexOf('{');
            if (variable < 0) {
                return rawPath.equals(template);
            }
            String prefix = template.substring(0, variable);
            return rawPath.startsWith(prefix) && rawPath.indexOf('/', prefix.length()) < 0;
        }
    }

    /** The customer whose API key the request carries, named in the access log too. */
    private CustomerConfig authenticate(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.headers().getAll(HttpHeaderNames.AUTHORIZATION).size() > 1) {
            // Which one would a proxy in front have checked? Refused, as on the compliance listener.
            throw ApiRefusal.invalid("Authorization", "Authorization is given more than once");
        }
        String key = Responses.bearerToken(request);
        CustomerConfig customer = keys.holderOf(key).orElseThrow(() -> new ApiRefusal(401, "unauthenticated", null,
                key == null ? "no API key (Authorization: Bearer <key>)" : "unknown API key"));
        ctx.channel().attr(ASKING).set(customer);
        return customer;
    }

    /** The body: a JSON object of string members among {@link #MEMBERS}; {@code to} may be an array of strings. */
    private SendRequest body(FullHttpRequest request) {
        JsonNode root;
        try {
            root = StrictJson.read(request.content());
        } catch (IOException e) {
            throw ApiRefusal.invalid("body", StrictJson.REFUSED);
        }
        if (root == null || !root.isObject()) {
            throw ApiRefusal.invalid("body", "the body must be a JSON object");
        }
        Map<String, String> members = new LinkedHashMap<>();
        List<String> recipients = null;
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            JsonNode value = root.get(name);
            if (!MEMBERS.contains(name)) {
                throw ApiRefusal.invalid(name, "unknown member " + name + " (known: to, from, text, validity,"
                        + " contentRetention, reference)");
            }
            if (name.equals("to") && value.isArray()) {
                recipients = BatchSend.recipients(value);
                continue;
            }
            if (!value.isTextual()) {
                throw ApiRefusal.invalid(name, name + " must be a string");
            }
            members.put(name, value.asText());
        }
        return new SendRequest(members.get("to"), recipients, members.get("from"), members.get("text"),
                members.get("validity"), members.get("contentRetention"), members.get("reference"));
    }

    private FullHttpResponse json(int status, Object body) {
        try {
            return Responses.of(status, Responses.JSON, json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response cannot be serialised", e);
        }
    }

    /** RFC 9110 §15.5.6: a 405 names the methods the resource supports. */
    private FullHttpResponse notAllowed(FullHttpRequest request, String path, List<HttpMethod> allowed) {
        FullHttpResponse r = Responses.problem(json, Problem.of(405, "method-not-allowed", "Method not allowed",
                request.method() + " is not supported on " + path));
        r.headers().set(HttpHeaderNames.ALLOW, allowed.stream().map(HttpMethod::name).collect(Collectors.joining(", ")));
        return r;
    }

    /** A query parameter given at most once, or null. */
    private static String parameter(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        if (values == null) {
            return null;
        }
        if (values.size() > 1) {
            throw ApiRefusal.invalid(name, name + " is given more than once");
        }
        return values.get(0);
    }

    private static String clientIp(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : null;
    }

    /** {@code GET /v1/numbers}: the customer's numbers and short codes that receive MO. */
    private record Numbers(List<String> numbers) {
    }

    /** The 202 answer: one id per segment, in order. */
    private record Accepted(List<Id> messages, int segments, String encoding) {
        private record Id(String id) {
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // An idle connection closed by the read timeout is routine, not a failure.
        if (!(cause instanceof ReadTimeoutException)) {
            LOG.warn("customer API connection from {} failed: {}", clientIp(ctx), cause.getClass().getSimpleName());
        }
        ctx.close();
    }
}
