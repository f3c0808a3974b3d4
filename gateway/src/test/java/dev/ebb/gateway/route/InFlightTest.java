package dev.ebb.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.gateway.privacy.VaultHandle;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.metadata.TrafficRecord;
import java.net.InetAddress;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * An in-flight message keeps its fields compactly (benchmarks/README.md, "In-flight footprint") and gives back exactly
 * the ACCEPTED record and vault handle it was made from: every later record of the message is written from them.
 */
class InFlightTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123Z");

    @Test
    void givesBackTheAcceptedRecordAndHandleItWasMadeFrom() throws Exception {
        TrafficRecord accepted = accepted("10.1.2.3").toBuilder().segment(2, 3, 0xABCD).dataCoding(0xF8)
                .validUntil(T0.plusSeconds(3600)).reference("order-77").build();
        VaultHandle handle = new VaultHandle("acme", Instant.parse("2026-03-01T10:00:00Z"), 123_456_789L, "m1");

        InFlight message = new InFlight(new PrivacyInterceptor.Accepted(handle, accepted), true, 42);

        assertThat(message.record()).isEqualTo(accepted);
        assertThat(message.handle()).isEqualTo(handle);
        assertThat(message.accepted()).isEqualTo(new PrivacyInterceptor.Accepted(handle, accepted));
        assertThat(message.validUntil()).isEqualTo(accepted.validUntil());
        assertThat(message.route()).isEqualTo("sim");
        assertThat(message.receiptWanted()).isTrue();
        assertThat(message.sessionId()).isEqualTo(42);
    }

    @Test
    void keepsAnIpv6ClientAndNoValidityLimitAsTheyWere() throws Exception {
        TrafficRecord accepted = accepted("2001:db8::17");

        InFlight message = new InFlight(new PrivacyInterceptor.Accepted(null, accepted), false, 0);

        assertThat(message.record()).isEqualTo(accepted);
        assertThat(message.record().clientIp()).isEqualTo(InetAddress.getByName("2001:db8::17"));
        assertThat(message.validUntil()).isNull();
        assertThat(message.handle()).isNull();
    }

    @Test
    void itsAddressesAreTheRecordsAsSubmittedSouthbound() throws Exception {
        InFlight message = new InFlight(new PrivacyInterceptor.Accepted(null, accepted("10.1.2.3")), true, 0);

        assertThat(message.source()).isEqualTo(new SmppAddress((byte) 5, (byte) 0, "Acme"));
        assertThat(message.destination()).isEqualTo(SmppAddress.international("4790000001"));
    }

    @Test
    void aRecordOfALaterEventIsRefused() throws Exception {
        TrafficRecord submitted = accepted("10.1.2.3").toBuilder().eventType(EventType.SUBMITTED).smscMessageId("s1")
                .build();

        assertThatThrownBy(() -> new InFlight(new PrivacyInterceptor.Accepted(null, submitted), true, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aHandleOfAnotherMessageIsRefused() throws Exception {
        VaultHandle other = new VaultHandle("acme", Instant.parse("2026-03-01T10:00:00Z"), 0, "m2");

        assertThatThrownBy(() -> new InFlight(new PrivacyInterceptor.Accepted(other, accepted("10.1.2.3")), true, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static TrafficRecord accepted(String clientIp) throws Exception {
        return TrafficRecord.builder().eventType(EventType.ACCEPTED).eventTime(T0).messageId("m1").customerId("acme")
                .channel(Channel.SMPP).systemId("acme").clientIp(InetAddress.getByName(clientIp))
                .source(new SourceAddress("Acme", 5, 0)).destination("+4790000001").route("sim").build();
    }
}
