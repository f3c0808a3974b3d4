package dev.ebb.gateway.http;

import dev.ebb.metadata.Sha256;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;

/**
 * A file built into the jar, read once, as a listener serves it: with its media type, a strong ETag of its bytes, so
 * a client revalidates with {@code If-None-Match} and gets 304 (RFC 9110 §8.8.3, §13.1.2), and the caching rule its
 * listener gives it. Immutable: one instance serves every connection.
 */
public final class BuiltInFile {
    private final byte[] bytes;
    private final String mediaType;
    private final String etag;
    private final String cacheControl;

    private BuiltInFile(byte[] bytes, String mediaType, String cacheControl) {
        this.bytes = bytes;
        this.mediaType = mediaType;
        this.etag = '"' + HexFormat.of().formatHex(Sha256.of(bytes)) + '"';
        this.cacheControl = cacheControl;
    }

    /**
     * @param resource     the file on the class path ({@code /openapi/customer-api.json})
     * @param mediaType    the {@code Content-Type} of its answers
     * @param cacheControl the {@code Cache-Control} of its answers
     * @throws IllegalStateException if the jar does not hold it (a broken build: nothing to start without)
     */
    public static BuiltInFile load(String resource, String mediaType, String cacheControl) {
        try (InputStream in = BuiltInFile.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the jar holds no " + resource);
            }
            return new BuiltInFile(in.readAllBytes(), mediaType, cacheControl);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /** The file, or 304 when the request's {@code If-None-Match} names its current ETag. */
    public FullHttpResponse answer(HttpRequest request) {
        boolean current = matches(request.headers().getAll(HttpHeaderNames.IF_NONE_MATCH));
        FullHttpResponse r = current ? Responses.of(304, mediaType, new byte[0]) : Responses.of(200, mediaType, bytes);
        if (current) {
            // RFC 9110 §15.4.5: a 304 has no content, and describes none beyond the validators it confirms.
            r.headers().remove(HttpHeaderNames.CONTENT_TYPE).remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        r.headers().set(HttpHeaderNames.ETAG, etag).set(HttpHeaderNames.CACHE_CONTROL, cacheControl);
        return r;
    }

    /** RFC 9110 §13.1.2: {@code *}, or a list of entity tags compared weakly (a {@code W/} prefix is ignored). */
    private boolean matches(Iterable<String> ifNoneMatch) {
        for (String header : ifNoneMatch) {
            for (String tag : header.split(",")) {
                String t = tag.strip();
                if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(etag)) {
                    return true;
                }
            }
        }
        return false;
    }
}
