package dev.ebb.gateway.smpp.pdu;

import dev.ebb.gateway.core.MessageState;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A delivery receipt in the de-facto text format of SMPP 3.4 Appendix B, carried in a deliver_sm's short_message:
 * {@code id:IIIIIIIIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:E text:}.
 * Dates are UTC.
 *
 * <p>Ebb writes {@code text:} always empty and never keeps what an SMSC puts there: a receipt carries no content
 * (DESIGN.md invariant 1).
 *
 * @param id         the message id the receipt is about (Ebb's towards customers, the SMSC's from southbound)
 * @param submitted  number of short messages originally submitted
 * @param delivered  number of short messages delivered
 * @param submitDate when the message was submitted, minute precision in the text
 * @param doneDate   when it reached {@code state}
 * @param state      the state reported in {@code stat:}
 * @param errorCode  network- or SMSC-specific error, 0 for none
 */
public record DeliveryReceipt(String id, int submitted, int delivered, Instant submitDate, Instant doneDate,
                              MessageState state, int errorCode) {
    /** Keys in any case, followed by ':'; the look-behind keeps "id" from matching inside another word. */
    private static final Pattern KEY = Pattern.compile(
            "(?<![a-z])(id|sub|dlvrd|submit\\s+date|done\\s+date|stat|err)\\s*:", Pattern.CASE_INSENSITIVE);
    private static final Pattern TEXT = Pattern.compile("(?<![a-z])text\\s*:", Pattern.CASE_INSENSITIVE);
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern DATE = Pattern.compile("\\d{10}(\\d{2})?");
    private static final Pattern DECIMAL = Pattern.compile("\\d{1,9}");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{1,7}");
    private static final Pattern HEX_ID = Pattern.compile("[0-9a-f]+");
    private static final Pattern DECIMAL_ID = Pattern.compile("\\d{1,40}");

    public DeliveryReceipt {
        if (id == null || id.isEmpty() || id.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("receipt id must be non-empty without spaces or control characters");
        }
        if (submitted < 0 || delivered < 0 || errorCode < 0) {
            throw new IllegalArgumentException("receipt counts and error code must not be negative");
        }
        if (submitDate == null || doneDate == null || state == null) {
            throw new IllegalArgumentException("receipt needs a submit date, a done date and a state");
        }
    }

    /** The Appendix B text, with {@code text:} empty; counts and error as three digits, dates in UTC to the minute. */
    public String format() {
        return "id:" + id + " sub:" + threeDigits(submitted) + " dlvrd:" + threeDigits(delivered) + " submit date:"
                + date(submitDate) + " done date:" + date(doneDate) + " stat:" + state.stat() + " err:"
                + threeDigits(errorCode) + " text:";
    }

    private static String threeDigits(int value) {
        return value >= 100 ? Integer.toString(value) : value >= 10 ? "0" + value : "00" + value;
    }

    /**
     * Reads a receipt as real SMSCs write it: keys in any case and order, extra spaces, {@code text:} missing or
     * anything after it (dropped unread), dates with or without seconds, ids in any form. {@code sub}, {@code dlvrd}
     * and {@code err} default to 0 when missing; {@code err} in hex is accepted when it is not decimal.
     *
     * @throws InvalidReceiptException naming the missing or malformed field
     */
    public static DeliveryReceipt parse(String text) {
        if (text == null) {
            throw new InvalidReceiptException("not a delivery receipt: no text");
        }
        Matcher textKey = TEXT.matcher(text);
        String fields = textKey.find() ? text.substring(0, textKey.start()) : text;
        Map<String, String> values = fields(fields);
        String id = required(values, "id").split("\\s+")[0];
        if (id.chars().anyMatch(c -> c <= ' ')) {
            // What is left after the first space: control characters inside the id, which could not be matched.
            throw new InvalidReceiptException("receipt field 'id' holds control characters");
        }
        return new DeliveryReceipt(id,
                count(values, "sub"),
                count(values, "dlvrd"),
                date(values, "submit date"),
                date(values, "done date"),
                MessageState.fromStat(required(values, "stat"))
                        .orElseThrow(() -> new InvalidReceiptException("receipt field 'stat' is no known state word")),
                errorCode(values.getOrDefault("err", "0")));
    }

    /**
     * Forms under which the SMSC may have given this receipt's id in its submit_sm_resp, best first, each through
     * {@link #canonicalId}: many SMSCs answer submit_sm_resp with a hex id and put the same number in decimal in the
     * receipt, or the reverse. A matcher keys its table by {@code canonicalId(smscId)} and tries these in order.
     */
    public List<String> idCandidates() {
        Set<String> forms = new LinkedHashSet<>();
        String canonical = canonicalId(id);
        forms.add(canonical);
        if (DECIMAL_ID.matcher(canonical).matches()) {
            forms.add(new BigInteger(canonical, 10).toString(16));
        }
        if (HEX_ID.matcher(canonical).matches() && canonical.length() <= 32) {
            forms.add(new BigInteger(canonical, 16).toString(10));
        }
        return List.copyOf(forms);
    }

    /** An SMSC message id in the form used for matching: lower case, and without leading zeros when it is hex digits. */
    public static String canonicalId(String smscId) {
        String lower = smscId.trim().toLowerCase(Locale.ROOT);
        if (!HEX_ID.matcher(lower).matches()) {
            return lower;
        }
        int first = 0;
        while (first < lower.length() - 1 && lower.charAt(first) == '0') {
            first++;
        }
        return lower.substring(first);
    }

    private static Map<String, String> fields(String text) {
        Map<String, String> values = new HashMap<>();
        Matcher key = KEY.matcher(text);
        String name = null;
        int valueStart = 0;
        while (key.find()) {
            if (name != null) {
                values.putIfAbsent(name, text.substring(valueStart, key.start()).trim());
            }
            name = SPACES.matcher(key.group(1).toLowerCase(Locale.ROOT)).replaceAll(" ");
            valueStart = key.end();
        }
        if (name != null) {
            values.putIfAbsent(name, text.substring(valueStart).trim());
        }
        return values;
    }

    private static String required(Map<String, String> values, String name) {
        String value = values.get(name);
        if (value == null || value.isEmpty()) {
            throw new InvalidReceiptException("not a delivery receipt: no '" + name + ":' field (SMPP 3.4 Appendix B)");
        }
        return value;
    }

    private static int count(Map<String, String> values, String name) {
        String value = values.getOrDefault(name, "0");
        if (!DECIMAL.matcher(value).matches()) {
            throw new InvalidReceiptException("receipt field '" + name + "' is not a number");
        }
        return Integer.parseInt(value);
    }

    private static int errorCode(String value) {
        if (DECIMAL.matcher(value).matches()) {
            return Integer.parseInt(value);
        }
        if (HEX.matcher(value).matches()) {
            return Integer.parseInt(value, 16);
        }
        throw new InvalidReceiptException("receipt field 'err' is neither a decimal nor a hex number");
    }

    private static Instant date(Map<String, String> values, String name) {
        String value = required(values, name);
        if (!DATE.matcher(value).matches()) {
            throw new InvalidReceiptException("receipt field '" + name + "' is not YYMMDDhhmm or YYMMDDhhmmss");
        }
        try {
            return LocalDateTime.of(2000 + number(value, 0), number(value, 2), number(value, 4), number(value, 6),
                    number(value, 8), value.length() == 12 ? number(value, 10) : 0).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            throw new InvalidReceiptException("receipt field '" + name + "' names no valid date");
        }
    }

    private static int number(String digits, int at) {
        return Integer.parseInt(digits, at, at + 2, 10);
    }

    private static String date(Instant instant) {
        ZonedDateTime t = instant.atZone(ZoneOffset.UTC);
        // Hand-laid rather than String.format: every receipt formats two of these on the full path.
        char[] digits = new char[10];
        int[] parts = {t.getYear() % 100, t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute()};
        for (int i = 0; i < parts.length; i++) {
            digits[2 * i] = (char) ('0' + parts[i] / 10);
            digits[2 * i + 1] = (char) ('0' + parts[i] % 10);
        }
        return new String(digits);
    }
}
