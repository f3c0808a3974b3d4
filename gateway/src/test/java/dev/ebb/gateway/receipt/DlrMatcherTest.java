package dev.ebb.gateway.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.gateway.core.MessageState;
import dev.ebb.gateway.smpp.pdu.DeliveryReceipt;
import dev.ebb.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DlrMatcherTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final List<String> matches = new ArrayList<>();
    private final DlrMatcher<String, String> matcher =
            new DlrMatcher<>((message, receipt) -> matches.add(message + "=" + receipt), clock, Duration.ofMinutes(10));

    private static List<String> receiptIds(String id) {
        return new DeliveryReceipt(id, 1, 1, Instant.EPOCH, Instant.EPOCH, MessageState.DELIVERED, 0).idCandidates();
    }

    @Test
    void aReceiptAfterItsSubmitIsMatched() {
        matcher.submitted("smsc", "abc1", "m1");
        matcher.receipt("smsc", List.of("abc1"), "DELIVRD");

        assertThat(matches).containsExactly("m1=DELIVRD");
        assertThat(matcher.awaitingReceipt()).isZero();
    }

    @Test
    void aMatchWhoseHandlingFailsLeavesTheMessageWaitingSoTheRetriedReceiptIsMatched() {
        // A full disk: the final record of the first receipt cannot be stored, the SMSC is asked to send it again.
        List<String> failing = new ArrayList<>(List.of("full"));
        DlrMatcher<String, String> m = new DlrMatcher<>((message, receipt) -> {
            if (!failing.isEmpty()) {
                throw new IllegalStateException(failing.remove(0));
            }
            matches.add(message + "=" + receipt);
        }, clock, Duration.ofMinutes(10));
        m.submitted("smsc", "abc1", "m1");

        assertThatThrownBy(() -> m.receipt("smsc", List.of("abc1"), "DELIVRD")).hasMessage("full");
        assertThat(m.awaitingReceipt()).isEqualTo(1);
        m.receipt("smsc", List.of("abc1"), "DELIVRD");

        assertThat(matches).containsExactly("m1=DELIVRD");
        assertThat(m.heldReceipts()).isZero();
    }

    @Test
    void aReceiptThatArrivesBeforeTheSubmitRespIsHeldAndMatchedNotDropped() {
        // Jasmin #375/#472: the SMSC's receipt overtakes the submit_sm_resp.
        matcher.receipt("smsc", List.of("abc1"), "DELIVRD");
        assertThat(matches).isEmpty();
        assertThat(matcher.heldReceipts()).isEqualTo(1);

        matcher.submitted("smsc", "abc1", "m1");

        assertThat(matches).containsExactly("m1=DELIVRD");
        assertThat(matcher.heldReceipts()).isZero();
    }

    @Test
    void idsAreMatchedPerConnectorBecauseSmscIdsAreOnlyUniqueWithinOneSmsc() {
        matcher.submitted("smsc-a", "1", "m1");
        matcher.submitted("smsc-b", "1", "m2");

        matcher.receipt("smsc-b", List.of("1"), "UNDELIV");

        assertThat(matches).containsExactly("m2=UNDELIV");
    }

    @Test
    void aDecimalReceiptIdMatchesAHexSubmitId() {
        matcher.submitted("smsc", "ff", "m1");
        matcher.receipt("smsc", receiptIds("255"), "DELIVRD");

        assertThat(matches).containsExactly("m1=DELIVRD");
    }

    @Test
    void anEarlyDecimalReceiptIsMatchedWhenTheHexSubmitIdArrives() {
        matcher.receipt("smsc", receiptIds("255"), "DELIVRD");
        matcher.submitted("smsc", "00FF", "m1");

        assertThat(matches).containsExactly("m1=DELIVRD");
        assertThat(matcher.heldReceipts()).isZero();
    }

    @Test
    void anUnmatchedReceiptIsGivenUpOnlyAfterTheHoldPeriod() {
        matcher.receipt("smsc", List.of("zz9"), "DELIVRD");
        List<String> unmatched = new ArrayList<>();

        clock.advance(Duration.ofMinutes(9));
        assertThat(matcher.expireHeld(unmatched::add)).isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(matcher.expireHeld(unmatched::add)).isEqualTo(1);

        assertThat(unmatched).containsExactly("DELIVRD");
        assertThat(matcher.heldReceipts()).isZero();
    }

    /**
     * An SMSC flooding receipts for ids it never gave Ebb (hostile test): they were all held for the 10 min hold time,
     * a million of them filling a -Xmx512m gateway's heap in 20 s. Past the bound the oldest are given up, and a
     * genuine early receipt arriving after the flood still finds its message.
     */
    @Test
    void aFloodOfReceiptsForUnknownIdsHoldsAtMostTheBoundAndGivesUpTheOldest() {
        List<Integer> evicted = new ArrayList<>();
        DlrMatcher<String, String> m = new DlrMatcher<>((message, receipt) -> matches.add(message + "=" + receipt),
                clock, Duration.ofMinutes(10), 100, evicted::add);
        m.receipt("smsc", receiptIds("1000"), "first");
        for (int i = 0; i < 10_000; i++) {
            clock.advance(Duration.ofMillis(1));
            m.receipt("smsc", receiptIds("unknown" + i), "bogus");
            assertThat(m.heldReceipts()).isLessThanOrEqualTo(100);
        }
        m.receipt("smsc", receiptIds("abc1"), "DELIVRD");
        m.submitted("smsc", "abc1", "m1");
        m.submitted("smsc", "1000", "m0");

        assertThat(matches).containsExactly("m1=DELIVRD");
        assertThat(evicted.stream().mapToInt(Integer::intValue).sum()).isEqualTo(10_001 - m.heldReceipts());
        assertThat(m.awaitingReceipt()).as("the oldest receipt was given up; its message waits").isEqualTo(1);
    }
}
