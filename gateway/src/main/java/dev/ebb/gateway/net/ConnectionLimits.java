package dev.ebb.gateway.net;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open connections of one listener, in all and per client address, against their caps: without them idle
 * connections alone exhaust the file descriptors (issue 9, item 11). Connections over a cap are accepted by the
 * kernel anyway; counting them here lets the listener close them at once instead of holding them. Safe for the
 * event loops to share.
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
    private final AtomicInteger open = new AtomicInteger();
    private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

    public ConnectionLimits(int max, int maxPerAddress) {
        this.max = max;
        this.maxPerAddress = maxPerAddress;
    }

    /** Counts a new connection from {@code address} in if both caps allow it; {@link #closed} must follow an OPEN. */
    public Verdict tryOpen(InetAddress address) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            return Verdict.LISTENER_FULL;
        }
        boolean[] admitted = {false};
        perAddress.compute(address, (a, n) -> {
            int count = n == null ? 0 : n;
            admitted[0] = count < maxPerAddress;
            return admitted[0] ? count + 1 : n;
        });
        if (!admitted[0]) {
            open.decrementAndGet();
            return Verdict.ADDRESS_FULL;
        }
        return Verdict.OPEN;
    }

    public void closed(InetAddress address) {
        perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
        open.decrementAndGet();
    }
}
