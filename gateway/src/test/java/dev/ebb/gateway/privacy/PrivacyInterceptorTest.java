package dev.ebb.gateway.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.ebb.gateway.core.ContentRetention;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.core.Submission;
import dev.ebb.gateway.core.SubmissionCodec;
import dev.ebb.testing.MutableClock;
import dev.ebb.gateway.testing.PrivacyStores;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.TrafficQuery;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivacyInterceptorTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private final MutableClock clock = new MutableClock(T0);

    @TempDir
    Path dir;
    private ContentVault vault;
    private MetadataStore metadata;
    private PrivacyInterceptor privacy;

    private PrivacyStores stores;

    @BeforeEach
    void open() {
        stores = new PrivacyStores(dir, clock);
        vault = stores.vault;
        metadata = stores.metadata;
        privacy = stores.privacy;
    }

    @AfterEach
    void close() {
        stores.close();
    }

    @Test
    void anAcceptedMessageIsInTheVaultAndItsAcceptedRecordInTheStore() {
        Submission submission = submission("m1", "acme", "hello");

        PrivacyInterceptor.Accepted accepted = privacy.accept(submission, "sim");

        assertThat(privacy.open(accepted.handle())).contains(submission);
        assertThat(metadata.query(TrafficQuery.byMessageId("m1", T0, T0.plusSeconds(1))).records())
                .singleElement().satisfies(r -> {
                    assertThat(r.record().eventType()).isEqualTo(EventType.ACCEPTED);
                    assertThat(r.record().route()).isEqualTo("sim");
                    assertThat(r.record().systemId()).isEqualTo("acme");
                });
    }

    @Test
    void whenTheMetadataAppendFailsTheContentDoesNotStayBehind() {
        metadata.close();

        assertThatThrownBy(() -> privacy.accept(submission("m1", "acme", "hello"), "sim")).isInstanceOf(RuntimeException.class);

        List<Submission> pending = new ArrayList<>();
        privacy.forEachPending(s -> "sim", (s, a) -> pending.add(s), a -> {
            throw new AssertionError("unreadable " + a.record().messageId());
        });
        assertThat(pending).isEmpty();
    }

    @Test
    void aFinishedMessagesContentIsStrippedUnlessTheCustomerKeepsIt() {
        PrivacyInterceptor.Accepted stripped = privacy.accept(submission("m1", "acme", "one"), "sim");
        PrivacyInterceptor.Accepted kept = privacy.accept(submission("m2", "keeper", "two"), "sim");

        privacy.finished(stripped.handle(), false);
        privacy.finished(kept.handle(), true);

        assertThat(privacy.open(stripped.handle())).isEmpty();
        assertThat(privacy.open(kept.handle())).isPresent();
        assertThat(privacy.strippedCount()).isEqualTo(1);
    }

    @Test
    void erasingACustomerDestroysItsContentAndRecordsTheErasureButKeepsItsTrafficData() {
        PrivacyInterceptor.Accepted gone = privacy.accept(submission("m1", "acme", "one"), "sim");
        PrivacyInterceptor.Accepted other = privacy.accept(submission("m2", "other", "two"), "sim");
        clock.advance(Duration.ofMinutes(1));

        privacy.eraseCustomer("acme", s -> "sim");

        assertThat(privacy.open(gone.handle())).isEmpty();
        assertThat(privacy.open(other.handle())).isPresent();
        assertThat(metadata.query(TrafficQuery.byMessageId("m1", T0, T0.plus(Duration.ofHours(1)))).records())
                .extracting(r -> r.record().eventType()).containsExactly(EventType.ACCEPTED, EventType.CONTENT_ERASED);
    }

    @Test
    void pendingMessagesComeBackFromTheVaultWithTheirAcceptedRecordRebuilt() {
        Submission submission = submission("m1", "acme", "waiting");
        privacy.accept(submission, "sim");

        List<PrivacyInterceptor.Accepted> pending = new ArrayList<>();
        privacy.forEachPending(s -> "sim", (s, a) -> pending.add(a), a -> {
            throw new AssertionError("unreadable " + a.record().messageId());
        });

        assertThat(pending).singleElement().satisfies(a -> {
            assertThat(a.record().messageId()).isEqualTo("m1");
            assertThat(a.record().eventTime()).isEqualTo(T0);
            assertThat(a.record().channel()).isEqualTo(Channel.SMPP);
        });
    }

    @Test
    void aBacklogLargerThanOneLookupBatchComesBackInVaultOrderWithoutItsFinalMessages() {
        // Issue 15: the backlog is looked up in the metadata store a batch at a time, not a query per message.
        int messages = PrivacyInterceptor.PENDING_BATCH + 50;
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            PrivacyInterceptor.Accepted accepted = privacy.accept(submission("m" + i, "acme", "text " + i), "sim");
            if (i % 97 == 0) {
                // Final already, its content kept: not to be sent again.
                metadata.append(accepted.record().toBuilder().eventType(EventType.DELIVERED).build());
            } else {
                expected.add("m" + i);
            }
        }

        List<String> pending = new ArrayList<>();
        privacy.forEachPending(s -> "sim", (s, a) -> pending.add(a.record().messageId()), a -> {
            throw new AssertionError("unreadable " + a.record().messageId());
        });

        assertThat(pending).containsExactlyElementsOf(expected);
    }

    @Test
    void contentWhoseAcceptedRecordNeverReachedTheStoreIsStrippedAtRestartNotSent() {
        // Issue 9 item 6: a crash or a failed metadata write between the vault put and the ACCEPTED record leaves
        // content of a message nobody acknowledged; after the restart it was sent to the handset.
        Submission unacknowledged = submission("never-acked", "acme", "hello");
        VaultHandle orphan = vault.put("acme", "never-acked", SubmissionCodec.encode(unacknowledged));
        Submission acknowledged = submission("acked", "acme", "hello too");
        privacy.accept(acknowledged, "sim");

        List<Submission> pending = new ArrayList<>();
        privacy.forEachPending(s -> "sim", (s, a) -> pending.add(s), a -> fail("no record is unreadable"));

        assertThat(pending).containsExactly(acknowledged);
        assertThat(vault.get(orphan)).isEmpty();
    }

    @Test
    void aMessageAlreadyFinalIsNotRequeuedAtRestartEvenWithItsContentKept() {
        PrivacyInterceptor.Accepted delivered = privacy.accept(submission("delivered", "acme", "hello"), "sim");
        privacy.record(delivered.record(), EventType.DELIVERED, "smsc-1", 0, 0);
        privacy.finished(delivered.handle(), true);

        List<Submission> pending = new ArrayList<>();
        privacy.forEachPending(s -> "sim", (s, a) -> pending.add(s), a -> fail("no record is unreadable"));

        assertThat(pending).isEmpty();
        assertThat(vault.get(delivered.handle())).isPresent();
    }

    /** Issue 18: a duration the customer asked for ends the content, final or not, kept by the customer or not. */
    @Test
    void aMessagePastItsOwnRetentionNeitherOpensNorStaysEvenWhenItsCustomerKeepsFinishedContent() {
        PrivacyInterceptor.Accepted pending = privacy.accept(retained("pending", Duration.ofMinutes(1)), "sim");
        PrivacyInterceptor.Accepted kept = privacy.accept(retained("kept", Duration.ofMinutes(1)), "sim");
        privacy.record(kept.record(), EventType.DELIVERED, "smsc-1", 0, 0);
        privacy.finished(kept.handle(), true);

        clock.advance(Duration.ofSeconds(59));
        assertThat(privacy.forgetDue()).isZero();
        assertThat(privacy.open(pending.handle())).isPresent();
        clock.advance(Duration.ofSeconds(1));

        assertThat(privacy.open(pending.handle())).as("unreadable at its time, before the schedule runs").isEmpty();
        assertThat(vault.get(pending.handle())).as("and stripped by the read").isEmpty();
        assertThat(privacy.forgetDue()).isEqualTo(2);
        assertThat(vault.get(kept.handle())).isEmpty();
        assertThat(privacy.forgottenCount()).isEqualTo(2);
    }

    /** The schedule is in memory; the retention is sealed with the content, so a restart finds it again. */
    @Test
    void aRetentionIsScheduledAgainAtRestartAndOneAlreadyPastIsStrippedThen() {
        PrivacyInterceptor.Accepted later = privacy.accept(retained("later", Duration.ofHours(2)), "sim");
        PrivacyInterceptor.Accepted past = privacy.accept(retained("past", Duration.ofHours(1)), "sim");
        privacy.record(past.record(), EventType.DELIVERED, "smsc-1", 0, 0);
        privacy.finished(past.handle(), true);
        stores.close();
        clock.advance(Duration.ofHours(1));
        open();

        List<String> requeued = new ArrayList<>();
        privacy.forEachPending(s -> "sim", (s, a) -> requeued.add(s.message().messageId()), a -> fail("unreadable"));

        assertThat(requeued).containsExactly("later");
        assertThat(vault.get(past.handle())).as("final, kept, and past its retention").isEmpty();
        assertThat(vault.get(later.handle())).isPresent();
        clock.advance(Duration.ofHours(1));
        assertThat(privacy.forgetDue()).isEqualTo(1);
        assertThat(vault.get(later.handle())).isEmpty();
    }

    /** A restart hands on what went early and is not final: by its SMSC id if the SMSC has it, else to be ended. */
    @Test
    void aRestartNamesMessagesWhoseContentWentEarlyByWhereTheyAre() {
        PrivacyInterceptor.Accepted atSmsc = privacy.accept(retained("at-smsc", Duration.ofMinutes(1)), "sim");
        privacy.record(atSmsc.record(), EventType.SUBMITTED, "smsc-7", 0, 0);
        PrivacyInterceptor.Accepted unsent = privacy.accept(retained("unsent", Duration.ofMinutes(1)), "sim");
        PrivacyInterceptor.Accepted done = privacy.accept(retained("done", Duration.ofMinutes(1)), "sim");
        clock.advance(Duration.ofMinutes(1));
        assertThat(privacy.forgetDue()).isEqualTo(3);
        privacy.record(done.record(), EventType.DELIVERED, "smsc-8", 0, 0);
        stores.close();
        open();

        List<String> named = new ArrayList<>();
        PrivacyInterceptor.StrippedEarly collect = new PrivacyInterceptor.StrippedEarly() {
            @Override
            public void atSmsc(PrivacyInterceptor.Accepted message, String connector, String smscId) {
                named.add(message.record().messageId() + " at " + connector + " as " + smscId);
            }

            @Override
            public void unsent(PrivacyInterceptor.Accepted message) {
                named.add(message.record().messageId() + " unsent");
            }
        };
        privacy.forEachPending(s -> "sim", (s, a) -> fail("no content is left"), a -> fail("unreadable"), collect);

        assertThat(named).containsExactlyInAnyOrder("at-smsc at sim as smsc-7", "unsent unsent");
        List<String> stillNamed = new ArrayList<>();
        vault.forEachPending((h, b) -> fail("no content is left"), h -> fail("unreadable"),
                h -> stillNamed.add(h.messageId()));
        assertThat(stillNamed).as("the final one is marked so, not looked up at the next restart")
                .containsExactlyInAnyOrder("at-smsc", "unsent");
    }

    private Submission retained(String id, Duration retention) {
        Submission plain = submission(id, "acme", "retained");
        return new Submission(plain.message().toBuilder().contentRetention(ContentRetention.of(retention)).build(),
                plain.ingress(), plain.acceptedAt());
    }

    private Submission submission(String id, String customer, String text) {
        OutboundMessage message = OutboundMessage.builder(id, customer)
                .source(new SmppAddress((byte) 5, (byte) 0, "Acme"))
                .destination(SmppAddress.international("4790000001")).registeredDelivery((byte) 1)
                .dataCoding((byte) 3).shortMessage(text.getBytes(StandardCharsets.ISO_8859_1))
                .expiry(T0.plus(Duration.ofHours(71))).build();
        return new Submission(message, new Submission.Ingress(Channel.SMPP, customer, "127.0.0.1"), clock.instant());
    }
}
