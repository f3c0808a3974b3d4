package dev.ebb.gateway.http.compliance;

import dev.ebb.gateway.compliance.RequestContext;
import dev.ebb.gateway.http.Responses;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The headers of the compliance API: who asks, on what grounds, and what a response names. */
final class Headers {
    static final String CASE = "X-Case-Reference";
    static final String BASIS = "X-Legal-Basis";
    static final String CONTINUATION = "X-Continuation";
    static final String COUNT = "X-Record-Count";
    static final String REQUEST_ID = "X-Request-Id";

    private Headers() {
    }

    /**
     * Who asks and on what grounds. A case or basis header sent more than once or not in UTF-8 is left out here;
     * {@link #check} refuses it in every audited call.
     */
    static RequestContext context(ChannelHandlerContext ctx, HttpRequest request) {
        return new RequestContext(Responses.bearerToken(request), text(request, CASE), text(request, BASIS),
                clientAddress(ctx));
    }

    static String clientAddress(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
    }

    /**
     * Refuses a header the API reads given more than once (issue 9: the second was silently dropped), and a case
     * reference or legal basis that is not UTF-8.
     */
    static void check(HttpRequest request) {
        for (String name : List.of(HttpHeaderNames.AUTHORIZATION.toString(), CASE, BASIS)) {
            List<String> values = request.headers().getAll(name);
            if (values.size() > 1) {
                throw new BadRequest(name, name + " is given more than once");
            }
            if (!name.equals(HttpHeaderNames.AUTHORIZATION.toString()) && values.size() == 1
                    && utf8(values.get(0)) == null) {
                throw new BadRequest(name, name + " is not UTF-8");
            }
        }
    }

    /** The context with the case named in the path, which a case header, if sent, must repeat. */
    static RequestContext withCase(RequestContext base, String pathCase) {
        if (base.caseReference() != null && !base.caseReference().equals(pathCase)) {
            throw new BadRequest(CASE, CASE + " differs from the case in the path");
        }
        return new RequestContext(base.bearerToken(), pathCase, base.legalBasis(), base.clientAddress());
    }

    /** A text header's one value, decoded as UTF-8; null if absent, repeated or not UTF-8. */
    private static String text(HttpRequest request, String name) {
        List<String> values = request.headers().getAll(name);
        return values.size() == 1 ? utf8(values.get(0)) : null;
    }

    /**
     * A header value as the client wrote it. Netty hands over field bytes as ISO-8859-1 characters (RFC 9110 §5.5
     * leaves other encodings to each field); the case reference and legal basis are taken as UTF-8, the encoding of
     * JSON bodies and of percent-encoded paths, so that "§" or "Ø" is stored as sent and a case named in a header
     * and in a path compare equal. Null if the bytes are not UTF-8.
     */
    private static String utf8(String latin1) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(latin1.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
