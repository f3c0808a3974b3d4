package dev.ebb.gateway.http;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open connections of one listener, in all and per client address. Connections over a cap are accepted by the
 * kernel anyway; counting them here lets the listener answer and close them at once instead of holding them.
 */
final class ConnectionCaps {
    private final int max;
    private final int maxPerAddress;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

    ConnectionCaps(int max, int maxPerAddress) {
        this.max = max;
        this.maxPerAddress = maxPerAddress;
    }

    /**
     * Counts a new connection from {@code address} if both caps allow it.
     *
     * @return null when admitted (then {@link #release} it once closed), else why not
     */
    String admit(InetAddress address) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            return "the listener has its maximum of " + max + " connections open";
        }
        boolean[] over = new boolean[1];
        perAddress.compute(address, (a, n) -> {
            int now = n == null ? 0 : n;
            over[0] = now >= maxPerAddress;
            return over[0] ? n : now + 1;
        });
        if (over[0]) {
            open.decrementAndGet();
            return "this address has its maximum of " + maxPerAddress + " connections open";
        }
        return null;
    }

    void release(InetAddress address) {
        perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
        open.decrementAndGet();
    }
}
