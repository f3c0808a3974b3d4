package dev.ebb.gateway.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Open connections of one listener, in all and per client address, against their caps: without them idle
 * connections alone exhaust the file descriptors (issue 9, item 11). Connections over a cap are accepted by the
 * kernel anyway; counting them here lets the listener close them at once instead of holding them.
 *
 * <p>A cap alone is a lockout tool: an attacker holding every place with connections that never do anything
 * (never bind, never send a request) kept every customer out (issue 9, hostile test 13). So a connection is
 * <em>idle</em> until its listener says it is doing something ({@link Slot#busy}): an SMPP connection until it
 * binds, an HTTP connection before its first byte and between requests. A new connection that finds a cap reached
 * closes an idle one instead of being refused: at its address's cap the longest-idle of its own address; at the
 * listener's cap (of connections, or of idle ones) the longest-idle of the address with the most idle connections.
 * An attacker then keeps its connections only while it has no more than anyone else, and a client that binds or sends
 * its request before its place is taken gets in: with fewer attacking addresses than idle places, a newcomer's single
 * idle connection is never the one closed. A busy connection is never closed for a newer one; only when every place
 * it would need is busy is the new connection refused.
 *
 * <p>Safe for the event loops to share: one lock, taken a few times per connection or request, never while a
 * connection is closed.
 */
public final class ConnectionLimits {
    /** Whether a new connection may stay open. */
    public enum Verdict {
        OPEN,
        LISTENER_FULL,
        ADDRESS_FULL
    }

    private final int max;
    private final int maxPerAddress;
    private final int maxIdle;
    private int open;
    private int idle;
    private final Map<InetAddress, Address> perAddress = new HashMap<>();
    /** Addresses by their number of idle connections (1 and up), in the order they reached it. */
    private final TreeMap<Integer, LinkedHashSet<Address>> holders = new TreeMap<>();
    private final LongAdder refused = new LongAdder();
    private final LongAdder evicted = new LongAdder();

    /** Caps where every connection may be idle (HTTP). */
    public ConnectionLimits(int max, int maxPerAddress) {
        this(max, maxPerAddress, max);
    }

    /** @param maxIdle idle connections of the listener at once; at most {@code max} */
    public ConnectionLimits(int max, int maxPerAddress, int maxIdle) {
        if (maxPerAddress < 1 || maxPerAddress > max || maxIdle < 1 || maxIdle > max) {
            throw new IllegalArgumentException("caps out of order: " + max + ", " + maxPerAddress + ", " + maxIdle);
        }
        this.max = max;
        this.maxPerAddress = maxPerAddress;
        this.maxIdle = maxIdle;
    }

    /**
     * A place for a new connection from {@code address}, not yet counted in.
     *
     * @param evict closes the connection when a newer one takes its place; run outside the lock, on any thread
     */
    public Slot slot(InetAddress address, Runnable evict) {
        return new Slot(address, evict);
    }

    /**
     * Counts a new, idle connection in if the caps allow it, closing the idle connection that stands in its way
     * (see above); {@link Slot#closed} must follow an OPEN.
     */
    public Verdict tryOpen(Slot slot) {
        List<Slot> victims = new ArrayList<>(2);
        Verdict verdict;
        synchronized (this) {
            verdict = admit(slot, victims);
        }
        if (verdict != Verdict.OPEN) {
            refused.increment();
        }
        victims.forEach(v -> v.evict.run());
        return verdict;
    }

    private Verdict admit(Slot slot, List<Slot> victims) {
        Address from = perAddress.computeIfAbsent(slot.address, a -> new Address());
        if (from.open >= maxPerAddress) {
            if (from.idle.isEmpty()) {
                return Verdict.ADDRESS_FULL;
            }
            evict(from.idle.iterator().next(), victims);
        }
        if (open >= max || idle >= maxIdle) {
            if (idle == 0) {
                forgetIfEmpty(slot.address, from);
                return Verdict.LISTENER_FULL;
            }
            Address biggest = holders.lastEntry().getValue().iterator().next();
            Slot victim = biggest.idle.iterator().next();
            evict(victim, victims);
            if (biggest != from) {
                forgetIfEmpty(victim.address, biggest);
            }
        }
        open++;
        from.open++;
        slot.from = from;
        markIdle(slot);
        return Verdict.OPEN;
    }

    private void evict(Slot victim, List<Slot> victims) {
        uncount(victim);
        victims.add(victim);
        evicted.increment();
    }

    /** Counts a connection out; its address stays in the map, for the caller to forget if it is now empty. */
    private void uncount(Slot slot) {
        markBusy(slot);
        open--;
        slot.from.open--;
        slot.from = null;
    }

    private void forgetIfEmpty(InetAddress address, Address from) {
        if (from.open == 0) {
            perAddress.remove(address);
        }
    }

    private void markIdle(Slot slot) {
        if (slot.from != null && !slot.idle) {
            slot.idle = true;
            idle++;
            moveHolder(slot.from, () -> slot.from.idle.add(slot));
        }
    }

    private void markBusy(Slot slot) {
        if (slot.idle) {
            slot.idle = false;
            idle--;
            moveHolder(slot.from, () -> slot.from.idle.remove(slot));
        }
    }

    /** Changes an address's idle connections and keeps {@link #holders} in step. */
    private void moveHolder(Address address, Runnable change) {
        int before = address.idle.size();
        if (before > 0) {
            LinkedHashSet<Address> same = holders.get(before);
            same.remove(address);
            if (same.isEmpty()) {
                holders.remove(before);
            }
        }
        change.run();
        int after = address.idle.size();
        if (after > 0) {
            holders.computeIfAbsent(after, n -> new LinkedHashSet<>()).add(address);
        }
    }

    /** New connections closed at once because a cap was reached and no idle connection could make room. */
    public long refusedCount() {
        return refused.sum();
    }

    /** Idle connections closed to make room for a new one. */
    public long evictedCount() {
        return evicted.sum();
    }

    /** Connections from one address: how many are open, and the idle ones, the longest idle first. */
    private static final class Address {
        int open;
        final LinkedHashSet<Slot> idle = new LinkedHashSet<>();
    }

    /** One connection's place. Its state is guarded by the limits' lock. */
    public final class Slot {
        private final InetAddress address;
        private final Runnable evict;
        /** Its address's counts while counted in, else null. */
        private Address from;
        private boolean idle;

        private Slot(InetAddress address, Runnable evict) {
            this.address = address;
            this.evict = evict;
        }

        /** The connection is doing something (bound, a request in progress): it is not closed for a newer one. */
        public void busy() {
            synchronized (ConnectionLimits.this) {
                markBusy(this);
            }
        }

        /**
         * The connection is idle again (an HTTP connection between requests), the newest idle one. Only listeners
         * whose idle cap is their connection cap call this, so it never takes an idle place that is not there.
         */
        public void idle() {
            synchronized (ConnectionLimits.this) {
                markIdle(this);
            }
        }

        /** The connection closed (also after being evicted: then nothing is left to count out). */
        public void closed() {
            synchronized (ConnectionLimits.this) {
                if (from != null) {
                    Address was = from;
                    uncount(this);
                    forgetIfEmpty(address, was);
                }
            }
        }
    }
}
