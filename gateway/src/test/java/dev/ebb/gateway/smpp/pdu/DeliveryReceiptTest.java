package dev.ebb.gateway.smpp.pdu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.gateway.core.MessageState;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeliveryReceiptTest {
    private static final Instant SUBMIT = Instant.parse("2026-03-10T14:05:00Z");
    private static final Instant DONE = Instant.parse("2026-03-10T14:06:00Z");
    private static final DeliveryReceipt DELIVERED =
            new DeliveryReceipt("0123456789abcdefghij", 1, 1, SUBMIT, DONE, MessageState.DELIVERED, 0);

    @Test
    void formatWritesAppendixBTextWithEmptyText() {
        assertThat(DELIVERED.format()).isEqualTo("id:0123456789abcdefghij sub:001 dlvrd:001 submit date:2603101405 "
                + "done date:2603101406 stat:DELIVRD err:000 text:");
    }

    @Test
    void formatWritesDatesInUtcToTheMinute() {
        DeliveryReceipt receipt = new DeliveryReceipt("1", 1, 0, Instant.parse("2026-12-31T23:59:59.9Z"), DONE,
                MessageState.UNDELIVERABLE, 34);

        assertThat(receipt.format()).contains("submit date:2612312359 ").contains("stat:UNDELIV err:034");
    }

    @Test
    void formatThenParseRoundTrips() {
        assertThat(DeliveryReceipt.parse(DELIVERED.format())).isEqualTo(DELIVERED);
    }

    @Test
    void parseReadsKannelStyleReceipt() {
        DeliveryReceipt receipt = DeliveryReceipt.parse(
                "id:1234567890 sub:001 dlvrd:000 submit date:2603101405 done date:2603101406 stat:UNDELIV err:001 text:");

        assertThat(receipt).isEqualTo(new DeliveryReceipt("1234567890", 1, 0, SUBMIT, DONE, MessageState.UNDELIVERABLE, 1));
    }

    @Test
    void parseAcceptsAnyCaseAndExtraSpaces() {
        DeliveryReceipt receipt = DeliveryReceipt.parse(
                "  ID: ab12CD  SUB:1   DLVRD:1 Submit  Date:2603101405 DONE DATE: 2603101406 Stat:delivrd ERR:0 Text:");

        assertThat(receipt.id()).isEqualTo("ab12CD");
        assertThat(receipt.state()).isEqualTo(MessageState.DELIVERED);
        assertThat(receipt.doneDate()).isEqualTo(DONE);
    }

    @Test
    void anIdWithControlCharactersIsRefusedAsAnInvalidReceipt() {
        // Found by DeliveryReceiptFuzzTest: NULs inside the id reached the record's own check, an IllegalArgumentException.
        assertThatThrownBy(() -> DeliveryReceipt.parse(
                "id:12\0\0\0\0345 sub:001 dlvrd:000 submit date:2603101405 done date:2603131405 stat:EXPIRED err:000 text:"))
                .isInstanceOf(InvalidReceiptException.class).hasMessageContaining("'id'");
    }

    @Test
    void parseAcceptsMissingText() {
        assertThat(DeliveryReceipt.parse(
                "id:7 sub:001 dlvrd:001 submit date:2603101405 done date:2603101406 stat:DELIVRD err:000").id())
                .isEqualTo("7");
    }

    @Test
    void parseAcceptsDatesWithSeconds() {
        DeliveryReceipt receipt = DeliveryReceipt.parse(
                "id:7 sub:001 dlvrd:001 submit date:260310140512 done date:260310140645 stat:DELIVRD err:000 text:");

        assertThat(receipt.submitDate()).isEqualTo(Instant.parse("2026-03-10T14:05:12Z"));
        assertThat(receipt.doneDate()).isEqualTo(Instant.parse("2026-03-10T14:06:45Z"));
    }

    @Test
    void parseDropsWhateverFollowsText() {
        DeliveryReceipt receipt = DeliveryReceipt.parse("id:7 sub:001 dlvrd:001 submit date:2603101405 "
                + "done date:2603101406 stat:DELIVRD err:000 text:Your code is 4711 id:999 stat:REJECTD");

        assertThat(receipt.id()).isEqualTo("7");
        assertThat(receipt.state()).isEqualTo(MessageState.DELIVERED);
        assertThat(receipt.toString()).doesNotContain("4711");
    }

    @Test
    void parseDefaultsMissingCountsAndErrorToZero() {
        DeliveryReceipt receipt = DeliveryReceipt.parse("id:7 submit date:2603101405 done date:2603101406 stat:EXPIRED");

        assertThat(receipt.submitted()).isZero();
        assertThat(receipt.delivered()).isZero();
        assertThat(receipt.errorCode()).isZero();
    }

    @Test
    void parseReadsHexErrorCode() {
        assertThat(DeliveryReceipt.parse(
                "id:7 sub:1 dlvrd:0 submit date:2603101405 done date:2603101406 stat:UNDELIV err:00B text:").errorCode())
                .isEqualTo(11);
    }

    @Test
    void parseAcceptsUuidStyleIds() {
        assertThat(DeliveryReceipt.parse("id:3f2a-77c1-9e0d sub:1 dlvrd:1 submit date:2603101405 "
                + "done date:2603101406 stat:DELIVRD err:0").id()).isEqualTo("3f2a-77c1-9e0d");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "hello world", "Your code is 4711", "id: stat:DELIVRD",
        "sub:001 dlvrd:001 submit date:2603101405 done date:2603101406 stat:DELIVRD err:000"})
    void garbageIsRefusedWithoutEchoingIt(String text) {
        assertThatThrownBy(() -> DeliveryReceipt.parse(text))
                .isInstanceOf(InvalidReceiptException.class)
                .hasMessageContaining("no 'id:' field")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("4711"));
    }

    @Test
    void nullIsRefused() {
        assertThatThrownBy(() -> DeliveryReceipt.parse(null)).isInstanceOf(InvalidReceiptException.class);
    }

    @Test
    void unknownStatWordIsRefused() {
        assertThatThrownBy(() -> DeliveryReceipt.parse(
                "id:7 sub:1 dlvrd:0 submit date:2603101405 done date:2603101406 stat:SENT err:0"))
                .isInstanceOf(InvalidReceiptException.class)
                .hasMessageContaining("'stat'");
    }

    @Test
    void missingDoneDateIsRefused() {
        assertThatThrownBy(() -> DeliveryReceipt.parse("id:7 sub:1 dlvrd:0 submit date:2603101405 stat:DELIVRD err:0"))
                .isInstanceOf(InvalidReceiptException.class)
                .hasMessageContaining("'done date:'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"26031014", "2613101405", "26031014051", "2602301405"})
    void malformedDatesAreRefused(String date) {
        assertThatThrownBy(() -> DeliveryReceipt.parse(
                "id:7 sub:1 dlvrd:0 submit date:" + date + " done date:2603101406 stat:DELIVRD err:0"))
                .isInstanceOf(InvalidReceiptException.class)
                .hasMessageContaining("'submit date'");
    }

    @Test
    void nonNumericCountIsRefused() {
        assertThatThrownBy(() -> DeliveryReceipt.parse(
                "id:7 sub:x dlvrd:0 submit date:2603101405 done date:2603101406 stat:DELIVRD err:0"))
                .isInstanceOf(InvalidReceiptException.class)
                .hasMessageContaining("'sub'");
    }

    @Test
    void idCandidatesCoverHexAndDecimalForms() {
        DeliveryReceipt decimal = new DeliveryReceipt("0000255", 1, 1, SUBMIT, DONE, MessageState.DELIVERED, 0);
        DeliveryReceipt hex = new DeliveryReceipt("00FF", 1, 1, SUBMIT, DONE, MessageState.DELIVERED, 0);

        assertThat(decimal.idCandidates()).containsExactly("255", "ff", "597");
        assertThat(hex.idCandidates()).containsExactly("ff", "255");
    }

    @Test
    void idCandidatesOfOpaqueIdIsTheIdLowerCased() {
        DeliveryReceipt opaque = new DeliveryReceipt("Msg-42X", 1, 1, SUBMIT, DONE, MessageState.DELIVERED, 0);

        assertThat(opaque.idCandidates()).containsExactly("msg-42x");
    }

    @Test
    void canonicalIdStripsLeadingZerosOfNumbersOnly() {
        assertThat(DeliveryReceipt.canonicalId("000ABC")).isEqualTo("abc");
        assertThat(DeliveryReceipt.canonicalId("0000")).isEqualTo("0");
        assertThat(DeliveryReceipt.canonicalId("0-ABC")).isEqualTo("0-abc");
    }

    @Test
    void idWithSpaceIsRefused() {
        assertThatThrownBy(() -> new DeliveryReceipt("a b", 1, 1, SUBMIT, DONE, MessageState.DELIVERED, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
