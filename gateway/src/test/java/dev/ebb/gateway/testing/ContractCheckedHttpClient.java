package dev.ebb.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * An {@link HttpClient} that checks each exchange with one of Ebb's listeners against that listener's OpenAPI
 * document ({@link OpenApiContract}) as the response body completes, whatever body handler the caller chose, and
 * records every violation; {@link #assertConformed} fails the test with them. Exchanges with anything else (a
 * metrics port, a receipt endpoint) pass unchecked. Tests get it from {@link GatewayFixture#http()}, so a test
 * written later is checked without asking.
 */
public final class ContractCheckedHttpClient extends HttpClient {
    private final HttpClient delegate;
    private final Function<URI, OpenApiContract> contracts;
    private final List<String> violations = new ArrayList<>();

    /**
     * @param contracts the document an exchange with a URI is checked against, or null for none
     */
    public ContractCheckedHttpClient(HttpClient delegate, Function<URI, OpenApiContract> contracts) {
        this.delegate = delegate;
        this.contracts = contracts;
    }

    /** The violations recorded so far. */
    public List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    /** Fails with every violation recorded so far, and forgets them. */
    public void assertConformed() {
        List<String> found;
        synchronized (violations) {
            found = List.copyOf(violations);
            violations.clear();
        }
        if (!found.isEmpty()) {
            throw new AssertionError("exchanges that differ from the OpenAPI document:\n  " + String.join("\n  ", found));
        }
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        return delegate.send(request, checked(request, handler));
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                                                            HttpResponse.BodyHandler<T> handler) {
        return delegate.sendAsync(request, checked(request, handler));
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
        return delegate.sendAsync(request, checked(request, handler), pushPromiseHandler);
    }

    private <T> HttpResponse.BodyHandler<T> checked(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        OpenApiContract contract = contracts.apply(request.uri());
        if (contract == null) {
            return handler;
        }
        byte[] requestBody = bodyOf(request);
        return info -> new Tee<>(handler.apply(info), responseBody -> record(contract.check(new OpenApiContract.Exchange(
                request.method(), request.uri(), request.headers().map(), requestBody, info.statusCode(),
                info.headers().map(), responseBody))));
    }

    private void record(List<String> found) {
        synchronized (violations) {
            violations.addAll(found);
        }
    }

    /** The bytes the request's publisher gives (it is subscribed to again when the request is sent). */
    private static byte[] bodyOf(HttpRequest request) {
        Optional<HttpRequest.BodyPublisher> publisher = request.bodyPublisher();
        if (publisher.isEmpty() || publisher.get().contentLength() == 0) {
            return new byte[0];
        }
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        publisher.get().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                copy(item, bytes);
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(bytes.toByteArray());
            }
        });
        try {
            return done.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading the request body", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the request body could not be read for checking", e);
        }
    }

    private static void copy(ByteBuffer buffer, ByteArrayOutputStream into) {
        ByteBuffer b = buffer.duplicate();
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        into.writeBytes(chunk);
    }

    /** Passes the body on to the caller's subscriber, keeping a copy, and checks the exchange once it is whole. */
    private final class Tee<T> implements HttpResponse.BodySubscriber<T> {
        private final HttpResponse.BodySubscriber<T> downstream;
        private final Consumer<byte[]> whole;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Tee(HttpResponse.BodySubscriber<T> downstream, Consumer<byte[]> whole) {
            this.downstream = downstream;
            this.whole = whole;
        }

        @Override
        public CompletionStage<T> getBody() {
            return downstream.getBody();
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            downstream.onSubscribe(subscription);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            items.forEach(b -> copy(b, bytes));
            downstream.onNext(items);
        }

        @Override
        public void onError(Throwable throwable) {
            downstream.onError(throwable);
        }

        @Override
        public void onComplete() {
            // Before the caller's subscriber completes, so the check is recorded by the time send returns.
            try {
                whole.accept(bytes.toByteArray());
            } catch (RuntimeException e) {
                record(List.of("the exchange could not be checked: " + e));
            }
            downstream.onComplete();
        }
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return delegate.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
        return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return delegate.authenticator();
    }

    @Override
    public Version version() {
        return delegate.version();
    }

    @Override
    public Optional<Executor> executor() {
        return delegate.executor();
    }
}
