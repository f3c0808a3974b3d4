package dev.ebb.gateway.smpp;

import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.config.PasswordHash;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Checks bind credentials against the configured accounts. PBKDF2 costs milliseconds by design, so it runs
 * on its own executor, never on an event loop; a credential that verified once is remembered (as a digest,
 * never in clear) so reconnect storms don't queue behind key derivation.
 */
final class Authenticator {
    private final Map<String, CustomerConfig> bySystemId;
    private final Executor executor;
    private final Set<String> verified = ConcurrentHashMap.newKeySet();

    Authenticator(Map<String, CustomerConfig> bySystemId, Executor executor) {
        this.bySystemId = Map.copyOf(bySystemId);
        this.executor = executor;
    }

    record Result(int status, CustomerConfig customer) {
    }

    CompletableFuture<Result> authenticate(Pdu.Bind bind) {
        CustomerConfig customer = bySystemId.get(bind.systemId());
        if (customer == null) {
            return CompletableFuture.completedFuture(new Result(CommandStatus.ESME_RINVSYSID, null));
        }
        String digest = digest(customer.smpp().passwordHash(), bind.password());
        if (verified.contains(digest)) {
            return CompletableFuture.completedFuture(allowed(customer, bind));
        }
        return CompletableFuture.supplyAsync(() -> {
            if (!PasswordHash.matches(bind.password(), customer.smpp().passwordHash())) {
                return new Result(CommandStatus.ESME_RINVPASWD, null);
            }
            verified.add(digest);
            return allowed(customer, bind);
        }, executor);
    }

    private static Result allowed(CustomerConfig customer, Pdu.Bind bind) {
        // §5.1.3 ESME_RBINDFAIL: the account exists and the password is right, but not for this bind type.
        return customer.smpp().bindTypes().contains(bind.type())
                ? new Result(CommandStatus.ESME_ROK, customer)
                : new Result(CommandStatus.ESME_RBINDFAIL, null);
    }

    private static String digest(String storedHash, String password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(storedHash.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            return Base64.getEncoder().encodeToString(sha.digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
