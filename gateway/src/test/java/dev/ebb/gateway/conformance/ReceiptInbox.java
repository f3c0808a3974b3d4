package dev.ebb.gateway.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.testing.Await;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The delivery receipts one client received, as that client's own receipt parser read them: the {@code id:} it found
 * and the {@code stat:} it found there. Ebb's own parser is never used, so the suite shows what a customer's
 * application sees.
 */
final class ReceiptInbox {
    private final Map<String, String> statById = new ConcurrentHashMap<>();
    private final List<String> unparsable = new CopyOnWriteArrayList<>();

    void parsed(String id, String stat) {
        statById.put(id, stat);
    }

    /** A receipt the client's parser refused; waiting for any receipt then fails at once with {@code problem}. */
    void unparsable(String problem) {
        unparsable.add(problem);
    }

    /**
     * The {@code stat:} of the receipt whose {@code id:} is {@code messageId}, the id submit_sm_resp gave, once it
     * has come.
     *
     * @param receive called before each look, for clients whose application must fetch what arrived
     */
    String awaitStat(String messageId, Runnable receive) {
        Await.until("a receipt whose id is " + messageId, Conformance.WAIT, () -> {
            receive.run();
            assertThat(unparsable).as("receipts the client could not parse").isEmpty();
            return statById.containsKey(messageId);
        });
        return statById.get(messageId);
    }

    String awaitStat(String messageId) {
        return awaitStat(messageId, () -> { });
    }
}
