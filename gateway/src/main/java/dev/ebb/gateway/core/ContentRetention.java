package dev.ebb.gateway.core;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * How long the vault may keep one message's content, as its customer asked: never longer than Ebb's own limit (the
 * 72 h conveyance window and the configured {@code content.retention}, which stay the hard limit), often less. A
 * customer asks per message ({@code contentRetention} over HTTP, {@link #TLV_TAG} over SMPP) or for all its messages
 * ({@code customers[].contentRetention}).
 *
 * @param kind     which rule
 * @param duration for {@link Kind#FOR}: from acceptance until the content is unreadable, over 0, in whole
 *                 milliseconds and at most {@link #LONGEST}; null otherwise
 */
public record ContentRetention(Kind kind, Duration duration) {
    /** The conveyance limit of the processing table (DESIGN.md): no content lives longer. */
    public static final Duration LONGEST = Duration.ofHours(72);
    /** The content goes when the message is final (or at the customer's {@code keepContentUntilExpiry}). */
    public static final ContentRetention UNTIL_FINAL = new ContentRetention(Kind.UNTIL_FINAL, null);
    /** The content goes once the SMSC has acknowledged the submit_sm with ESME_ROK. */
    public static final ContentRetention UNTIL_SUBMITTED = new ContentRetention(Kind.UNTIL_SUBMITTED, null);
    /**
     * The vendor-specific optional parameter {@code ebb_content_retention} of submit_sm and data_sm, in the range SMPP
     * 3.4 §5.3.2 (Table 5-1) reserves for SMSC vendors (0x1400–0x3FFF). Its value is 1 octet (0 until-final,
     * 1 until-submitted) or 4 octets (an unsigned big-endian number of seconds, 1..259200).
     */
    public static final short TLV_TAG = 0x1410;
    private static final String UNTIL_FINAL_TEXT = "until-final";
    private static final String UNTIL_SUBMITTED_TEXT = "until-submitted";

    /** The rules a customer may ask for. */
    public enum Kind {
        UNTIL_FINAL, UNTIL_SUBMITTED, FOR
    }

    public ContentRetention {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.FOR) != (duration != null)) {
            throw new IllegalArgumentException("a duration goes with " + Kind.FOR + " only, was " + kind);
        }
        // Whole milliseconds: the vault seals a duration as milliseconds (SubmissionCodec), and PT0.0001S sealed as
        // 0 ms could not be opened again.
        if (duration != null && (duration.isNegative() || duration.isZero() || duration.compareTo(LONGEST) > 0
                || duration.getNano() % 1_000_000 != 0)) {
            throw new InvalidRetentionException("must be over zero, in whole milliseconds and at most PT72H, how long"
                    + " Ebb may keep content");
        }
    }

    /** At most {@code duration} from acceptance. */
    public static ContentRetention of(Duration duration) {
        return new ContentRetention(Kind.FOR, duration);
    }

    /**
     * Reads {@code until-final}, {@code until-submitted} or an ISO-8601 duration ({@code PT1M}).
     *
     * @throws InvalidRetentionException for anything else, a duration of zero or less, or one over 72 h
     */
    public static ContentRetention parse(String text) {
        if (UNTIL_FINAL_TEXT.equals(text)) {
            return UNTIL_FINAL;
        }
        if (UNTIL_SUBMITTED_TEXT.equals(text)) {
            return UNTIL_SUBMITTED;
        }
        Duration duration;
        try {
            duration = Duration.parse(text);
        } catch (DateTimeParseException | NullPointerException e) {
            throw new InvalidRetentionException("must be until-final, until-submitted or an ISO-8601 duration of"
                    + " at most PT72H (PT1M)");
        }
        return of(duration);
    }

    /**
     * Reads the value of the {@link #TLV_TAG} optional parameter.
     *
     * @throws InvalidRetentionException for a length other than 1 or 4 ({@link InvalidRetentionException#length()}
     *                                   then tells), a 1-octet value other than 0 or 1, or 0 or more than 259200 s
     */
    public static ContentRetention fromTlv(byte[] value) {
        if (value.length == 1) {
            return switch (value[0]) {
                case 0 -> UNTIL_FINAL;
                case 1 -> UNTIL_SUBMITTED;
                default -> throw new InvalidRetentionException("a 1-octet ebb_content_retention must be 0 (until-final)"
                        + " or 1 (until-submitted), was " + Byte.toUnsignedInt(value[0]));
            };
        }
        if (value.length == 4) {
            long seconds = Integer.toUnsignedLong(ByteBuffer.wrap(value).getInt());
            if (seconds == 0 || seconds > LONGEST.toSeconds()) {
                throw new InvalidRetentionException("a 4-octet ebb_content_retention must be 1.." + LONGEST.toSeconds()
                        + " seconds, was " + seconds);
            }
            return of(Duration.ofSeconds(seconds));
        }
        throw new InvalidRetentionException("ebb_content_retention must be 1 or 4 octets, was " + value.length, true);
    }

    /** The value of the {@link #TLV_TAG} optional parameter that asks for this retention (whole seconds). */
    public byte[] toTlv() {
        return switch (kind) {
            case UNTIL_FINAL -> new byte[] {0};
            case UNTIL_SUBMITTED -> new byte[] {1};
            case FOR -> ByteBuffer.allocate(4).putInt((int) duration.toSeconds()).array();
        };
    }

    /** When the content of a message accepted at {@code acceptedAt} must be unreadable; null: no time of its own. */
    public Instant deadline(Instant acceptedAt) {
        return kind == Kind.FOR ? acceptedAt.plus(duration) : null;
    }

    /** The content goes once the SMSC has acknowledged the message. */
    public boolean endsAtSubmit() {
        return kind == Kind.UNTIL_SUBMITTED;
    }

    /** As the HTTP API and the configuration write it. */
    @Override
    public String toString() {
        return switch (kind) {
            case UNTIL_FINAL -> UNTIL_FINAL_TEXT;
            case UNTIL_SUBMITTED -> UNTIL_SUBMITTED_TEXT;
            case FOR -> duration.toString();
        };
    }
}
