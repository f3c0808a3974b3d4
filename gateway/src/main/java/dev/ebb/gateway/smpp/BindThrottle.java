package dev.ebb.gateway.smpp;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Slows password guessing over SMPP binds (issue 9, item 12): failed binds are counted per (system_id, client
 * address) and per client address; past a few free failures each further attempt must wait for a lock that
 * doubles with every failure, up to {@link #MAX_LOCK}. Locked attempts are refused before their password is
 * looked at, so a guesser costs no key derivation and legitimate binds do not queue behind it.
 *
 * <p>There is deliberately no lock on a system_id alone: a guesser elsewhere must not be able to lock a customer
 * out. An attempt counts as failed from the moment it is admitted until it {@link #succeeded}, so a burst of
 * concurrent guesses is bounded like a sequence of them. IPv6 clients are counted per /64, the block one
 * subscriber usually holds. Safe for concurrent use. The customer API's Kannel door throttles its logins with one of
 * its own, by username.
 */
public final class BindThrottle {
    /** Failed binds of one system_id from one address before the first lock: a customer may mistype a few times. */
    static final int FREE_PER_ACCOUNT = 5;
    /** Failed binds from one address, whatever the system_id, before the first lock (several customers behind a NAT). */
    static final int FREE_PER_ADDRESS = 50;
    static final Duration FIRST_LOCK = Duration.ofSeconds(1);
    static final Duration MAX_LOCK = Duration.ofMinutes(15);
    /** Counts with no failure for this long are forgotten (they are no longer locked: this exceeds MAX_LOCK). */
    static final Duration FORGET_AFTER = Duration.ofHours(1);
    private static final int SWEEP_EVERY = 1024;

    private record Account(String systemId, InetAddress address) {
    }

    private record Failures(int count, Instant last) {
        boolean locksAt(Instant now, int free) {
            if (count < free) {
                return false;
            }
            int doublings = Math.min(count - free, 20);
            Duration lock = FIRST_LOCK.multipliedBy(1L << doublings);
            return now.isBefore(last.plus(lock.compareTo(MAX_LOCK) > 0 ? MAX_LOCK : lock));
        }
    }

    private final Clock clock;
    private final Map<Object, Failures> failures = new ConcurrentHashMap<>();
    private final AtomicLong attempts = new AtomicLong();

    public BindThrottle(Clock clock) {
        this.clock = clock;
    }

    /** True while {@code systemId} from {@code address}, or {@code address} itself, is locked. Counts nothing. */
    public boolean locked(String systemId, InetAddress address) {
        Instant now = clock.instant();
        InetAddress block = block(address);
        Failures byAddress = failures.get(block);
        Failures byAccount = failures.get(new Account(systemId, block));
        return byAddress != null && byAddress.locksAt(now, FREE_PER_ADDRESS)
                || byAccount != null && byAccount.locksAt(now, FREE_PER_ACCOUNT);
    }

    /**
     * Admits an attempt whose credentials are about to be checked, counting it as failed until {@link #succeeded};
     * false (nothing counted) if it is locked, also by a concurrent attempt that just took the last free one.
     */
    public boolean tryAttempt(String systemId, InetAddress address) {
        Instant now = clock.instant();
        if (attempts.incrementAndGet() % SWEEP_EVERY == 0) {
            failures.values().removeIf(f -> f.last.plus(FORGET_AFTER).isBefore(now));
        }
        InetAddress block = block(address);
        if (!tryCount(block, FREE_PER_ADDRESS, now)) {
            return false;
        }
        if (!tryCount(new Account(systemId, block), FREE_PER_ACCOUNT, now)) {
            failures.computeIfPresent(block, (k, f) -> uncount(f));
            return false;
        }
        return true;
    }

    /** The attempt admitted last for {@code systemId} from {@code address} had the right password. */
    public void succeeded(String systemId, InetAddress address) {
        InetAddress block = block(address);
        failures.remove(new Account(systemId, block));
        failures.computeIfPresent(block, (k, f) -> uncount(f));
    }

    private boolean tryCount(Object key, int free, Instant now) {
        boolean[] admitted = {false};
        failures.compute(key, (k, f) -> {
            if (f != null && f.locksAt(now, free)) {
                return f;
            }
            admitted[0] = true;
            return new Failures(f == null ? 1 : f.count + 1, now);
        });
        return admitted[0];
    }

    private static Failures uncount(Failures f) {
        return f.count <= 1 ? null : new Failures(f.count - 1, f.last);
    }

    /** The address for counting: an IPv6 address by its /64. */
    private static InetAddress block(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] bytes = address.getAddress();
        Arrays.fill(bytes, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
