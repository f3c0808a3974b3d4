package dev.ebb.gateway.receipt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Pairs an SMSC's delivery receipts with the messages Ebb submitted, by (connector, SMSC message id).
 *
 * <p>A receipt may arrive before the submit_sm_resp carrying its SMSC id has been processed (the most
 * reported receipt bug of other gateways: "DLR for unknown message id", Jasmin #375/#472). Such an early
 * receipt is held and matched the moment the mapping is registered, never dropped; only a receipt still
 * unmatched after {@code holdFor} is given up, and reported.
 *
 * @param <M> what Ebb knows of a submitted message
 * @param <R> a receipt
 */
public final class DlrMatcher<M, R> {
    private final Map<String, M> submitted = new ConcurrentHashMap<>();
    private final Map<String, Held<R>> early = new ConcurrentHashMap<>();
    private final BiConsumer<M, R> onMatch;
    private final Clock clock;
    private final Duration holdFor;

    public DlrMatcher(BiConsumer<M, R> onMatch, Clock clock, Duration holdFor) {
        this.onMatch = onMatch;
        this.clock = clock;
        this.holdFor = holdFor;
    }

    /** The SMSC acknowledged {@code message} with {@code smscId}; a receipt that came first is matched now. */
    public void submitted(String connector, String smscId, M message) {
        String key = key(connector, smscId);
        Held<R> held = early.remove(key);
        if (held != null) {
            onMatch.accept(message, held.receipt());
        } else {
            submitted.put(key, message);
            // The receipt may have been held between the two lines above.
            Held<R> raced = early.remove(key);
            if (raced != null && submitted.remove(key, message)) {
                onMatch.accept(message, raced.receipt());
            }
        }
    }

    /** A receipt for {@code smscId} arrived; it is matched now or held until its submit is registered. */
    public void receipt(String connector, String smscId, R receipt) {
        Optional<M> message = take(connector, smscId);
        if (message.isPresent()) {
            onMatch.accept(message.get(), receipt);
            return;
        }
        String key = key(connector, smscId);
        early.put(key, new Held<>(receipt, clock.instant()));
        M raced = submitted.remove(key);
        if (raced != null && early.remove(key) != null) {
            onMatch.accept(raced, receipt);
        }
    }

    /** Gives up early receipts held longer than {@code holdFor}; returns how many, each passed to {@code unmatched}. */
    public int expireHeld(Consumer<R> unmatched) {
        Instant limit = clock.instant().minus(holdFor);
        int[] count = {0};
        early.entrySet().removeIf(e -> {
            if (e.getValue().since().isAfter(limit)) {
                return false;
            }
            unmatched.accept(e.getValue().receipt());
            count[0]++;
            return true;
        });
        return count[0];
    }

    /** Forgets a submitted message that will never get a receipt (expired, or its customer's content erased). */
    public void forget(String connector, String smscId) {
        submitted.remove(key(connector, smscId));
    }

    public int awaitingReceipt() {
        return submitted.size();
    }

    public int heldReceipts() {
        return early.size();
    }

    /**
     * SMSCs often answer submit_sm_resp with a hex id and write the same id in decimal in the receipt text
     * (or the other way round), so both spellings are tried.
     */
    private Optional<M> take(String connector, String smscId) {
        M exact = submitted.remove(key(connector, smscId));
        if (exact != null) {
            return Optional.of(exact);
        }
        return alternateSpelling(smscId).map(alt -> submitted.remove(key(connector, alt)));
    }

    static Optional<String> alternateSpelling(String id) {
        try {
            if (id.matches("[0-9]{1,18}")) {
                return Optional.of(Long.toHexString(Long.parseLong(id)));
            }
            if (id.matches("[0-9a-fA-F]{1,15}")) {
                return Optional.of(Long.toString(Long.parseLong(id, 16)));
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static String key(String connector, String smscId) {
        return connector + '\u0000' + smscId;
    }

    private record Held<R>(R receipt, Instant since) {
    }
}
