package dev.ebb.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MessageStateTest {

    @ParameterizedTest
    @CsvSource({"1, ENROUTE, ENROUTE", "2, DELIVERED, DELIVRD", "3, EXPIRED, EXPIRED", "4, DELETED, DELETED",
        "5, UNDELIVERABLE, UNDELIV", "6, ACCEPTED, ACCEPTD", "7, UNKNOWN, UNKNOWN", "8, REJECTED, REJECTD"})
    void codesAndStatWordsFollowTheSpec(int code, MessageState state, String stat) {
        assertThat(MessageState.ofCode(code)).isEqualTo(state);
        assertThat(state.code()).isEqualTo(code);
        assertThat(state.stat()).isEqualTo(stat).hasSize(7);
    }

    @Test
    void onlyEnrouteAndUnknownAreNotFinal() {
        assertThat(MessageState.values()).filteredOn(s -> !s.isFinal())
                .containsExactlyInAnyOrder(MessageState.ENROUTE, MessageState.UNKNOWN);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 9, -1, 255})
    void codesOutsideTheSpecAreRefused(int code) {
        assertThatThrownBy(() -> MessageState.ofCode(code)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"DELIVRD, DELIVERED", "delivrd, DELIVERED", " Undeliv , UNDELIVERABLE", "DELIVERED, DELIVERED",
        "undeliverable, UNDELIVERABLE", "acceptd, ACCEPTED"})
    void statWordsAreReadInAnyCaseAndFullForm(String word, MessageState expected) {
        assertThat(MessageState.fromStat(word)).contains(expected);
    }

    @Test
    void unknownStatWordGivesEmpty() {
        assertThat(MessageState.fromStat("SENT")).isEmpty();
    }
}
