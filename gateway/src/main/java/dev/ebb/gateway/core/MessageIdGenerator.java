package dev.ebb.gateway.core;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * Issues Ebb message ids: 20 lowercase base-36 characters, so they fit receipted_message_id and the {@code id:}
 * field of a delivery receipt (SMPP 3.4 Appendix B) for clients that cap it at 20.
 *
 * <p>Layout: 13 characters of a 63-bit sequence, then 7 characters of a random 32-bit process id. The sequence
 * starts at the milliseconds since 2024-01-01 UTC shifted left by 20 bits and counts up by one per id, so a restart
 * begins above every id issued before it unless a process averaged over 2^20 ids per millisecond (10^9/s) or the wall
 * clock stepped back; the random process id separates even those cases, and two gateways running side by side,
 * with probability 1 - 2^-32.
 *
 * <p>Thread-safe and lock-free: one atomic increment per id. Ids of one process sort in issue order.
 */
public final class MessageIdGenerator {
    /** Length of every id. */
    public static final int LENGTH = 20;

    private static final long EPOCH_MILLIS = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    private static final int COUNTER_BITS = 20;
    private static final int SEQUENCE_DIGITS = 13;
    private static final int PROCESS_DIGITS = LENGTH - SEQUENCE_DIGITS;
    private static final byte[] DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);

    private final AtomicLong sequence;
    private final byte[] processDigits;

    /** A generator with a process id from {@link SecureRandom}. */
    public MessageIdGenerator(Clock clock) {
        this(clock, new SecureRandom());
    }

    /** A generator taking its process id from {@code random} (tests pass a seeded one). */
    public MessageIdGenerator(Clock clock, RandomGenerator random) {
        long millis = Math.max(0, clock.millis() - EPOCH_MILLIS);
        this.sequence = new AtomicLong(millis << COUNTER_BITS);
        this.processDigits = new byte[PROCESS_DIGITS];
        writeBase36(Integer.toUnsignedLong(random.nextInt()), processDigits, 0, PROCESS_DIGITS);
    }

    /** The next id, unique for this generator. */
    public String next() {
        byte[] id = new byte[LENGTH];
        writeBase36(sequence.getAndIncrement(), id, 0, SEQUENCE_DIGITS);
        System.arraycopy(processDigits, 0, id, SEQUENCE_DIGITS, PROCESS_DIGITS);
        return new String(id, StandardCharsets.ISO_8859_1);
    }

    /** Whether {@code id} has the shape of an Ebb message id (20 characters 0-9, a-z). */
    public static boolean isWellFormed(String id) {
        if (id == null || id.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z')) {
                return false;
            }
        }
        return true;
    }

    /** Fixed-width base 36, most significant digit first; {@code value} is non-negative and fits. */
    private static void writeBase36(long value, byte[] to, int offset, int digits) {
        for (int i = offset + digits - 1; i >= offset; i--) {
            to[i] = DIGITS[(int) (value % 36)];
            value /= 36;
        }
    }
}
