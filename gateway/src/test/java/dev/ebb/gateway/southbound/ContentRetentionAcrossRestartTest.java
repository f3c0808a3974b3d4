package dev.ebb.gateway.southbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.config.EbbConfig;
import dev.ebb.gateway.core.ContentRetention;
import dev.ebb.gateway.privacy.VaultForensics;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.JsmppSubmit;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jsmpp.bean.OptionalParameter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: a message whose content went once the SMSC acknowledged it (until-submitted) is at the SMSC when Ebb
 * restarts. It has no content to be sent again with, and is not: the restart finds it by its tombstone, and the
 * receipt the SMSC sends afterwards still ends it and reaches the customer. Without that the receipt was "for an
 * unknown SMSC id", given up, and the message stayed SUBMITTED for good.
 */
class ContentRetentionAcrossRestartTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String MARKER = "MARKER issue18 across a restart 5d6";

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();
    @TempDir
    Path scratch;
    private final int smscPort = TestGateway.freePort();
    private JsmppTestSmsc smsc;

    @AfterEach
    void stopSmsc() throws Exception {
        if (smsc != null) {
            smsc.close();
        }
    }

    @Test
    void anUntilSubmittedMessageAtTheSmscIsNotSentAgainAfterARestartAndItsReceiptStillEndsIt() throws Exception {
        smsc = new JsmppTestSmsc(smscPort);
        EbbConfig config = TestGateway.config(gateway.dataDir(), smscPort, false);
        gateway.start(config);
        String id = gateway.esme().submit(JsmppSubmit.to("+4790001810").registeredDelivery(1)
                .shortMessage(MARKER.getBytes(StandardCharsets.US_ASCII)).tlvs(new OptionalParameter.OctetString(
                        ContentRetention.TLV_TAG, ContentRetention.UNTIL_SUBMITTED.toTlv())));
        Await.until("the message at the SMSC", WAIT, () -> gateway.eventsOf(id).contains(EventType.SUBMITTED));
        String smscId = gateway.recordsOf(id).stream().filter(r -> r.record().eventType() == EventType.SUBMITTED)
                .findFirst().orElseThrow().record().smscMessageId();
        Await.until("its content stripped", WAIT, () -> !readable(MARKER));

        gateway.stop();
        gateway.start(config);
        EsmeClient esme = gateway.esme();
        String receipt = "id:" + smscId + " sub:001 dlvrd:001 submit date:2603011000 done date:2603011000 "
                + "stat:DELIVRD err:000 text:";
        Await.until("the receipt sent once the gateway is bound again", WAIT, () -> {
            try {
                smsc.sendReceipt(smscId, receipt);
                return true;
            } catch (Exception notBoundYet) {
                return false;
            }
        });

        Await.until("the DELIVERED receipt at the customer", WAIT, () -> esme.receiptFor(id) != null);
        assertThat(new String(esme.receiptFor(id).getShortMessage(), StandardCharsets.US_ASCII)).contains("stat:DELIVRD");
        assertThat(gateway.eventsOf(id)).containsSubsequence(EventType.ACCEPTED, EventType.SUBMITTED,
                EventType.DELIVERED, EventType.RECEIPT_FORWARDED);
        assertThat(smsc.submits()).as("not sent twice").hasSize(1);
        assertThat(readable(MARKER)).isFalse();
    }

    private boolean readable(String marker) {
        try {
            Path copy = Files.createTempDirectory(scratch, "copy-");
            return VaultForensics.anyContains(VaultForensics.readableContent(gateway.dataDir(), copy),
                    marker.getBytes(StandardCharsets.US_ASCII));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
