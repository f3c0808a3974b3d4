package dev.ebb.gateway.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.gateway.config.ContentConfig;
import dev.ebb.gateway.config.StorageConfig;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.core.Submission;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.FileSync;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.MetadataStoreConfig;
import dev.ebb.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group commit over a real vault and metadata store, counted through the {@link FileSync} seam: an
 * acknowledgement completes only after both stores' files were forced, many share one force, and a failed force
 * acknowledges nothing, then or later.
 */
class GroupCommitTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private final MutableClock clock = new MutableClock(T0);
    /** What happened, in order: "force <file name>" and "ack <n>". */
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> opened = new ArrayList<>();
    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private final FileSync counting = (channel, file) -> {
        channel.force(false);
        events.add("force " + file.getFileName());
    };

    private PrivacyInterceptor stores(StorageConfig storage, FileSync sync) {
        ContentVault vault = ContentVault.open(dir.resolve("content"), KeyRing.open(dir.resolve("keys")),
                ContentConfig.defaults(), clock, sync);
        opened.add(vault);
        MetadataStore metadata = MetadataStore.openForGroupCommit(dir.resolve("metadata"),
                MetadataStoreConfig.defaults(), clock, null, sync);
        opened.add(metadata);
        GroupCommit commit = GroupCommit.of(storage, List.of(vault::force, metadata::force));
        opened.add(commit);
        return new PrivacyInterceptor(vault, metadata, clock, commit);
    }

    @Test
    void anAcknowledgementCompletesOnlyAfterTheVaultAndTheQueueWereForced() {
        PrivacyInterceptor privacy = stores(StorageConfig.defaults().withFsync(Duration.ZERO, 1), counting);

        privacy.accept(submission("m1"), "sim");
        privacy.durable().thenRun(() -> events.add("ack m1")).join();

        assertThat(events).hasSize(3).endsWith("ack m1");
        assertThat(events.subList(0, 2)).anyMatch(e -> e.endsWith(".vault")).anyMatch(e -> e.endsWith(".cq4"));
    }

    @Test
    void acknowledgementsWaitingTogetherShareOneForce() {
        // The interval is the longest allowed: the eighth acknowledgement starts the commit, not the timer.
        PrivacyInterceptor privacy = stores(StorageConfig.defaults().withFsync(Duration.ofSeconds(1), 8), counting);
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            privacy.accept(submission("m" + i), "sim");
            acks.add(privacy.durable());
        }

        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();

        assertThat(events).as("one force of the bucket file and one of the cycle file for 8 acknowledgements")
                .hasSize(2);
    }

    @Test
    void aLoneAcknowledgementIsForcedWhenTheIntervalEnds() {
        PrivacyInterceptor privacy = stores(StorageConfig.defaults().withFsync(Duration.ofMillis(2), 65_536),
                counting);

        privacy.accept(submission("m1"), "sim");
        privacy.durable().orTimeout(30, TimeUnit.SECONDS).join();

        assertThat(events).hasSize(2);
    }

    @Test
    void whileTheForceRunsNothingIsAcknowledged() throws Exception {
        CountDownLatch inForce = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PrivacyInterceptor privacy = stores(StorageConfig.defaults().withFsync(Duration.ZERO, 1), (channel, file) -> {
            inForce.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            channel.force(false);
        });
        privacy.accept(submission("m1"), "sim");
        CompletableFuture<Void> ack = privacy.durable();

        assertThat(inForce.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ack).isNotDone();
        release.countDown();
        ack.orTimeout(30, TimeUnit.SECONDS).join();
    }

    @Test
    void aFailedForceAcknowledgesNothingThenOrLater() {
        // One EIO, then forces succeed again: PostgreSQL's "fsyncgate", where the retry succeeded with the pages gone.
        boolean[] failed = {false};
        PrivacyInterceptor privacy = stores(StorageConfig.defaults().withFsync(Duration.ZERO, 1), (channel, file) -> {
            if (!failed[0]) {
                failed[0] = true;
                throw new IOException("EIO");
            }
            channel.force(false);
        });
        privacy.accept(submission("m1"), "sim");

        assertThatThrownBy(() -> privacy.durable().join()).isInstanceOf(CompletionException.class)
                .hasRootCauseMessage("EIO");
        privacy.accept(submission("m2"), "sim");
        assertThat(privacy.durable()).as("after a failed fsync the page cache is not trusted again")
                .isCompletedExceptionally();
    }

    @Test
    void inProcessModeAcknowledgementsCompleteAtOnceAndNothingIsForced() {
        PrivacyInterceptor privacy = stores(StorageConfig.defaults(), counting);

        privacy.accept(submission("m1"), "sim");

        assertThat(privacy.durable()).isDone();
        assertThat(events).isEmpty();
    }

    private Submission submission(String id) {
        OutboundMessage message = OutboundMessage.builder(id, "acme")
                .source(new SmppAddress((byte) 5, (byte) 0, "Acme"))
                .destination(SmppAddress.international("4790000001"))
                .dataCoding((byte) 3).shortMessage("durable".getBytes(StandardCharsets.ISO_8859_1))
                .expiry(T0.plus(Duration.ofHours(71))).build();
        return new Submission(message, new Submission.Ingress(Channel.SMPP, "acme", "127.0.0.1"), clock.instant());
    }
}
