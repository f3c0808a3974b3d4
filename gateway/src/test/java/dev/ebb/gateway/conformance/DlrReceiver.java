package dev.ebb.gateway.conformance;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** The customer's web application behind Kannel's dlr-url: keeps the query of every delivery report call. */
final class DlrReceiver implements AutoCloseable {
    private static final String PATH = "/dlr";
    private final HttpServer server;
    private final List<Map<String, String>> calls = new CopyOnWriteArrayList<>();

    private DlrReceiver(HttpServer server) {
        this.server = server;
    }

    static DlrReceiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        DlrReceiver receiver = new DlrReceiver(server);
        server.createContext(PATH, exchange -> {
            receiver.calls.add(query(exchange.getRequestURI()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return receiver;
    }

    /** The address to give Kannel, with its {@code %X} escapes in {@code query} left for Kannel to fill. */
    String url(String query) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH + "?" + query;
    }

    List<Map<String, String>> calls() {
        return calls;
    }

    private static Map<String, String> query(URI uri) {
        String raw = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        return Arrays.stream(raw.split("&")).filter(p -> !p.isEmpty()).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(kv -> decode(kv[0]), kv -> kv.length > 1 ? decode(kv[1]) : "",
                        (a, b) -> b));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
