package dev.ebb.gateway.privacy;

import static dev.ebb.gateway.testing.TwoCustomers.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.core.ContentRetention;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.DiskSearch;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.JsmppSubmit;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import dev.ebb.testing.MutableClock;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.jsmpp.bean.OptionalParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: content retention shorter than Ebb's default, per message, over real sockets. The proof that content is
 * gone is the one a copy of the data directory gives, keys included ({@link VaultForensics}): every record decrypted,
 * tombstones undone. The simulator holds each receipt an hour, so a message stays SUBMITTED, not final, meanwhile;
 * time past acceptance comes from a {@link MutableClock}.
 */
class ContentRetentionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String UNTIL_SUBMITTED = "MARKER issue18 until submitted 4c1";
    private static final String UNTIL_FINAL = "MARKER issue18 until final 9e2";
    private static final String ONE_MINUTE = "MARKER issue18 one minute 7a3";
    private static final String NEVER_SENT = "MARKER issue18 never sent 2b4";

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();
    @TempDir
    Path scratch;
    private final MutableClock clock = new MutableClock(Instant.now());
    private final ObjectMapper json = new ObjectMapper();
    private int copies;

    @Test
    void untilSubmittedContentIsGoneOnceTheSmscAnsweredWhileADefaultMessageKeepsItUntilFinal() throws Exception {
        start(true, null);

        String gone = post("{\"to\":\"+4790001801\",\"from\":\"Ebb\",\"text\":\"" + UNTIL_SUBMITTED
                + "\",\"contentRetention\":\"until-submitted\"}");
        String kept = post("{\"to\":\"+4790001802\",\"from\":\"Ebb\",\"text\":\"" + UNTIL_FINAL + "\"}");
        awaitEvent(gone, EventType.SUBMITTED);
        awaitEvent(kept, EventType.SUBMITTED);

        Await.until("the until-submitted content stripped", WAIT, () -> !readable(UNTIL_SUBMITTED));
        assertThat(readable(UNTIL_FINAL)).as("a default message keeps its content until final").isTrue();
        assertThat(gateway.eventsOf(kept)).containsExactly(EventType.ACCEPTED, EventType.SUBMITTED);
        assertThat(gateway.eventsOf(gone)).containsExactly(EventType.ACCEPTED, EventType.SUBMITTED);
        assertThat(DiskSearch.filesContaining(gateway.dataDir(), bytes(UNTIL_SUBMITTED))).isEmpty();
        assertThat(gateway.metric("ebb_content_retention_stripped_total")).isEqualTo(1.0);
    }

    @Test
    void aMessageKeptForOneMinuteLosesItsContentOnceTheClockPassesItThoughNotFinal() throws Exception {
        start(true, null);
        String id = post("{\"to\":\"+4790001803\",\"from\":\"Ebb\",\"text\":\"" + ONE_MINUTE
                + "\",\"contentRetention\":\"PT1M\"}");
        awaitEvent(id, EventType.SUBMITTED);
        assertThat(readable(ONE_MINUTE)).isTrue();

        clock.advance(Duration.ofSeconds(59));
        assertThat(readable(ONE_MINUTE)).as("inside its minute").isTrue();
        clock.advance(Duration.ofSeconds(1));

        Await.until("the content stripped at one minute", WAIT, () -> !readable(ONE_MINUTE));
        assertThat(gateway.eventsOf(id)).containsExactly(EventType.ACCEPTED, EventType.SUBMITTED);
    }

    /** Over SMPP, ebb_content_retention (0x1410) as 4 octets of seconds, from jSMPP; the SMSC is down throughout. */
    @Test
    void aMessageNeverSentWithinItsRetentionEndsExpiredWithItsReceiptAndNoContent() throws Exception {
        start(false, null);
        EsmeClient esme = gateway.esme();
        String id = esme.submit(JsmppSubmit.to("+4790001804").registeredDelivery(1)
                .shortMessage(bytes(NEVER_SENT)).tlvs(retention(ContentRetention.of(Duration.ofMinutes(1)).toTlv())));
        assertThat(readable(NEVER_SENT)).isTrue();

        clock.advance(Duration.ofMinutes(1));

        Await.until("the EXPIRED receipt", WAIT, () -> esme.receiptFor(id) != null);
        assertThat(new String(esme.receiptFor(id).getShortMessage(), StandardCharsets.US_ASCII)).contains("stat:EXPIRED");
        assertThat(gateway.eventsOf(id)).containsExactly(EventType.ACCEPTED, EventType.EXPIRED,
                EventType.RECEIPT_FORWARDED);
        Await.until("the content stripped", WAIT, () -> !readable(NEVER_SENT));
    }

    /** The retention is sealed with the content: a restart schedules it again. */
    @Test
    void aRetentionSurvivesARestart() throws Exception {
        start(false, null);
        String id = gateway.esme().submit(JsmppSubmit.to("+4790001805").registeredDelivery(1)
                .shortMessage(bytes(NEVER_SENT)).tlvs(retention(ContentRetention.of(Duration.ofMinutes(10)).toTlv())));
        gateway.stop();

        start(false, null);
        assertThat(readable(NEVER_SENT)).as("re-queued with its content").isTrue();
        clock.advance(Duration.ofMinutes(10));

        Await.until("the content stripped after the restart", WAIT, () -> !readable(NEVER_SENT));
        Await.until("the message ended", WAIT, () -> gateway.eventsOf(id).contains(EventType.EXPIRED));
    }

    /** A customer's contentRetention applies to each of its messages that does not say, over SMPP too. */
    @Test
    void theCustomersDefaultAppliesWhenAMessageDoesNotSayAndAMessageMaySayOtherwise() throws Exception {
        start(true, "until-submitted");
        EsmeClient esme = gateway.esme();

        String gone = esme.submit("+4790001806", UNTIL_SUBMITTED, StandardCharsets.ISO_8859_1, (byte) 3);
        String kept = esme.submit(JsmppSubmit.to("+4790001807").registeredDelivery(1).dataCoding((byte) 3)
                .shortMessage(bytes(UNTIL_FINAL)).tlvs(retention(ContentRetention.UNTIL_FINAL.toTlv())));
        awaitEvent(gone, EventType.SUBMITTED);
        awaitEvent(kept, EventType.SUBMITTED);

        Await.until("the customer's until-submitted applied", WAIT, () -> !readable(UNTIL_SUBMITTED));
        assertThat(readable(UNTIL_FINAL)).isTrue();
    }

    /** SMPP 3.4 §5.1.3: 0xC4 ESME_RINVOPTPARAMVAL for a value Ebb cannot grant, 0xC2 for a wrong length, 0xC0 twice. */
    @Test
    void aBadRetentionParameterIsRefusedWithTheStatusSmppNamesAndNothingIsAccepted() throws Exception {
        start(true, null);
        EsmeClient esme = gateway.esme();

        assertThat(refusalFor(esme, retention(new byte[] {2}))).isEqualTo(0xC4);
        assertThat(refusalFor(esme, retention(new byte[] {0, 0, 0, 0}))).isEqualTo(0xC4);
        assertThat(refusalFor(esme, retention(new byte[] {0, 3, (byte) 0xF4, (byte) 0x81}))).as("259201 s, over 72 h")
                .isEqualTo(0xC4);
        assertThat(refusalFor(esme, retention(new byte[] {0, 1}))).isEqualTo(0xC2);
        assertThat(refusalFor(esme, retention(new byte[] {1}), retention(new byte[] {0}))).isEqualTo(0xC0);
        assertThat(refusalFor(esme, retention(new byte[] {0, 3, (byte) 0xF4, (byte) 0x80}))).as("72 h exactly")
                .isZero();
        assertThat(gateway.metric("ebb_submits_refused_total")).isEqualTo(5.0);
    }

    private void start(boolean smscUp, String customerDefault) throws InterruptedException {
        gateway.start(TestGateway.builder(gateway.dataDir(), TestGateway.freePort(), smscUp)
                .receiptDelay(Duration.ofHours(1)).contentRetention(customerDefault).build(), clock);
    }

    private int refusalFor(EsmeClient esme, OptionalParameter... tlvs) throws Exception {
        return refusal(() -> esme.submit(JsmppSubmit.to("+4790001809").registeredDelivery(1)
                .shortMessage(bytes("refused")).tlvs(tlvs)));
    }

    private static OptionalParameter retention(byte[] value) {
        return new OptionalParameter.OctetString(ContentRetention.TLV_TAG, value);
    }

    /** Whether a copy of the data directory, keys included, still decrypts to {@code marker}. */
    private boolean readable(String marker) {
        Path copy = scratch.resolve("copy-" + copies++);
        try {
            Files.createDirectories(copy);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return VaultForensics.anyContains(VaultForensics.readableContent(gateway.dataDir(), copy), bytes(marker));
    }

    private String post(String body) throws Exception {
        HttpResponse<String> r = gateway.http().send(HttpRequest.newBuilder(gateway.api("/v1/messages"))
                .header("Authorization", "Bearer " + TestGateway.API_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return json.readTree(r.body()).at("/messages/0/id").asText();
    }

    private void awaitEvent(String id, EventType event) {
        Await.until(event + " of " + id, WAIT, () -> gateway.eventsOf(id).contains(event));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
