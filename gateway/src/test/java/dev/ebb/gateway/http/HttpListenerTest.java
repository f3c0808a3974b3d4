package dev.ebb.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.config.HttpLimitsConfig;
import dev.ebb.gateway.config.ListenerConfig;
import dev.ebb.gateway.net.WriteBackpressure;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.TestConfigs;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every HTTP listener (customer API, compliance API, metrics) does before its own handlers see a request, over
 * raw sockets: slow, greedy and malformed clients are bounded and refused (issue 9 items 4, 11 and 15).
 */
class HttpListenerTest {
    private static final String GET = "GET / HTTP/1.1\r\nHost: ebb\r\n\r\n";

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final AtomicInteger answered = new AtomicInteger();
    private HttpListener listener;

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Issue 9 item 4: the answers to pipelined requests a client never reads piled up in the heap without limit. */
    @Test
    void aClientThatPipelinesAndNeverReadsIsNoLongerReadFromOnceItsAnswersPileUp() throws Exception {
        int answerBytes = 2048;
        int requests = 10_000;
        listen(HttpLimitsConfig.defaults(), answerBytes);
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(8 * 1024);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.port()));
            OutputStream out = socket.getOutputStream();
            Thread writer = new Thread(() -> {
                try {
                    out.write(GET.repeat(requests).getBytes(StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            writer.start();

            int settled = settledCount();

            // Without the limit every request is answered into the outbound buffer: 10,000 × 2 KiB. With it, what
            // the kernel's socket buffers take (4 MiB send buffer at most here) plus the high-water mark.
            long bound = (4L * 1024 * 1024 + WriteBackpressure.WATER_MARK.high()) / answerBytes + 64;
            assertThat(settled).as("requests answered while the client reads nothing").isLessThan((int) bound)
                    .isLessThan(requests);
            socket.close();
            writer.join(10_000);
        }
    }

    /** Issue 9 item 11: a slowloris client sending a byte every 2 s kept its connection for a minute and more. */
    @Test
    void headersTrickledPastTheHeaderDeadlineGet408AndTheConnectionIsClosed() throws Exception {
        listen(TestConfigs.limits().timeouts(Duration.ofMillis(300), Duration.ofSeconds(5)).build(), 2);
        try (RawHttp client = new RawHttp(listener.port())) {
            Trickle trickle = Trickle.start(client, "GET / HTTP/1.1\r\nHost: ebb\r\nX-Slow: " + "a".repeat(100));

            RawHttp.Answer answer = client.read();

            assertThat(answer.status()).isEqualTo(408);
            assertThat(answer.header("content-type")).isEqualTo("application/problem+json");
            assertThat(answer.header("connection")).isEqualTo("close");
            assertThat(client.closedByServer()).isTrue();
            assertThat(trickle.sent()).as("refused while the headers were still trickling in").isLessThan(100);
            assertThat(answered).hasValue(0);
        }
    }

    @Test
    void aBodyTrickledPastTheRequestDeadlineGets408() throws Exception {
        listen(TestConfigs.limits().timeouts(Duration.ofMillis(300), Duration.ofMillis(600)).build(), 2);
        try (RawHttp client = new RawHttp(listener.port())) {
            Trickle trickle = Trickle.start(client, "POST / HTTP/1.1\r\nHost: ebb\r\nContent-Length: 100\r\n\r\n",
                    "x".repeat(100));

            RawHttp.Answer answer = client.read();

            assertThat(answer.status()).isEqualTo(408);
            assertThat(client.closedByServer()).isTrue();
            assertThat(trickle.sent()).isLessThan(100);
            assertThat(answered).hasValue(0);
        }
    }

    @Test
    void requestsWithinTheDeadlinesAreAnsweredOnAKeptConnection() throws Exception {
        listen(TestConfigs.limits().timeouts(Duration.ofMillis(300), Duration.ofMillis(600)).build(), 2);
        try (RawHttp client = new RawHttp(listener.port())) {
            for (int i = 0; i < 3; i++) {
                client.write(GET);
                assertThat(client.read().status()).isEqualTo(200);
            }
        }
    }

    /** Issue 9 item 11: 3,000 idle connections were accepted at once; 21,000 exhausted the file descriptors. */
    @Test
    void connectionsOverTheAddressOrListenerCapOfRequestsInProgressGet503AndAreClosed() throws Exception {
        listen(TestConfigs.limits().connections(2, 1).build(), 2);
        try (RawHttp first = new RawHttp(listener.port(), InetAddress.getByName("127.0.0.1"))) {
            inProgress(first); // not closed for a newer connection
            assertRefused(new RawHttp(listener.port(), InetAddress.getByName("127.0.0.1")), "this address");
            try (RawHttp second = new RawHttp(listener.port(), InetAddress.getByName("127.0.0.2"))) {
                inProgress(second);
                assertRefused(new RawHttp(listener.port(), InetAddress.getByName("127.0.0.3")), "the listener");
                finish(second);
            }
            finish(first);
        }
        assertThat(listener.refusedConnections()).isEqualTo(2);
        assertThat(listener.evictedConnections()).isZero();
    }

    /**
     * Issue 9 hostile test 13: five addresses holding 250 connections each that never sent a byte got every customer
     * request a 503 for as long as they liked.
     */
    @Test
    void atTheCapAnIdleConnectionIsClosedToAdmitANewOne() throws Exception {
        listen(TestConfigs.limits().connections(4, 3).build(), 2);
        try (RawHttp busy = new RawHttp(listener.port(), InetAddress.getByName("127.0.0.10"));
             RawHttp idle = new RawHttp(listener.port(), InetAddress.getByName("127.0.0.10"));
             RawHttp idle2 = new RawHttp(listener.port(), InetAddress.getByName("127.0.0.10"));
             RawHttp kept = new RawHttp(listener.port(), InetAddress.getByName("127.0.0.11"))) {
            inProgress(busy);
            kept.write(GET);
            assertThat(kept.read().status()).isEqualTo(200); // idle again after its answer

            try (RawHttp customer = new RawHttp(listener.port(), InetAddress.getByName("127.0.0.2"))) {
                customer.write(GET);
                assertThat(customer.read().status()).isEqualTo(200);
            }

            assertThat(idle.closedByServer()).as("the longest idle of the address with the most idle").isTrue();
            for (RawHttp other : List.of(idle2, kept)) {
                other.write(GET);
                assertThat(other.read().status()).isEqualTo(200);
            }
            finish(busy); // a request in progress is never closed for a newer connection
        }
        assertThat(listener.evictedConnections()).isEqualTo(1);
        assertThat(listener.refusedConnections()).isZero();
    }

    /** Issue 9 hostile re-test: connections that sent one byte of headers counted as busy and locked customers out. */
    @Test
    void aConnectionStillSendingItsHeadersIsClosedToAdmitANewOne() throws Exception {
        listen(TestConfigs.limits().connections(2, 2).build(), 2);
        try (RawHttp trickling = new RawHttp(listener.port(), InetAddress.getByName("127.0.0.10"));
             RawHttp trickling2 = new RawHttp(listener.port(), InetAddress.getByName("127.0.0.10"))) {
            trickling.write("G");
            trickling2.write("G");
            // Nothing on the wire tells when the listener has read a byte that gets no answer: give it that time.
            Thread.sleep(300);
            try (RawHttp customer = new RawHttp(listener.port(), InetAddress.getByName("127.0.0.2"))) {
                customer.write(GET);
                assertThat(customer.read().status()).isEqualTo(200);
            }
            assertThat(trickling.closedByServer()).as("the longest waiting of the address with the most").isTrue();
        }
        assertThat(listener.evictedConnections()).isEqualTo(1);
        assertThat(listener.refusedConnections()).isZero();
    }

    /** Issue 9 hostile test 13: a connection that sent no byte was held 60 s, the header deadline never started. */
    @Test
    void aConnectionThatSendsNothingIsClosedAtTheHeaderDeadline() throws Exception {
        listen(TestConfigs.limits().timeouts(Duration.ofMillis(300), Duration.ofSeconds(5)).build(), 2);
        try (RawHttp client = new RawHttp(listener.port())) {
            long start = System.nanoTime();

            assertThat(client.closedByServer()).isTrue();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
        assertThat(listener.silentConnections()).isEqualTo(1);
    }

    /** Issue 9 hostile test 13: the header deadline of a connection's first request counts from its opening. */
    @Test
    void theFirstRequestsHeadersAreDueAtTheHeaderDeadlineFromTheConnectionOpening() throws Exception {
        listen(TestConfigs.limits().timeouts(Duration.ofMillis(300), Duration.ofSeconds(5)).build(), 2);
        try (RawHttp client = new RawHttp(listener.port())) {
            Trickle.start(client, "GET / HTTP/1.1\r\nHost: ebb\r\nX-Slow: " + "a".repeat(100));

            RawHttp.Answer answer = client.read();

            assertThat(answer.status()).isEqualTo(408);
            assertThat(answer.body()).contains("of the connection opening");
        }
    }

    /** Issue 9 item 15: RFC 9112 §3.2, a server MUST answer 400 to an HTTP/1.1 request without Host, or with two. */
    @Test
    void anHttp11RequestWithoutExactlyOneHostGets400() throws Exception {
        listen(HttpLimitsConfig.defaults(), 2);
        for (String request : List.of("GET / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
                "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n")) {
            try (RawHttp client = new RawHttp(listener.port())) {
                client.write(request);

                RawHttp.Answer answer = client.read();

                assertThat(answer.status()).as(request).isEqualTo(400);
                assertThat(answer.header("content-type")).isEqualTo("application/problem+json");
                assertThat(answer.body()).contains("\"field\":\"Host\"");
                assertThat(client.closedByServer()).isTrue();
            }
        }
        assertThat(answered).hasValue(0);
        try (RawHttp client = new RawHttp(listener.port())) {
            client.write("GET / HTTP/1.0\r\n\r\n");
            assertThat(client.read().status()).as("HTTP/1.0 has no Host requirement").isEqualTo(200);
        }
    }

    /** Issue 9 item 15: an HTTP/1.0 keep-alive client (ab -k) waited for an answer that did not say keep-alive. */
    @Test
    void anHttp10KeepAliveRequestIsAnsweredKeepAliveAndTheConnectionServesTheNext() throws Exception {
        listen(HttpLimitsConfig.defaults(), 2);
        try (RawHttp client = new RawHttp(listener.port())) {
            for (int i = 0; i < 2; i++) {
                client.write("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");

                RawHttp.Answer answer = client.read();

                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.header("connection")).isEqualToIgnoringCase("keep-alive");
            }
        }
        assertThat(answered).hasValue(2);
    }

    @Test
    void anHttp10RequestWithoutKeepAliveIsClosedAfterItsAnswer() throws Exception {
        listen(HttpLimitsConfig.defaults(), 2);
        try (RawHttp client = new RawHttp(listener.port())) {
            client.write("GET / HTTP/1.0\r\n\r\n");

            RawHttp.Answer answer = client.read();

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.header("connection")).isEqualToIgnoringCase("close");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    /** Issue 9 item 15: an expectation other than 100-continue got an empty 417. */
    @Test
    void anUnsupportedExpectationGets417AsProblemJsonAndTheConnectionIsClosed() throws Exception {
        listen(HttpLimitsConfig.defaults(), 2);
        try (RawHttp client = new RawHttp(listener.port())) {
            client.write("POST / HTTP/1.1\r\nHost: ebb\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\n");

            RawHttp.Answer answer = client.read();

            assertThat(answer.status()).isEqualTo(417);
            assertThat(answer.header("content-type")).isEqualTo("application/problem+json");
            assertThat(answer.body()).contains("\"field\":\"Expect\"");
            assertThat(answer.header("connection")).isEqualTo("close");
            assertThat(client.closedByServer()).isTrue();
            assertThat(answered).hasValue(0);
        }
    }

    /**
     * Issue 9 hostile test 10: after a request refused on its head, Netty's decoder read its body as the next
     * request, and a request smuggled in it was answered.
     */
    @Test
    void aRequestSentAsTheBodyOfOneRefusedOnItsHeadIsNeverRun() throws Exception {
        listen(HttpLimitsConfig.defaults(), 2);
        String smuggled = "GET /smuggled HTTP/1.1\r\nHost: ebb\r\n\r\n";
        for (String expectation : List.of("Expect: bogus\r\nContent-Length: " + smuggled.length(),
                "Expect: 100-continue\r\nContent-Length: 2000")) {
            try (RawHttp client = new RawHttp(listener.port())) {
                client.write("POST / HTTP/1.1\r\nHost: ebb\r\n" + expectation + "\r\n\r\n" + smuggled);

                assertThat(client.read().status()).as(expectation).isIn(413, 417);
                assertThat(client.closedByServer()).as(expectation).isTrue();
            }
        }
        assertThat(answered).hasValue(0);
    }

    /** Starts a request the server is seen to be reading: its head, answered 100 Continue, and not its body. */
    private static void inProgress(RawHttp client) throws IOException {
        client.write("POST / HTTP/1.1\r\nHost: ebb\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
        assertThat(client.read().status()).isEqualTo(100);
    }

    private static void finish(RawHttp client) throws IOException {
        client.write("ok");
        assertThat(client.read().status()).isEqualTo(200);
    }

    private static void assertRefused(RawHttp client, String which) throws IOException {
        try (client) {
            RawHttp.Answer answer = client.read();
            assertThat(answer.status()).isEqualTo(503);
            assertThat(answer.header("content-type")).isEqualTo("application/problem+json");
            assertThat(answer.header("retry-after")).isNotNull();
            assertThat(answer.body()).contains(which);
            assertThat(client.closedByServer()).isTrue();
        }
    }

    /** Waits until the count of answered requests has not moved for a second (the connection stalled or is done). */
    private int settledCount() {
        int[] last = {-1};
        long[] since = {System.nanoTime()};
        Await.until("the server stops answering", Duration.ofSeconds(30), () -> {
            int now = answered.get();
            if (now != last[0]) {
                last[0] = now;
                since[0] = System.nanoTime();
                return false;
            }
            return System.nanoTime() - since[0] > TimeUnit.SECONDS.toNanos(1);
        });
        return last[0];
    }

    private void listen(HttpLimitsConfig limits, int answerBytes) throws InterruptedException {
        byte[] body = "x".repeat(answerBytes).getBytes(StandardCharsets.US_ASCII);
        listener = HttpListener.bind(new ListenerConfig("127.0.0.1", 0, limits), group, Optional.empty(),
                ListenerRefusals.NONE,
                () -> List.of(new BodyLimitAggregator(1024, ListenerRefusals.NONE),
                        new SimpleChannelInboundHandler<FullHttpRequest>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                                answered.incrementAndGet();
                                Responses.send(ctx, request, Responses.of(200, "text/plain", body));
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close(); // as the listeners' handlers do
                            }
                        }));
    }

    /** Writes a head at once, then the rest a byte every 50 ms on its own thread, until done or refused. */
    private static final class Trickle {
        private final AtomicInteger sent = new AtomicInteger();

        static Trickle start(RawHttp client, String slow) {
            return start(client, "", slow);
        }

        static Trickle start(RawHttp client, String head, String slow) {
            Trickle t = new Trickle();
            Thread thread = new Thread(() -> {
                try {
                    if (!head.isEmpty()) {
                        client.write(head);
                    }
                    for (char c : slow.toCharArray()) {
                        client.write(String.valueOf(c));
                        t.sent.incrementAndGet();
                        Thread.sleep(50);
                    }
                } catch (IOException | InterruptedException e) {
                    // refused and closed: the point
                }
            });
            thread.setDaemon(true);
            thread.start();
            return t;
        }

        int sent() {
            return sent.get();
        }
    }
}
