package dev.ebb.gateway.http.compliance;

import dev.ebb.gateway.http.BuiltInFile;
import dev.ebb.gateway.http.Responses;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The compliance console (issue 16): static HTML, CSS and JavaScript from the jar ({@code src/main/resources/console/})
 * under {@value #ROOT}, on the compliance listener's port and TLS. The files are the same for everyone and hold no
 * data, so they load without a token and are not audited; everything the console shows comes from the API with the
 * officer's or auditor's token, authorised and audited like any other client's call.
 *
 * <p>Only the files named here are served, by exact raw path: nothing is looked up by a name the client chose, so no
 * {@code ..}, encoded or not, reaches a file; any other path under {@value #ROOT} goes to the API's router and is an
 * audited 404 like any unknown path.
 */
final class Console {
    static final String ROOT = "/console/";
    /**
     * Nothing from elsewhere, no inline script or style, no plugins, no framing, no forms that post anywhere, and DOM
     * writes only through APIs that cannot run script (Trusted Types: the console never assigns HTML).
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'";
    /** Revalidated on every load (a strong ETag makes that a 304): a new jar's console never runs on an old API. */
    private static final String CACHE = "no-cache";

    private final Map<String, BuiltInFile> files = new LinkedHashMap<>();

    Console() {
        file("", "index.html", "text/html; charset=utf-8");
        file("index.html", "index.html", "text/html; charset=utf-8");
        file("console.css", "console.css", "text/css; charset=utf-8");
        file("console.js", "console.js", "text/javascript; charset=utf-8");
        file("verify.js", "verify.js", "text/javascript; charset=utf-8");
        file("icon.svg", "icon.svg", "image/svg+xml");
    }

    private void file(String path, String resource, String mediaType) {
        files.put(ROOT + path, BuiltInFile.load("/console/" + resource, mediaType, CACHE));
    }

    /** True if {@code rawPath} is the console's root without its slash, or one of its files. */
    boolean serves(String rawPath) {
        return rawPath.equals(ROOT.substring(0, ROOT.length() - 1)) || files.containsKey(rawPath);
    }

    /**
     * The answer to a GET of a path it {@link #serves}: the file, or a redirect from {@code /console} to its root; the
     * handler {@link #secure}s it like every answer under the console.
     */
    FullHttpResponse answer(HttpRequest request, String rawPath) {
        BuiltInFile file = files.get(rawPath);
        if (file != null) {
            return file.answer(request);
        }
        // RFC 9110 §15.4.2: the console's pages are relative to its root, so /console moves there for good.
        FullHttpResponse r = Responses.of(301, "text/plain; charset=utf-8", new byte[0]);
        r.headers().set(HttpHeaderNames.LOCATION, ROOT);
        return r;
    }

    /** True if {@code rawPath} is the console's root or under it: its answers, found or not, get the console's policy. */
    static boolean covers(String rawPath) {
        return rawPath.startsWith(ROOT) || rawPath.equals(ROOT.substring(0, ROOT.length() - 1));
    }

    /** Sets the policy and the other browser protections every answer under {@value #ROOT} carries. */
    static void secure(HttpHeaders h) {
        h.set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .set("X-Frame-Options", "DENY")
                .set("X-Content-Type-Options", "nosniff")
                .set("Referrer-Policy", "no-referrer")
                .set("Cross-Origin-Opener-Policy", "same-origin")
                .set("Cross-Origin-Resource-Policy", "same-origin")
                .set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
    }
}
