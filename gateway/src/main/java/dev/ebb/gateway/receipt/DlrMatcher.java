package dev.ebb.gateway.receipt;

import dev.ebb.gateway.smpp.pdu.DeliveryReceipt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Pairs an SMSC's delivery receipts with the messages Ebb submitted, by (connector, SMSC message id).
 *
 * <p>A receipt may arrive before the submit_sm_resp carrying its SMSC id has been processed (the most
 * reported receipt bug of other gateways: "DLR for unknown message id", Jasmin #375/#472). Such an early
 * receipt is held and matched the moment the mapping is registered, never dropped; only a receipt still
 * unmatched after {@code holdFor} is given up, and reported. A match whose handling fails is undone: the message
 * waits for its receipt again.
 *
 * <p>At most {@code maxHeld} receipts are held: an SMSC's flood of receipts for ids it never gave Ebb would
 * otherwise fill the heap within the hold time (a million in 20 s filled a -Xmx512m gateway). Past it the oldest
 * quarter is given up at once; a genuine early receipt waits for a submit_sm_resp in flight, of which there are only
 * as many as the connectors' windows.
 *
 * @param <M> what Ebb knows of a submitted message
 * @param <R> a receipt
 */
public final class DlrMatcher<M, R> {
    /** Early receipts held at most, unless told otherwise: about 25 MB of them. */
    public static final int DEFAULT_MAX_HELD = 100_000;

    private final Map<String, M> submitted = new ConcurrentHashMap<>();
    private final Map<String, Held<R>> early = new ConcurrentHashMap<>();
    private final BiConsumer<M, R> onMatch;
    private final Clock clock;
    private final Duration holdFor;
    private final int maxHeld;
    private final IntConsumer onEvicted;
    private final Consumer<R> evictedEach;
    /** Receipts in {@link #early}, each counted once however many spellings it is held under. */
    private final AtomicInteger held = new AtomicInteger();

    public DlrMatcher(BiConsumer<M, R> onMatch, Clock clock, Duration holdFor) {
        this(onMatch, clock, holdFor, DEFAULT_MAX_HELD, evicted -> { });
    }

    /** @param onEvicted told how many held receipts were given up at once because more than {@code maxHeld} were held */
    public DlrMatcher(BiConsumer<M, R> onMatch, Clock clock, Duration holdFor, int maxHeld, IntConsumer onEvicted) {
        this(onMatch, clock, holdFor, maxHeld, onEvicted, receipt -> { });
    }

    /** @param evictedEach told each held receipt given up because more than {@code maxHeld} were held */
    public DlrMatcher(BiConsumer<M, R> onMatch, Clock clock, Duration holdFor, int maxHeld, IntConsumer onEvicted,
                      Consumer<R> evictedEach) {
        this.evictedEach = evictedEach;
        this.onMatch = onMatch;
        this.clock = clock;
        this.holdFor = holdFor;
        this.maxHeld = maxHeld;
        this.onEvicted = onEvicted;
    }

    /** The SMSC acknowledged {@code message} with {@code smscId}; a receipt that came first is matched now. */
    public void submitted(String connector, String smscId, M message) {
        String key = key(connector, DeliveryReceipt.canonicalId(smscId));
        submitted.put(key, message);
        Held<R> held = early.get(key);
        if (held != null && release(held) && submitted.remove(key, message)) {
            match(key, message, held.receipt());
        }
    }

    /**
     * A receipt arrived; it is matched now or held until its submit is registered.
     *
     * @param smscIdCandidates the SMSC id as the receipt gives it, then other spellings of it
     *                         ({@link DeliveryReceipt#idCandidates()}): SMSCs often answer submit_sm_resp in hex
     *                         and write the same id in decimal in the receipt, or the reverse
     */
    public void receipt(String connector, List<String> smscIdCandidates, R receipt) {
        receipt(connector, smscIdCandidates, receipt, holdFor);
    }

    /** {@link #receipt(String, List, Object)}, held at most {@code holdFor} when its message is not known yet. */
    public void receipt(String connector, List<String> smscIdCandidates, R receipt, Duration holdFor) {
        List<String> keys = keys(connector, smscIdCandidates);
        if (matchNow(keys, receipt)) {
            return;
        }
        Instant now = clock.instant();
        Held<R> held = new Held<>(receipt, now, now.plus(holdFor), List.copyOf(keys), new AtomicBoolean());
        keys.forEach(key -> early.put(key, held));
        if (this.held.incrementAndGet() > maxHeld) {
            evictOldest();
        }
        // The submit may have been registered between the lookup and the hold above.
        for (String key : keys) {
            M raced = submitted.get(key);
            if (raced != null && release(held) && submitted.remove(key, raced)) {
                match(key, raced, receipt);
                return;
            }
        }
    }

    /**
     * Matches the receipt now if its message is known here; false, and nothing held, if not (in a cluster the
     * receipt may be another node's: it goes on through Kafka, and is held where it comes back).
     */
    public boolean tryMatch(String connector, List<String> smscIdCandidates, R receipt) {
        return matchNow(keys(connector, smscIdCandidates), receipt);
    }

    private boolean matchNow(List<String> keys, R receipt) {
        for (String key : keys) {
            M message = submitted.remove(key);
            if (message != null) {
                match(key, message, receipt);
                return true;
            }
        }
        return false;
    }

    private static List<String> keys(String connector, List<String> smscIdCandidates) {
        List<String> keys = new ArrayList<>(smscIdCandidates.size());
        for (String id : smscIdCandidates) {
            String key = key(connector, DeliveryReceipt.canonicalId(id));
            if (!keys.contains(key)) {
                keys.add(key);
            }
        }
        return keys;
    }

    /**
     * Hands a pair to {@code onMatch}. If that fails (the final record could not be stored), the message waits for
     * its receipt again, so the SMSC's retry of it is matched, not held as unknown and given up; the failure goes on
     * to the caller.
     */
    private void match(String key, M message, R receipt) {
        try {
            onMatch.accept(message, receipt);
        } catch (RuntimeException | Error e) {
            submitted.putIfAbsent(key, message);
            throw e;
        }
    }

    /** Claims a held receipt exactly once and removes it under all its spellings. */
    private boolean release(Held<R> held) {
        if (!held.claimed().compareAndSet(false, true)) {
            return false;
        }
        held.keys().forEach(key -> early.remove(key, held));
        this.held.decrementAndGet();
        return true;
    }

    /** Gives up the oldest quarter of the held receipts: a scan per maxHeld / 4 receipts held, not one per receipt. */
    private synchronized void evictOldest() {
        int over = held.get() - maxHeld * 3 / 4;
        if (over <= maxHeld / 4) {
            return; // another thread evicted meanwhile
        }
        List<Held<R>> oldest = early.values().stream().distinct().sorted(Comparator.comparing(Held::since))
                .limit(over).toList();
        int count = 0;
        for (Held<R> h : oldest) {
            if (release(h)) {
                evictedEach.accept(h.receipt());
                count++;
            }
        }
        onEvicted.accept(count);
    }

    /** Gives up early receipts held past their hold; returns how many, each passed to {@code unmatched}. */
    public int expireHeld(Consumer<R> unmatched) {
        Instant now = clock.instant();
        List<Held<R>> stale = early.values().stream().filter(h -> !h.until().isAfter(now)).distinct().toList();
        int count = 0;
        for (Held<R> held : stale) {
            if (release(held)) {
                unmatched.accept(held.receipt());
                count++;
            }
        }
        return count;
    }

    /** Forgets a submitted message that will never get a receipt (expired, or its customer's content erased). */
    public void forget(String connector, String smscId) {
        submitted.remove(key(connector, DeliveryReceipt.canonicalId(smscId)));
    }

    public int awaitingReceipt() {
        return submitted.size();
    }

    public int heldReceipts() {
        return (int) early.values().stream().distinct().count();
    }

    private static String key(String connector, String smscId) {
        return connector + '\u0000' + smscId;
    }

    private record Held<R>(R receipt, Instant since, Instant until, List<String> keys, AtomicBoolean claimed) {
    }
}
