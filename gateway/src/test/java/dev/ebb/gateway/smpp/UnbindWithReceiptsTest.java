package dev.ebb.gateway.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.RawSmppClient;
import dev.ebb.gateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that unbinds while it answers its last receipt (jSMPP's listener thread writes the deliver_sm_resp while the
 * application thread already sends the unbind: `ebb send` did this) has taken that receipt: the answer that comes in
 * the unbind's grace counts, and the receipt is not offered again to another bind.
 */
class UnbindWithReceiptsTest {
    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.withSimulator();

    @Test
    void aDeliverSmRespThatFollowsTheUnbindStillTakesTheReceipt() throws Exception {
        try (RawSmppClient client = new RawSmppClient(gateway.smppPort())
                .bind(BindType.TRANSCEIVER, TestGateway.SYSTEM_ID, TestGateway.PASSWORD)) {
            client.send(Pdu.SubmitSm.builder().sequenceNumber(client.nextSequence())
                    .source(SmppAddress.international("4790000001")).destination(SmppAddress.international("4790000002"))
                    .registeredDelivery(1).shortMessage("receipt wanted".getBytes(StandardCharsets.ISO_8859_1)).build());
            assertThat(client.next(Pdu.SubmitSmResp.class).commandStatus()).isZero();
            Pdu.DeliverSm receipt = client.next(Pdu.DeliverSm.class);

            client.send(new Pdu.Unbind(client.nextSequence()));
            client.send(new Pdu.DeliverSmResp(receipt.sequenceNumber(), CommandStatus.ESME_ROK));

            Await.until("the receipt is taken", Duration.ofSeconds(10),
                    () -> gateway.metric("ebb_receipts_forwarded_total") == 1);
            assertThat(gateway.metric("ebb_receipts_waiting_for_bind")).isZero();
        }
    }
}
