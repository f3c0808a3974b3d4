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
                BASE.toBuilder().sequenceNumber(2).build(),
                BASE.toBuilder().serviceType("CMT").build(),
                BASE.toBuilder().source(TO).build(),
                BASE.toBuilder().destination(FROM).build(),
                BASE.toBuilder().esmClass(4).build(),
                BASE.toBuilder().protocolId(1).build(),
                BASE.toBuilder().priorityFlag(1).build(),
                BASE.toBuilder().scheduleDeliveryTime("260101000000000+").build(),
                BASE.toBuilder().validityPeriod("000001000000000R").build(),
                BASE.toBuilder().registeredDelivery(1).build(),
                BASE.toBuilder().replaceIfPresent(1).build(),
                BASE.toBuilder().dataCoding(8).build(),
                BASE.toBuilder().smDefaultMsgId(1).build(),
                BASE.toBuilder().shortMessage(new byte[] {2}).build(),
                BASE.toBuilder().tlvs(List.of(new Tlv(Tlv.MESSAGE_STATE, new byte[] {2}))).build());
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
        assertThatThrownBy(() -> submitSm(new byte[0]).toBuilder().serviceType(null).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("service_type");
        assertThatThrownBy(() -> Pdu.DeliverSm.builder().source(FROM).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("destination");
    }

    @Test
    void aBuilderStartsAtTheNullAndDefaultValuesOfSection441() {
        Pdu.SubmitSm built = Pdu.SubmitSm.builder().source(FROM).destination(TO).build();

        assertThat(built).isEqualTo(new Pdu.SubmitSm(0, "", FROM, TO, (byte) 0, (byte) 0, (byte) 0, "", "", (byte) 0,
                (byte) 0, (byte) 0, (byte) 0, new byte[0], List.of()));
        assertThat(built.toBuilder().build()).isEqualTo(built);
    }

    @Test
    void anOctetFieldTakesTheUnsignedAndTheSignedSpellingButNothingWider() {
        assertThat(BASE.toBuilder().esmClass(0xC0).build().esmClass()).isEqualTo((byte) 0xC0);
        assertThat(BASE.toBuilder().esmClass((byte) 0xC0).build().esmClass()).isEqualTo((byte) 0xC0);
        assertThatThrownBy(() -> BASE.toBuilder().dataCoding(0x108)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("data_coding");
    }

    private static Pdu.DeliverSm deliverSm() {
        return Pdu.DeliverSm.builder().sequenceNumber(1).source(FROM).destination(TO).shortMessage(new byte[] {1}).build();
    }

    private static Pdu.SubmitSm submitSm(byte[] text) {
        return Pdu.SubmitSm.builder().sequenceNumber(1).source(FROM).destination(TO).shortMessage(text).build();
    }
}
