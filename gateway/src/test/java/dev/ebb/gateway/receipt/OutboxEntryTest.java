package dev.ebb.gateway.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.core.MessageState;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.gateway.route.InFlight;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.metadata.TrafficRecord;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** An owed receipt keeps what its webhook body needs across a restart: the customer's reference too (issue 18). */
class OutboxEntryTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123Z");

    @Test
    void anOwedReceiptKeepsItsReference() {
        CustomerReceipt receipt = receipt(accepted().reference("order 77 ✓").build());

        CustomerReceipt decoded = OutboxEntry.decode(OutboxEntry.encode(receipt), true);

        assertThat(decoded.message().record()).isEqualTo(receipt.message().record());
        assertThat(decoded.message().record().reference()).isEqualTo("order 77 ✓");
    }

    /** Entries owed by an Ebb that predates references (version 1) are read without one. */
    @Test
    void aVersionOneEntryStillDecodes() {
        CustomerReceipt receipt = receipt(accepted().build());
        byte[] v2 = OutboxEntry.encode(receipt);
        // Version 1 is version 2 without the reference's (empty) modified-UTF-8 length.
        byte[] v1 = Arrays.copyOf(v2, v2.length - 2);
        v1[0] = 1;

        assertThat(OutboxEntry.decode(v1, true).message().record()).isEqualTo(receipt.message().record());
    }

    private static TrafficRecord.Builder accepted() {
        return TrafficRecord.builder().eventType(EventType.ACCEPTED).eventTime(T0).messageId("m1").customerId("acme")
                .channel(Channel.HTTP).source(SourceAddress.alphanumeric("Ebb")).destination("+4790000001")
                .route("sim");
    }

    private static CustomerReceipt receipt(TrafficRecord record) {
        return new CustomerReceipt(new InFlight(new PrivacyInterceptor.Accepted(null, record), true, 7),
                MessageState.DELIVERED, 0, T0.plusSeconds(5));
    }
}
