package dev.ebb.gateway.smpp;

import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.config.PasswordHash;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.metadata.Sha256;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;

/**
 * Checks bind credentials against the configured accounts. PBKDF2 costs milliseconds by design, so it runs
 * on its own executor, never on an event loop; a credential that verified once is remembered (as a digest,
 * never in clear) so reconnect storms don't queue behind key derivation, and identical attempts in flight share
 * one derivation. Failed attempts are throttled by {@link BindThrottle} before any of that.
 */
final class Authenticator {
    private final Map<String, CustomerConfig> bySystemId;
    private final Executor executor;
    private final BindThrottle throttle;
    private final Set<String> verified = ConcurrentHashMap.newKeySet();
    private final Map<String, CompletableFuture<Boolean>> deriving = new ConcurrentHashMap<>();
    private final LongAdder locked = new LongAdder();

    Authenticator(Map<String, CustomerConfig> bySystemId, Executor executor, BindThrottle throttle) {
        this.bySystemId = Map.copyOf(bySystemId);
        this.executor = executor;
        this.throttle = throttle;
    }

    /** @param locked refused by the throttle, without looking at the password */
    record Result(int status, CustomerConfig customer, boolean locked) {
        static Result refused(int status) {
            return new Result(status, null, false);
        }
    }

    CompletableFuture<Result> authenticate(Pdu.Bind bind, InetAddress from) {
        // Locked attempts are refused first, the right password too: otherwise the cache below would let a
        // guesser go on at full speed during the lock.
        if (throttle.locked(bind.systemId(), from)) {
            return lockedOut();
        }
        CustomerConfig customer = bySystemId.get(bind.systemId());
        if (customer == null) {
            return throttle.tryAttempt(bind.systemId(), from)
                    ? CompletableFuture.completedFuture(Result.refused(CommandStatus.ESME_RINVSYSID)) : lockedOut();
        }
        String digest = digest(customer.smpp().passwordHash(), bind.password());
        if (verified.contains(digest)) {
            throttle.succeeded(bind.systemId(), from);
            return CompletableFuture.completedFuture(allowed(customer, bind));
        }
        CompletableFuture<Boolean> same = deriving.get(digest);
        if (same == null) {
            if (!throttle.tryAttempt(bind.systemId(), from)) {
                return lockedOut();
            }
            CompletableFuture<Boolean> derived = deriving.computeIfAbsent(digest, d -> CompletableFuture.supplyAsync(() ->
                    PasswordHash.matches(bind.password(), customer.smpp().passwordHash()), executor));
            derived.whenComplete((matches, error) -> deriving.remove(digest, derived));
            same = derived;
        }
        return same.thenApply(matches -> {
            if (!matches) {
                return Result.refused(CommandStatus.ESME_RINVPASWD);
            }
            verified.add(digest);
            throttle.succeeded(bind.systemId(), from);
            return allowed(customer, bind);
        });
    }

    /** Binds refused by the throttle so far (a counter). */
    long lockedCount() {
        return locked.sum();
    }

    private CompletableFuture<Result> lockedOut() {
        locked.increment();
        // §5.1.3 0x0D ESME_RBINDFAIL: the bind failed, whatever the password; the password was not checked.
        return CompletableFuture.completedFuture(new Result(CommandStatus.ESME_RBINDFAIL, null, true));
    }

    private static Result allowed(CustomerConfig customer, Pdu.Bind bind) {
        // §5.1.3 ESME_RBINDFAIL: the account exists and the password is right, but not for this bind type.
        return customer.smpp().bindTypes().contains(bind.type())
                ? new Result(CommandStatus.ESME_ROK, customer, false)
                : Result.refused(CommandStatus.ESME_RBINDFAIL);
    }

    private static String digest(String storedHash, String password) {
        MessageDigest sha = Sha256.digest();
        sha.update(storedHash.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        return Base64.getEncoder().encodeToString(sha.digest(password.getBytes(StandardCharsets.UTF_8)));
    }
}
