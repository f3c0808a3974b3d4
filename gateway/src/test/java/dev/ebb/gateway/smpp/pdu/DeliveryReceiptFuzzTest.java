package dev.ebb.gateway.smpp.pdu;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ebb.gateway.receipt.ReceiptHandler;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;

/**
 * Any short_message an SMSC sends as a receipt, read as {@link ReceiptHandler} reads it (ISO-8859-1): the parser
 * answers a receipt or an {@link InvalidReceiptException} naming the field, nothing else; a receipt it reads formats
 * to text that reads back as the same receipt (to the minute, the precision of the format), and yields ids to match.
 */
class DeliveryReceiptFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void aReceiptParsesOrIsRefusedAndFormatsBackToItself(byte[] shortMessage) {
        DeliveryReceipt receipt;
        try {
            receipt = DeliveryReceipt.parse(new String(shortMessage, StandardCharsets.ISO_8859_1));
        } catch (InvalidReceiptException refused) {
            return;
        }
        DeliveryReceipt toTheMinute = new DeliveryReceipt(receipt.id(), receipt.submitted(), receipt.delivered(),
                receipt.submitDate().truncatedTo(ChronoUnit.MINUTES), receipt.doneDate().truncatedTo(ChronoUnit.MINUTES),
                receipt.state(), receipt.errorCode());
        assertThat(DeliveryReceipt.parse(receipt.format())).isEqualTo(toTheMinute);
        assertThat(receipt.idCandidates()).isNotEmpty().allSatisfy(id -> assertThat(DeliveryReceipt.canonicalId(id))
                .isEqualTo(id));
    }
}
