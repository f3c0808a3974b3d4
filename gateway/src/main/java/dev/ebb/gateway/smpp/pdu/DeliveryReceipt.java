package dev.ebb.gateway.smpp.pdu;

import dev.ebb.gateway.core.MessageState;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

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
    /** The field keys in the order {@link #fields} files their values; matched in any ASCII case. */
    private static final String[] KEYS = {"id", "sub", "dlvrd", "submit date", "done date", "stat", "err"};
    private static final int TEXT = KEYS.length;

    public DeliveryReceipt {
        if (id == null || id.isEmpty() || firstAtOrBelowSpace(id) >= 0) {
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
        String[] values = fields(text);
        String field = required(values, 0);
        int space = firstWhitespace(field);
        String id = space < 0 ? field : field.substring(0, space);
        if (firstAtOrBelowSpace(id) >= 0) {
            // What is left after the first space: control characters inside the id, which could not be matched.
            throw new InvalidReceiptException("receipt field 'id' holds control characters");
        }
        return new DeliveryReceipt(id,
                count(values, 1),
                count(values, 2),
                date(values, 3),
                date(values, 4),
                MessageState.fromStat(required(values, 5))
                        .orElseThrow(() -> new InvalidReceiptException("receipt field 'stat' is no known state word")),
                errorCode(values[6] == null ? "0" : values[6]));
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
        if (canonical.length() <= 40 && allDigits(canonical)) {
            forms.add(new BigInteger(canonical, 10).toString(16));
        }
        if (canonical.length() <= 32 && isLowerHex(canonical)) {
            forms.add(new BigInteger(canonical, 16).toString(10));
        }
        return List.copyOf(forms);
    }

    /** An SMSC message id in the form used for matching: lower case, and without leading zeros when it is hex digits. */
    public static String canonicalId(String smscId) {
        String lower = smscId.trim().toLowerCase(Locale.ROOT);
        if (!isLowerHex(lower)) {
            return lower;
        }
        int first = 0;
        while (first < lower.length() - 1 && lower.charAt(first) == '0') {
            first++;
        }
        return lower.substring(first);
    }

    /**
     * The value of each of {@link #KEYS} (null where missing), read up to the first {@code text:}: a key is a word
     * in any ASCII case not preceded by a letter (so "id" inside "paid" is none), then optional whitespace and ':';
     * its value runs to the next key, trimmed. The first of a repeated key counts. Hand-scanned rather than by
     * regular expression: every receipt of the full path is read here.
     */
    private static String[] fields(String text) {
        String[] values = new String[KEYS.length];
        int name = -1;
        int valueStart = 0;
        for (int i = 0; i < text.length(); i++) {
            if (i > 0 && isAsciiLetter(text.charAt(i - 1)) || !isAsciiLetter(text.charAt(i))) {
                continue;
            }
            long found = key(text, i);
            if (found < 0) {
                continue;
            }
            if (name >= 0 && values[name] == null) {
                values[name] = text.substring(valueStart, i).trim();
            }
            int key = (int) (found >> 32);
            if (key == TEXT) {
                return values;
            }
            name = key;
            valueStart = (int) found;
            i = valueStart - 1;
        }
        if (name >= 0 && values[name] == null) {
            values[name] = text.substring(valueStart).trim();
        }
        return values;
    }

    /** The key starting at {@code at} and the index after its ':', as (key << 32 | end), or -1 when none starts there. */
    private static long key(String text, int at) {
        for (int k = 0; k < KEYS.length; k++) {
            int end = word(text, at, KEYS[k]);
            if (end >= 0) {
                return (long) k << 32 | end;
            }
        }
        int end = word(text, at, "text");
        return end >= 0 ? (long) TEXT << 32 | end : -1;
    }

    /** After {@code key} (a space in it standing for one or more whitespace) at {@code at}, whitespace and ':'. */
    private static int word(String text, int at, String key) {
        int i = at;
        for (int k = 0; k < key.length(); k++) {
            char want = key.charAt(k);
            if (want == ' ') {
                if (i >= text.length() || !isWhitespace(text.charAt(i))) {
                    return -1;
                }
                while (i < text.length() && isWhitespace(text.charAt(i))) {
                    i++;
                }
            } else if (i < text.length() && (text.charAt(i) | 0x20) == want) {
                i++;
            } else {
                return -1;
            }
        }
        while (i < text.length() && isWhitespace(text.charAt(i))) {
            i++;
        }
        return i < text.length() && text.charAt(i) == ':' ? i + 1 : -1;
    }

    private static boolean isAsciiLetter(char c) {
        return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    }

    /** Whitespace as regular expressions' {@code \s}: space, tab, the line breaks, vertical tab and form feed. */
    private static boolean isWhitespace(char c) {
        return c == ' ' || c >= '\t' && c <= '\r';
    }

    private static int firstWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int firstAtOrBelowSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) <= ' ') {
                return i;
            }
        }
        return -1;
    }

    private static boolean allDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLowerHex(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static String required(String[] values, int key) {
        String value = values[key];
        if (value == null || value.isEmpty()) {
            throw new InvalidReceiptException("not a delivery receipt: no '" + KEYS[key] + ":' field (SMPP 3.4 Appendix B)");
        }
        return value;
    }

    private static int count(String[] values, int key) {
        String value = values[key] == null ? "0" : values[key];
        if (value.length() > 9 || !allDigits(value)) {
            throw new InvalidReceiptException("receipt field '" + KEYS[key] + "' is not a number");
        }
        return Integer.parseInt(value);
    }

    private static int errorCode(String value) {
        if (value.length() <= 9 && allDigits(value)) {
            return Integer.parseInt(value);
        }
        if (value.length() <= 7 && isLowerHex(value.toLowerCase(Locale.ROOT))) {
            return Integer.parseInt(value, 16);
        }
        throw new InvalidReceiptException("receipt field 'err' is neither a decimal nor a hex number");
    }

    private static Instant date(String[] values, int key) {
        String value = required(values, key);
        if (value.length() != 10 && value.length() != 12 || !allDigits(value)) {
            throw new InvalidReceiptException("receipt field '" + KEYS[key] + "' is not YYMMDDhhmm or YYMMDDhhmmss");
        }
        try {
            return LocalDateTime.of(2000 + number(value, 0), number(value, 2), number(value, 4), number(value, 6),
                    number(value, 8), value.length() == 12 ? number(value, 10) : 0).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            throw new InvalidReceiptException("receipt field '" + KEYS[key] + "' names no valid date");
        }
    }

    private static int number(String digits, int at) {
        return Integer.parseInt(digits, at, at + 2, 10);
    }

    private static String date(Instant instant) {
        // LocalDateTime rather than atZone: ZoneOffset.getRules() builds a new ZoneRules on every call.
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
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
