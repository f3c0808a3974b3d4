package dev.ebb.gateway.http;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;

/**
 * An OpenAPI document built into the jar ({@code src/main/resources/openapi/}), as a listener serves it at
 * {@value #PATH}: a {@link BuiltInFile} of the OpenAPI media type, with the listener's own caching rule. Immutable:
 * one instance serves every connection.
 */
public final class ApiDocument {
    /** Where each listener serves its document. */
    public static final String PATH = "/v1/openapi.json";
    /** The media type the OpenAPI Initiative registered for its JSON documents, with the version it follows. */
    public static final String MEDIA_TYPE = "application/vnd.oai.openapi+json;version=3.1";

    private final BuiltInFile file;

    private ApiDocument(BuiltInFile file) {
        this.file = file;
    }

    /**
     * @param resource     the document on the class path ({@code /openapi/customer-api.json})
     * @param cacheControl the {@code Cache-Control} of its answers
     * @throws IllegalStateException if the jar does not hold it (a broken build: nothing to start without)
     */
    public static ApiDocument load(String resource, String cacheControl) {
        return new ApiDocument(BuiltInFile.load(resource, MEDIA_TYPE, cacheControl));
    }

    /** The document, or 304 when the request's {@code If-None-Match} names its current ETag. */
    public FullHttpResponse answer(HttpRequest request) {
        return file.answer(request);
    }
}
