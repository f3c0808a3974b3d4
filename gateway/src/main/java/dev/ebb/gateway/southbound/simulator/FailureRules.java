package dev.ebb.gateway.southbound.simulator;

import dev.ebb.gateway.config.SimulatorConfig.FailureRule;
import dev.ebb.gateway.core.MessageState;
import dev.ebb.gateway.core.SmppAddress;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Decides each simulated message's fate: the rule with the longest prefix matching the destination's digits
 * applies, so a specific range can override a catch-all; no matching rule means delivered.
 */
final class FailureRules {
    private final List<FailureRule> longestFirst;
    private final RandomGenerator random;

    FailureRules(List<FailureRule> rules, RandomGenerator random) {
        this.longestFirst = rules.stream()
                .sorted(Comparator.comparingInt((FailureRule r) -> r.prefix().length()).reversed())
                .toList();
        this.random = random;
    }

    /** DELIVERED, or UNDELIVERABLE with the matching rule's probability. Called on event-loop threads. */
    MessageState outcome(SmppAddress destination) {
        String value = destination.value();
        int digits = value.startsWith("+") ? 1 : 0;
        for (FailureRule rule : longestFirst) {
            if (value.startsWith(rule.prefix(), digits)) {
                return rule.ratio() > 0 && random.nextDouble() < rule.ratio()
                        ? MessageState.UNDELIVERABLE : MessageState.DELIVERED;
            }
        }
        return MessageState.DELIVERED;
    }
}
