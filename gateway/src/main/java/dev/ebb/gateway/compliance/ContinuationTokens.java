package dev.ebb.gateway.compliance;

import dev.ebb.metadata.QueryPage;
import dev.ebb.metadata.TrafficQuery;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The continuation tokens the compliance API hands out (issue 9): the store's cursor together with the window of the
 * query's first page, so that later pages continue that window even where {@code to} defaulted to "now", under an
 * HMAC-SHA256 (RFC 2104) that also covers the query's selector, its page limit and who holds it (the officer's token
 * id for a direct query, the request for a disclosure request's pages). A token changed in any bit, made up, or
 * presented with another selector, another limit or by another officer does not open, and is refused before anything
 * runs: a token is one officer's continuation of one query, not a cursor anyone who sees it can pick up.
 *
 * <p>Layout before Base64url: version (1 byte), {@code from} and {@code to} as epoch second (8) and nanosecond (4)
 * each, the length (1) and ASCII bytes of the store's cursor, then the HMAC (32) over all of that, the selector, the
 * limit and the holder.
 */
final class ContinuationTokens {
    /** What the key is derived for ({@link DeliverySigner#derivedKey}). */
    static final String PURPOSE = "ebb compliance continuation tokens v1";
    private static final byte VERSION = 1;
    private static final int HEADER = 1 + 2 * (8 + 4) + 1;
    private static final int MAC_LENGTH = 32;

    private final SecretKeySpec key;

    ContinuationTokens(byte[] key) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    /** Where a token continues: the first page's window and the store's cursor. */
    record Opened(Instant from, Instant to, String cursor) {
    }

    /** The page with its continuation, if any, sealed for {@code query} as continued by {@code holder}. */
    QueryPage seal(TrafficQuery query, String holder, QueryPage page) {
        return page.continuation().isEmpty() ? page
                : new QueryPage(page.records(), Optional.of(seal(query, holder, page.continuation().get())));
    }

    private String seal(TrafficQuery query, String holder, String cursor) {
        byte[] c = cursor.getBytes(StandardCharsets.US_ASCII);
        if (c.length > 255) {
            throw new IllegalStateException("store cursor of " + c.length + " bytes does not fit a token");
        }
        ByteBuffer b = ByteBuffer.allocate(HEADER + c.length + MAC_LENGTH).put(VERSION)
                .putLong(query.from().getEpochSecond()).putInt(query.from().getNano())
                .putLong(query.to().getEpochSecond()).putInt(query.to().getNano()).put((byte) c.length).put(c);
        b.put(mac(b.array(), b.position(), query.criterion(), query.limit(), holder));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /**
     * Opens a token handed out to {@code holder} for a query with {@code criterion} and pages of {@code limit}; empty
     * if it was not (or was changed since).
     */
    Optional<Opened> open(String token, TrafficQuery.Criterion criterion, int limit, String holder) {
        byte[] t;
        try {
            t = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (t.length < HEADER + MAC_LENGTH || t[0] != VERSION
                || t.length != HEADER + (t[HEADER - 1] & 0xFF) + MAC_LENGTH) {
            return Optional.empty();
        }
        int signed = t.length - MAC_LENGTH;
        if (!MessageDigest.isEqual(mac(t, signed, criterion, limit, holder), Arrays.copyOfRange(t, signed, t.length))) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(t, 1, HEADER - 2);
        return Optional.of(new Opened(Instant.ofEpochSecond(b.getLong(), b.getInt()),
                Instant.ofEpochSecond(b.getLong(), b.getInt()),
                new String(t, HEADER, signed - HEADER, StandardCharsets.US_ASCII)));
    }

    private byte[] mac(byte[] bytes, int length, TrafficQuery.Criterion criterion, int limit, String holder) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(bytes, 0, length);
            // The limit as fixed-width bytes and the holder after it: the fingerprint's text cannot run into them.
            byte[] selector = criterion.fingerprintText().getBytes(StandardCharsets.UTF_8);
            mac.update(ByteBuffer.allocate(8).putInt(selector.length).putInt(limit).array());
            mac.update(selector);
            mac.update(holder.getBytes(StandardCharsets.UTF_8));
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 missing from the JDK", e);
        }
    }
}
