package dev.ebb.gateway.smpp.pdu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.gateway.core.SmppAddress;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** submit_sm and deliver_sm are values: equal exactly when every field is, checked when made. */
class PduTest {
    private static final SmppAddress FROM = SmppAddress.international("4790000001");
    private static final SmppAddress TO = SmppAddress.international("4790000002");
    private static final Pdu.DeliverSm BASE = deliverSm();

    /** Each a deliver_sm that differs from BASE in one field. */
    static Stream<Pdu.DeliverSm> oneFieldChanged() {
        return Stream.of(
                new Pdu.DeliverSm(2, "", FROM, TO, (byte) 0, (byte) 0, (byte) 0, "", "", (byte) 0, (byte) 0, (byte) 0, (byte) 0, new byte[] {1}, List.of()),
                new Pdu.DeliverSm(1, "CMT", FROM, TO, (byte) 0, (byte) 0, (byte) 0, "", "", (byte) 0, (byte) 0, (byte) 0, (byte) 0, new byte[] {1}, List.of()),
                new Pdu.DeliverSm(1, "", TO, TO, (byte) 0, (byte) 0, (byte) 0, "", "", (byte) 0, (byte) 0, (byte) 0, (byte) 0, new byte[] {1}, List.of()),
                new Pdu.DeliverSm(1, "", FROM, FROM, (byte) 0, (byte) 0, (byte) 0, "", "", (byte) 0, (byte) 0, (byte) 0, (byte) 0, new byte[] {1}, List.of()),
                new Pdu.DeliverSm(1, "", FROM, TO, (byte) 4, (byte) 0, (byte) 0, "", "", (byte) 0, (byte) 0, (byte) 0, (byte) 0, new byte[] {1}, List.of()),
                new Pdu.DeliverSm(1, "", FROM, TO, (byte) 0, (byte) 1, (byte) 0, "", "", (byte) 0, (byte) 0, (byte) 0, (byte) 0, new byte[] {1}, List.of()),
                new Pdu.DeliverSm(1, "", FROM, TO, (byte) 0, (byte) 0, (byte) 1, "", "", (byte) 0, (byte) 0, (byte) 0, (byte) 0, new byte[] {1}, List.of()),
                new Pdu.DeliverSm(1, "", FROM, TO, (byte) 0, (byte) 0, (byte) 0, "260101000000000+", "", (byte) 0, (byte) 0, (byte) 0, (byte) 0, new byte[] {1}, List.of()),
                new Pdu.DeliverSm(1, "", FROM, TO, (byte) 0, (byte) 0, (byte) 0, "", "000001000000000R", (byte) 0, (byte) 0, (byte) 0, (byte) 0, new byte[] {1}, List.of()),
                new Pdu.DeliverSm(1, "", FROM, TO, (byte) 0, (byte) 0, (byte) 0, "", "", (byte) 1, (byte) 0, (byte) 0, (byte) 0, new byte[] {1}, List.of()),
                new Pdu.DeliverSm(1, "", FROM, TO, (byte) 0, (byte) 0, (byte) 0, "", "", (byte) 0, (byte) 1, (byte) 0, (byte) 0, new byte[] {1}, List.of()),
                new Pdu.DeliverSm(1, "", FROM, TO, (byte) 0, (byte) 0, (byte) 0, "", "", (byte) 0, (byte) 0, (byte) 8, (byte) 0, new byte[] {1}, List.of()),
                new Pdu.DeliverSm(1, "", FROM, TO, (byte) 0, (byte) 0, (byte) 0, "", "", (byte) 0, (byte) 0, (byte) 0, (byte) 1, new byte[] {1}, List.of()),
                new Pdu.DeliverSm(1, "", FROM, TO, (byte) 0, (byte) 0, (byte) 0, "", "", (byte) 0, (byte) 0, (byte) 0, (byte) 0, new byte[] {2}, List.of()),
                new Pdu.DeliverSm(1, "", FROM, TO, (byte) 0, (byte) 0, (byte) 0, "", "", (byte) 0, (byte) 0, (byte) 0, (byte) 0, new byte[] {1},
                        List.of(new Tlv(Tlv.MESSAGE_STATE, new byte[] {2}))));
    }

    @ParameterizedTest
    @MethodSource("oneFieldChanged")
    void aDeliverSmDifferingInAnyFieldIsAnotherValue(Pdu.DeliverSm other) {
        assertThat(other).isNotEqualTo(BASE);
    }

    @Test
    void equalFieldsMakeEqualValuesWithEqualHashes() {
        Pdu.DeliverSm same = deliverSm();

        assertThat(same).isEqualTo(BASE).hasSameHashCodeAs(BASE);
        Pdu.SubmitSm submit = submitSm(new byte[] {1, 2});
        assertThat(submitSm(new byte[] {1, 2})).isEqualTo(submit).hasSameHashCodeAs(submit);
        assertThat(submitSm(new byte[] {1, 3})).isNotEqualTo(submit);
    }

    @Test
    void aRecordWithoutAFieldIsRefusedWhenMade() {
        assertThatThrownBy(() -> new Pdu.SubmitSm(1, null, FROM, TO, (byte) 0, (byte) 0, (byte) 0, "", "", (byte) 0,
                (byte) 0, (byte) 0, (byte) 0, new byte[0], List.of())).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("service_type");
        assertThatThrownBy(() -> Pdu.DeliverSm.of(1, FROM, null, (byte) 0, (byte) 0, new byte[0], List.of()))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("destination");
    }

    private static Pdu.DeliverSm deliverSm() {
        return new Pdu.DeliverSm(1, "", FROM, TO, (byte) 0, (byte) 0, (byte) 0, "", "", (byte) 0, (byte) 0, (byte) 0,
                (byte) 0, new byte[] {1}, List.of());
    }

    private static Pdu.SubmitSm submitSm(byte[] text) {
        return new Pdu.SubmitSm(1, "", FROM, TO, (byte) 0, (byte) 0, (byte) 0, "", "", (byte) 0, (byte) 0, (byte) 0,
                (byte) 0, text, List.of());
    }
}
