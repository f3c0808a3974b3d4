package dev.ebb.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A GET as a stock Kannel client makes it to {@code /cgi-bin/sendsms}. */
public final class KannelClient {
    private KannelClient() {
    }

    /**
     * The request made with curl when installed (the raw query exactly as written), else with {@code fallback} and
     * the same raw URI.
     *
     * @return the status and the body
     */
    public static String[] get(HttpClient fallback, int port, String pathAndQuery) throws Exception {
        String url = "http://127.0.0.1:" + port + pathAndQuery;
        Path curl = Path.of("/usr/bin/curl");
        if (Files.isExecutable(curl)) {
            Process p = new ProcessBuilder(curl.toString(), "-s", "-g", "-w", "\n%{http_code}", url)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            int nl = out.lastIndexOf('\n');
            return new String[] {out.substring(nl + 1), out.substring(0, nl)};
        }
        HttpResponse<String> r = fallback.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new String[] {Integer.toString(r.statusCode()), r.body()};
    }
}
