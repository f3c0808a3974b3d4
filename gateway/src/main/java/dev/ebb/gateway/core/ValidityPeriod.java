package dev.ebb.gateway.core;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * SMPP time fields (SMPP 3.4 §7.1.1): validity_period and schedule_delivery_time, absolute
 * {@code YYMMDDhhmmsstnnp} or relative {@code YYMMDDhhmmss000R}; an empty field means "SMSC default".
 */
public final class ValidityPeriod {
    private static final int LENGTH = 16;
    /** §7.1.1: nn is the offset from UTC in quarter hours, 00..48. */
    private static final int MAX_QUARTER_HOURS = 48;

    private ValidityPeriod() {
    }

    /**
     * When a message expires: the field's time, capped at {@code now + maxValidity} so that content never outlives
     * the conveyance limit (DESIGN.md invariant 2); an empty field gives the cap itself.
     *
     * @throws InvalidValidityException when the field is malformed or not after {@code now} (ESME_RINVEXPIRY)
     */
    public static Instant expiry(String field, Instant now, Duration maxValidity) {
        Instant cap = now.plus(maxValidity);
        Optional<Instant> requested = parse(field, now);
        if (requested.isEmpty()) {
            return cap;
        }
        if (!requested.get().isAfter(now)) {
            throw new InvalidValidityException("validity_period lies in the past");
        }
        return requested.get().isAfter(cap) ? cap : requested.get();
    }

    /**
     * When a message with this schedule_delivery_time (§4.4.1) is to be sent: empty for an empty field (at once), a
     * time already past is now. Ebb holds a scheduled message with its content, so the time must fall before
     * {@code now + maxValidity}, inside the content window (DESIGN.md invariant 2).
     *
     * @throws InvalidValidityException when the field is malformed or beyond the window (ESME_RINVSCHED)
     */
    public static Optional<Instant> schedule(String field, Instant now, Duration maxValidity) {
        Optional<Instant> requested = parse(field, now);
        if (requested.isPresent() && !requested.get().isBefore(now.plus(maxValidity))) {
            throw new InvalidValidityException("schedule_delivery_time lies beyond the " + maxValidity.toHours()
                    + " h content window");
        }
        return requested.map(at -> at.isBefore(now) ? now : at);
    }

    /**
     * The instant an SMPP time field names, relative ones counted from {@code now}; empty for an empty field.
     *
     * @throws InvalidValidityException when the field is not 16 characters of the §7.1.1 format
     */
    public static Optional<Instant> parse(String field, Instant now) {
        if (field == null || field.isEmpty()) {
            return Optional.empty();
        }
        if (field.length() != LENGTH) {
            throw new InvalidValidityException("SMPP time must be 16 characters (SMPP 3.4 §7.1.1), was " + field.length());
        }
        for (int i = 0; i < LENGTH - 1; i++) {
            if (field.charAt(i) < '0' || field.charAt(i) > '9') {
                throw new InvalidValidityException("SMPP time has a non-digit at position " + i + " (SMPP 3.4 §7.1.1)");
            }
        }
        char p = field.charAt(LENGTH - 1);
        return Optional.of(switch (p) {
            case 'R' -> relative(field, now);
            case '+', '-' -> absolute(field, p == '+' ? 1 : -1);
            default -> throw new InvalidValidityException("SMPP time must end in +, - or R (SMPP 3.4 §7.1.1)");
        });
    }

    /** An instant as SMPP absolute time in UTC, {@code YYMMDDhhmmsst00+} (tenths kept, years 2000..2099). */
    public static String format(Instant instant) {
        ZonedDateTime t = instant.atZone(ZoneOffset.UTC);
        if (t.getYear() < 2000 || t.getYear() > 2099) {
            throw new IllegalArgumentException("SMPP time has a two-digit year, 2000..2099 only");
        }
        return String.format("%02d%02d%02d%02d%02d%02d%d00+", t.getYear() - 2000, t.getMonthValue(), t.getDayOfMonth(),
                t.getHour(), t.getMinute(), t.getSecond(), t.getNano() / 100_000_000);
    }

    private static Instant absolute(String field, int sign) {
        int quarters = number(field, 13, 15);
        if (quarters > MAX_QUARTER_HOURS) {
            throw new InvalidValidityException("SMPP time offset of " + quarters + " quarter hours exceeds 48");
        }
        try {
            LocalDateTime local = LocalDateTime.of(2000 + number(field, 0, 2), number(field, 2, 4), number(field, 4, 6),
                    number(field, 6, 8), number(field, 8, 10), number(field, 10, 12), number(field, 12, 13) * 100_000_000);
            // §7.1.1: the time is local time, 'p' tells whether local is ahead (+) of or behind (-) UTC by nn quarters.
            return local.toInstant(ZoneOffset.ofTotalSeconds(sign * quarters * 15 * 60));
        } catch (DateTimeException e) {
            throw new InvalidValidityException("SMPP time names no valid date and time (SMPP 3.4 §7.1.1)");
        }
    }

    private static Instant relative(String field, Instant now) {
        if (!field.startsWith("000", 12)) {
            throw new InvalidValidityException("relative SMPP time must have 000 before R (SMPP 3.4 §7.1.1)");
        }
        return now.atZone(ZoneOffset.UTC)
                .plusYears(number(field, 0, 2)).plusMonths(number(field, 2, 4)).plusDays(number(field, 4, 6))
                .plusHours(number(field, 6, 8)).plusMinutes(number(field, 8, 10)).plusSeconds(number(field, 10, 12))
                .toInstant();
    }

    private static int number(String field, int from, int to) {
        return Integer.parseInt(field, from, to, 10);
    }
}
