package dev.ebb.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.config.EbbConfig;
import dev.ebb.gateway.config.SmscClient;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.core.Submission;
import dev.ebb.gateway.privacy.ContentVault;
import dev.ebb.gateway.privacy.KeyRing;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.gateway.southbound.simulator.HandsetSimulator;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestConfigs;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.MetadataStore;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.jsmpp.bean.DeliverSm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 9, "stop the line", items 1 to 3, over real sockets: no message, however long or broken, may stop the
 * southbound sending threads (the test gateway has 2 binds x 8 of them), and each one that cannot be sent ends with a
 * final record and a receipt saying why.
 */
class NoMessageStopsTheLineTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** More than the 16 sending threads of the test gateway: without the fixes each one kills a thread. */
    private static final int DOOMED = 20;

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();

    /** Item 1: message_payload of ~850 bytes and more failed to decrypt on the sending thread. */
    @Test
    void messagePayloadsAroundTheVaultBufferAndUpTo64KiBAreDeliveredWithTheirReceipts() throws Exception {
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true));
        EsmeClient esme = gateway.esme();
        List<Integer> sizes = new ArrayList<>(List.of(254, 800, 850, 900, 950, 960, 970, 980, 1_000, 1_024, 1_100,
                4_096, 16_384, 32_768, 65_535));
        for (int i = 0; i < DOOMED; i++) {
            sizes.add(2_000);
        }
        List<String> ids = new ArrayList<>();
        Random random = new Random(9);
        for (int size : sizes) {
            byte[] payload = new byte[size];
            random.nextBytes(payload);
            ids.add(esme.submitPayload("+4790000101", payload, (byte) 0x04));
        }
        String shortOne = esme.submit("+4790000102", "after the long ones", StandardCharsets.ISO_8859_1, (byte) 0x03);

        Await.until("DELIVRD receipts for every long message and the short one after them", WAIT,
                () -> ids.stream().allMatch(id -> esme.receiptFor(id) != null) && esme.receiptFor(shortOne) != null);
        assertThat(ids).allSatisfy(id -> assertThat(receiptText(esme, id)).contains("stat:DELIVRD"));
    }

    /** Item 2: these were answered ESME_ROK (then killed a sending thread) or ESME_RSYSERR. */
    @Test
    void sourcesWithAReservedNumberingPlanOrNonAsciiLettersAreRefusedWithInvalidSourceAddress() throws Exception {
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true));
        com.cloudhopper.smpp.impl.DefaultSmppClient client = new com.cloudhopper.smpp.impl.DefaultSmppClient();
        gateway.closeAfter(client::destroy);
        com.cloudhopper.smpp.SmppSessionConfiguration config = new com.cloudhopper.smpp.SmppSessionConfiguration(
                com.cloudhopper.smpp.SmppBindType.TRANSCEIVER, TestGateway.SYSTEM_ID, TestGateway.PASSWORD);
        config.setHost("127.0.0.1");
        config.setPort(gateway.smppPort());
        com.cloudhopper.smpp.SmppSession session = client.bind(config,
                new com.cloudhopper.smpp.impl.DefaultSmppSessionHandler());
        gateway.closeAfter(session::destroy);

        assertThat(submitStatus(session, 5, 2, "EbbBank")).isEqualTo(0x0A); // ESME_RINVSRCADR, SMPP 3.4 §5.1.3
        assertThat(submitStatus(session, 5, 0x7F, "EbbBank")).isEqualTo(0x0A);
        assertThat(submitStatus(session, 3, 42, "2222")).isEqualTo(0x0A);
        assertThat(submitStatus(session, 5, 0x80, "EbbBank")).isEqualTo(0x0A);
        assertThat(submitStatus(session, 5, 0xFF, "EbbBank")).isEqualTo(0x0A);
        assertThat(submitStatus(session, 1, 0x80, "4790000001")).isEqualTo(0x0A);
        assertThat(submitStatus(session, 5, 0, "Ebb Æøå")).isEqualTo(0x0A);
        assertThat(submitStatus(session, 5, 0, "EbbBank")).isZero();
        assertThat(submitStatus(session, 3, 9, "2222")).isZero();
    }

    /**
     * Item 3: messages whose vault records are corrupted on disk while they wait for the SMSC fail with UNDELIV and
     * err:008 (ESME_RSYSERR) and a final record; the messages queued behind them are still delivered.
     */
    @Test
    void messagesWhoseRecordIsCorruptedOnDiskFailWithAReceiptAndTheOthersAreStillDelivered() throws Exception {
        int smscPort = TestGateway.freePort();
        gateway.start(TestGateway.config(gateway.dataDir(), smscPort, false)); // the SMSC is down: messages wait
        EsmeClient esme = gateway.esme();
        List<String> doomed = new ArrayList<>();
        for (int i = 0; i < DOOMED; i++) {
            doomed.add(esme.submit("+4790000201", "doomed " + i, StandardCharsets.ISO_8859_1, (byte) 0x03));
        }
        List<String> fine = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            fine.add(esme.submit("+4790000202", "fine " + i, StandardCharsets.ISO_8859_1, (byte) 0x03));
        }
        assertThat(corruptCiphertextOf(Set.copyOf(doomed))).isEqualTo(DOOMED);

        startSimulator(smscPort);

        Await.until("receipts for every message", WAIT,
                () -> Stream.concat(doomed.stream(), fine.stream()).allMatch(id -> esme.receiptFor(id) != null));
        assertThat(fine).allSatisfy(id -> assertThat(receiptText(esme, id)).contains("stat:DELIVRD"));
        assertThat(doomed).allSatisfy(id -> {
            assertThat(receiptText(esme, id)).contains("stat:UNDELIV err:008");
            assertThat(gateway.recordsOf(id)).extracting(r -> r.record().eventType())
                    .startsWith(EventType.ACCEPTED, EventType.SUBMIT_FAILED, EventType.UNDELIVERABLE);
            assertThat(gateway.recordsOf(id)).filteredOn(r -> r.record().eventType() == EventType.UNDELIVERABLE)
                    .singleElement().satisfies(r -> {
                        assertThat(r.record().commandStatus()).isEqualTo(0x08);
                        assertThat(r.record().errorCode()).isEqualTo(0x08);
                    });
        });
    }

    /**
     * Item 3 across a restart: records damaged while the gateway was down were skipped at every start, their messages
     * never ended. They now end UNDELIV err:008 at the next start, once, and the rest of the backlog is delivered.
     */
    @Test
    void messagesWhoseRecordWasCorruptedWhileTheGatewayWasDownEndAtTheNextStartOnce() throws Exception {
        int smscPort = TestGateway.freePort();
        gateway.start(TestGateway.config(gateway.dataDir(), smscPort, false));
        EsmeClient first = gateway.esme();
        List<String> doomed = new ArrayList<>();
        List<String> fine = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            doomed.add(first.submit("+4790000501", "doomed " + i, StandardCharsets.ISO_8859_1, (byte) 0x03));
            fine.add(first.submit("+4790000502", "fine " + i, StandardCharsets.ISO_8859_1, (byte) 0x03));
        }
        gateway.stop();
        assertThat(corruptCiphertextOf(Set.copyOf(doomed))).isEqualTo(doomed.size());

        gateway.start(TestGateway.config(gateway.dataDir(), smscPort, true));
        EsmeClient esme = gateway.esme();
        Await.until("receipts for the whole backlog", WAIT,
                () -> Stream.concat(doomed.stream(), fine.stream()).allMatch(id -> esme.receiptFor(id) != null));
        assertThat(doomed).allSatisfy(id -> assertThat(receiptText(esme, id)).contains("stat:UNDELIV err:008"));
        assertThat(fine).allSatisfy(id -> assertThat(receiptText(esme, id)).contains("stat:DELIVRD"));
        gateway.start(TestGateway.config(gateway.dataDir(), smscPort, true));
        assertThat(doomed).allSatisfy(id -> assertThat(gateway.eventsOf(id))
                .containsOnlyOnce(EventType.UNDELIVERABLE).doesNotContain(EventType.SUBMITTED));
    }

    /**
     * Item 3 across a restart: a backlog written before ingress checked sources (TON 5 with a reserved NPI, which
     * jSMPP cannot encode) is re-queued at start; those messages fail with err:010 (ESME_RINVSRCADR) and the rest of
     * the backlog and new traffic are delivered. On the jSMPP client: Ebb's own sends the TON/NPI octets as stored and
     * leaves them to the SMSC, as it does data_coding.
     */
    @Test
    void aBacklogOfMessagesThatCannotBeSentDoesNotStopTheGatewayAfterARestart() throws Exception {
        int smscPort = TestGateway.freePort();
        Path data = gateway.dataDir();
        EbbConfig down = TestGateway.config(data, smscPort, false);
        gateway.start(down); // creates the data directory as the gateway lays it out
        gateway.stop();
        List<String> unencodable = new ArrayList<>();
        List<String> fine = new ArrayList<>();
        try (ContentVault vault = ContentVault.open(data.resolve("content"), KeyRing.open(data.resolve("content-keys")),
                down.content(), Clock.systemUTC());
             MetadataStore metadata = MetadataStore.open(data.resolve("metadata"), down.metadata().storeConfig(),
                     Clock.systemUTC())) {
            PrivacyInterceptor privacy = new PrivacyInterceptor(vault, metadata, Clock.systemUTC());
            for (int i = 0; i < DOOMED; i++) {
                unencodable.add(backlog(privacy, "bad" + i, new SmppAddress((byte) 5, (byte) 42, "EbbBank")));
            }
            for (int i = 0; i < 3; i++) {
                fine.add(backlog(privacy, "fine" + i, new SmppAddress((byte) 5, (byte) 0, "EbbBank")));
            }
        }

        gateway.start(TestGateway.builder(data, smscPort, true).connector(c -> c.client(SmscClient.JSMPP)).build());
        EsmeClient esme = gateway.esme();
        String fresh = esme.submit("+4790000302", "after the restart", StandardCharsets.ISO_8859_1, (byte) 0x03);

        Await.until("receipts for the whole backlog and the new message", WAIT, () -> esme.receiptFor(fresh) != null
                && Stream.concat(unencodable.stream(), fine.stream()).allMatch(id -> esme.receiptFor(id) != null));
        assertThat(fine).allSatisfy(id -> assertThat(receiptText(esme, id)).contains("stat:DELIVRD"));
        assertThat(unencodable).allSatisfy(id -> {
            assertThat(receiptText(esme, id)).contains("stat:UNDELIV err:010");
            assertThat(gateway.recordsOf(id)).extracting(r -> r.record().eventType())
                    .contains(EventType.SUBMIT_FAILED, EventType.UNDELIVERABLE);
        });
    }

    private static String backlog(PrivacyInterceptor privacy, String id, SmppAddress source) {
        OutboundMessage message = OutboundMessage.builder(id, TestGateway.SYSTEM_ID).source(source)
                .destination(SmppAddress.international("+4790000301")).registeredDelivery((byte) 1)
                .shortMessage("queued".getBytes(StandardCharsets.US_ASCII)).build();
        privacy.accept(new Submission(message, new Submission.Ingress(Channel.SMPP, TestGateway.SYSTEM_ID, "127.0.0.1"),
                Instant.now()), "sim");
        return id;
    }

    /** The embedded simulator, started by the test on the port the gateway's connector keeps trying. */
    private void startSimulator(int port) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        gateway.closeAfter(() -> group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS)
                .syncUninterruptibly());
        HandsetSimulator simulator = HandsetSimulator.start(TestConfigs.simulator(port)
                .receiptDelay(Duration.ofMillis(10)).build(), group, Clock.systemUTC(), new SecureRandom());
        gateway.closeAfter(simulator);
    }

    /**
     * Flips one ciphertext byte of each record of the given messages in the content files, walking the records by
     * their plaintext headers (ContentVault's RecordHeader: length at 4, id length at 20, id at 21, ciphertext at
     * 38 + id length).
     *
     * @return the number of records changed
     */
    private int corruptCiphertextOf(Set<String> messageIds) throws IOException {
        int changed = 0;
        List<Path> files;
        try (Stream<Path> walk = Files.walk(gateway.dataDir().resolve("content"))) {
            files = walk.filter(p -> p.toString().endsWith(".vault")).toList();
        }
        for (Path file : files) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(channel.size()));
                channel.read(all, 0);
                int position = 0;
                while (position + 21 < all.limit() && all.getInt(position) != 0) {
                    int length = all.getInt(position + 4);
                    int idLength = Byte.toUnsignedInt(all.get(position + 20));
                    String id = new String(all.array(), position + 21, idLength, StandardCharsets.UTF_8);
                    if (messageIds.contains(id)) {
                        int at = position + 38 + idLength + 1;
                        channel.write(ByteBuffer.wrap(new byte[] {(byte) (all.get(at) ^ 0x5A)}), at);
                        changed++;
                    }
                    position += length;
                }
            }
        }
        return changed;
    }

    private static int submitStatus(com.cloudhopper.smpp.SmppSession session, int ton, int npi, String source)
            throws Exception {
        com.cloudhopper.smpp.pdu.SubmitSm submit = new com.cloudhopper.smpp.pdu.SubmitSm();
        submit.setSourceAddress(new com.cloudhopper.smpp.type.Address((byte) ton, (byte) npi, source));
        submit.setDestAddress(new com.cloudhopper.smpp.type.Address((byte) 1, (byte) 1, "4790000103"));
        submit.setShortMessage("x".getBytes(StandardCharsets.US_ASCII));
        return session.submit(submit, 5_000).getCommandStatus();
    }

    private static String receiptText(EsmeClient esme, String id) {
        DeliverSm receipt = esme.receiptFor(id);
        return new String(receipt.getShortMessage(), StandardCharsets.US_ASCII);
    }
}
