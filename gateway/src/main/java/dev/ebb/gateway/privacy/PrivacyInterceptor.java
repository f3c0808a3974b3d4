package dev.ebb.gateway.privacy;

import dev.ebb.gateway.config.ContentConfig;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.Submission;
import dev.ebb.gateway.core.SubmissionCodec;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.MetadataStoreException;
import dev.ebb.metadata.StoredRecord;
import dev.ebb.metadata.TrafficRecord;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where content and metadata part ways (DESIGN.md, "How a message flows"): content goes
 * sealed into the {@link ContentVault} (≤ 72 h), traffic data into the {@link MetadataStore} (≤ 12 months).
 * Ingress acknowledges a message only after {@link #accept} has returned and {@link #durable()} has completed, so an
 * acknowledged message is durable in both (invariant 4) as far as {@code storage.durability} asks. Everything
 * downstream holds a {@link VaultHandle}, never a copy of the content.
 */
public final class PrivacyInterceptor implements MeterBinder {
    private static final Logger LOG = LoggerFactory.getLogger(PrivacyInterceptor.class);
    /** Pending messages held until {@link #PENDING_BATCH} of them can be looked up in the metadata store together. */
    static final int PENDING_BATCH = 4_096;

    private final ContentVault vault;
    private final MetadataStore metadata;
    private final Clock clock;
    private final GroupCommit commit;
    private final AtomicLong stripped = new AtomicLong();
    /** Content a customer asked to go at a time of its own, by vault handle. */
    private final RetentionSchedule schedule = new RetentionSchedule();
    private final AtomicLong forgotten = new AtomicLong();

    /** With {@code durability: process}: {@link #durable()} completes at once. */
    public PrivacyInterceptor(ContentVault vault, MetadataStore metadata, Clock clock) {
        this(vault, metadata, clock, GroupCommit.none());
    }

    /** @param commit forces {@code vault} and {@code metadata} when an acknowledgement waits for it */
    public PrivacyInterceptor(ContentVault vault, MetadataStore metadata, Clock clock, GroupCommit commit) {
        this.vault = vault;
        this.metadata = metadata;
        this.clock = clock;
        this.commit = commit;
    }

    /**
     * Completes once what this thread wrote to the stores before the call is as durable as {@code storage.durability}
     * asks (at once in {@code process} mode, after a group commit in {@code fsync} mode); an answer that says
     * "accepted" or "taken" waits for it. Fails when the stores could not be forced.
     */
    public CompletableFuture<Void> durable() {
        return commit.durable();
    }

    /**
     * Seals the submission into the vault, then appends its ACCEPTED record.
     *
     * @return the vault handle and the ACCEPTED record (the template of the message's later records)
     * @throws RuntimeException when either write fails; nothing half-accepted remains readable
     */
    public Accepted accept(Submission submission, String route) {
        TrafficRecord accepted = TrafficRecords.accepted(submission, route);
        return new Accepted(seal(submission, accepted), accepted);
    }

    /**
     * Replaces the content of an accepted message not yet sent (SMPP 3.4 §4.10 replace_sm): the edited submission
     * is sealed into the vault and a REPLACED record appended, then the old content is stripped, unrecoverable like
     * that of any finished message. A crash between the first step and the last leaves both copies live: the router
     * keeps the newer when it re-queues them.
     *
     * @param edit the new message from the old; it may throw to refuse (nothing is written then)
     * @return the message's new handle and ACCEPTED template, or empty when its content is already gone
     * @throws RuntimeException when a write fails; the old content then stays the message's
     */
    public Optional<Accepted> replace(Accepted accepted, UnaryOperator<OutboundMessage> edit) {
        Optional<Submission> current = open(accepted.handle());
        if (current.isEmpty()) {
            return Optional.empty();
        }
        Submission replaced = new Submission(edit.apply(current.get().message()), current.get().ingress(),
                current.get().acceptedAt());
        TrafficRecord template = TrafficRecords.accepted(replaced, accepted.record().route());
        VaultHandle handle = seal(replaced, TrafficRecords.next(template, EventType.REPLACED, clock.instant(), null, 0, 0));
        vault.strip(accepted.handle());
        return Optional.of(new Accepted(handle, template));
    }

    /** Puts the submission into the vault, then appends {@code record}; the content goes again if the append fails. */
    private VaultHandle seal(Submission submission, TrafficRecord record) {
        VaultHandle handle = vault.put(submission.message().customerId(), submission.message().messageId(),
                SubmissionCodec.encode(submission));
        try {
            metadata.append(record);
        } catch (RuntimeException | InternalError e) {
            // An InternalError is a full disk under a memory-mapped store file; the JVM may deliver it just after
            // the write that caused it returned. Either way this message is not acknowledged.
            RuntimeException failure = e instanceof RuntimeException r ? r : new MetadataStoreException("the "
                    + record.eventType() + " record of " + record.messageId() + " failed", e);
            try {
                vault.strip(handle);
            } catch (RuntimeException stripFailed) {
                // Left live in the vault: the restart check (forEachPending) finds no ACCEPTED record and strips it.
                failure.addSuppressed(stripFailed);
            }
            throw failure;
        }
        Instant deadline = deadline(submission);
        if (deadline != null) {
            schedule.add(handle, deadline);
        }
        return handle;
    }

    /** When the customer asked for the submission's content to be unreadable; null: no time of its own. */
    private static Instant deadline(Submission submission) {
        return submission.message().contentRetention().deadline(submission.acceptedAt());
    }

    /** Strips content another copy of the same message superseded (a replace a crash interrupted). */
    public void discard(VaultHandle superseded) {
        vault.strip(superseded);
    }

    /**
     * The content, for the connector that delivers it; empty once stripped, expired or erased, or once the retention its
     * customer asked for is over, even if the schedule has not stripped it yet (it is stripped now).
     */
    public Optional<Submission> open(VaultHandle handle) {
        Optional<Submission> submission = vault.get(handle).map(SubmissionCodec::decode);
        Instant deadline = submission.map(PrivacyInterceptor::deadline).orElse(null);
        if (deadline != null && !clock.instant().isBefore(deadline)) {
            forget(handle);
            return Optional.empty();
        }
        return submission;
    }

    /** Appends the next event of a message's life: a state change is a new record, never an update (invariant 3). */
    public TrafficRecord record(TrafficRecord accepted, EventType event, String smscMessageId, int commandStatus, int errorCode) {
        return record(accepted.toBuilder(), event, smscMessageId, commandStatus, errorCode);
    }

    /**
     * {@link #record(TrafficRecord, EventType, String, int, int)} from a builder holding the ACCEPTED record's fields
     * (it is changed): the hot path's messages keep no record, and building one only to copy it cost a build per event.
     */
    public TrafficRecord record(TrafficRecord.Builder accepted, EventType event, String smscMessageId, int commandStatus,
                                int errorCode) {
        TrafficRecord next = TrafficRecords.next(accepted, event, clock.instant(), smscMessageId, commandStatus, errorCode);
        metadata.append(next);
        return next;
    }

    /** The message reached a final state: its content goes now, unless the customer keeps it until the 72 h limit. */
    public void finished(VaultHandle handle, boolean keepContentUntilExpiry) {
        if (!keepContentUntilExpiry && vault.strip(handle)) {
            stripped.incrementAndGet();
        }
    }

    /**
     * The SMSC acknowledged (ESME_ROK) a message whose customer asked for its content to go then
     * ({@code until-submitted}): it is stripped now. Not before: a submit_sm whose answer was lost is sent again, and
     * that needs the content. A message that would have to be sent again afterwards (after a restart) has none, and
     * ends like any message whose content is gone.
     */
    public void submitted(VaultHandle handle) {
        forget(handle);
    }

    /**
     * Strips the content of every message whose customer asked for it to go by now (a {@code contentRetention}
     * duration), final or not; the gateway calls this on a schedule. A message not yet sent then ends as one whose
     * content is gone (its validity ended with its retention).
     *
     * @return how many were due
     */
    public int forgetDue() {
        List<VaultHandle> due = schedule.takeDue(clock.instant());
        for (VaultHandle handle : due) {
            try {
                forget(handle);
            } catch (RuntimeException e) {
                // Stripped at the next start at the latest (forEachPending finds it due), and its bucket expires.
                LOG.error("the content of message {} could not be stripped at the end of its retention: {}",
                        handle.messageId(), e.toString());
            }
        }
        return due.size();
    }

    private void forget(VaultHandle handle) {
        if (vault.stripBeforeFinal(handle)) {
            forgotten.incrementAndGet();
        }
    }

    /** Messages whose content was stripped as soon as they were final. */
    public long strippedCount() {
        return stripped.get();
    }

    /** Messages whose content was stripped at the retention their customer asked for, before they were final. */
    public long forgottenCount() {
        return forgotten.get();
    }

    /**
     * Every message still waiting for delivery, from the vault, for re-queueing after a restart. Their ACCEPTED
     * records are rebuilt from the sealed submission (they were written at acceptance). A message counts only if the
     * metadata store holds its ACCEPTED record and no final one: content whose ACCEPTED record is missing was never
     * acknowledged (the process died, or a write failed, between the vault and the metadata store) and is stripped
     * here, never sent; a message already final (content kept until expiry) is not sent twice. A message whose
     * content can no longer be read or decoded goes to {@code unreadable} with the ACCEPTED record the metadata store
     * holds for it, so it can be ended; without such a record it is left alone with a warning. A message whose customer
     * asked for its content to go at a time of its own is scheduled again (content kept after it was final included),
     * or stripped now when that time is past; one not final is still handed to {@code action}, to end it.
     */
    public void forEachPending(RouteLookup routes, BiConsumer<Submission, Accepted> action, Consumer<Accepted> unreadable) {
        forEachPending(routes, action, unreadable, null);
    }

    /**
     * {@link #forEachPending(RouteLookup, BiConsumer, Consumer)}, and each message whose content went before it was
     * final (its customer's {@code contentRetention}) and that is not final yet goes to {@code strippedEarly}: one
     * query of its records each, so that it still ends. One already final is marked so, and not looked up again.
     *
     * @param strippedEarly null: such messages are left as they are
     */
    public void forEachPending(RouteLookup routes, BiConsumer<Submission, Accepted> action, Consumer<Accepted> unreadable,
                               StrippedEarly strippedEarly) {
        // The vault's backlog is looked up in the metadata store a batch at a time (one pass over each day's index
        // for the batch): a query per message made a restart with a large backlog take seconds.
        PendingBatch batch = new PendingBatch(routes, action, unreadable, strippedEarly);
        vault.forEachPending((handle, bytes) -> {
            Submission submission;
            try {
                submission = SubmissionCodec.decode(bytes);
            } catch (RuntimeException undecodable) {
                LOG.warn("sealed message {} cannot be decoded: {}", handle.messageId(), undecodable.getClass().getName());
                batch.add(new PendingItem(handle, null, false, sealedSince(handle)));
                return;
            }
            batch.add(new PendingItem(handle, submission, false, submission.acceptedAt()));
        }, handle -> batch.add(new PendingItem(handle, null, false, sealedSince(handle))), handle -> {
            if (strippedEarly != null) {
                batch.add(new PendingItem(handle, null, true, sealedSince(handle)));
            }
        });
        batch.flush();
        if (batch.neverAccepted > 0) {
            LOG.warn("stripped the content of {} message(s) whose ACCEPTED record is not in the metadata store: they "
                    + "were never acknowledged, so they are not sent", batch.neverAccepted);
        }
    }

    /** Where to look for the records of a message known by its handle only: a replaced message's content is sealed
     * after its acceptance, at most the 72 h content window later. */
    private static Instant sealedSince(VaultHandle handle) {
        return handle.bucket().minus(ContentConfig.MAX_RETENTION.plusDays(1));
    }

    /**
     * A message of the vault's backlog: decoded ({@code submission}), undecodable or unreadable ({@code submission}
     * null), or stripped before final ({@code early}); its records are those from {@code from} on.
     */
    private record PendingItem(VaultHandle handle, Submission submission, boolean early, Instant from) {
        String messageId() {
            return submission != null ? submission.message().messageId() : handle.messageId();
        }
    }

    /** Collects the backlog and hands each message on, in vault order, with its records looked up a batch at a time. */
    private final class PendingBatch {
        private final RouteLookup routes;
        private final BiConsumer<Submission, Accepted> action;
        private final Consumer<Accepted> unreadable;
        private final StrippedEarly strippedEarly;
        private final List<PendingItem> items = new ArrayList<>();
        private int neverAccepted;

        PendingBatch(RouteLookup routes, BiConsumer<Submission, Accepted> action, Consumer<Accepted> unreadable,
                     StrippedEarly strippedEarly) {
            this.routes = routes;
            this.action = action;
            this.unreadable = unreadable;
            this.strippedEarly = strippedEarly;
        }

        void add(PendingItem item) {
            items.add(item);
            if (items.size() == PENDING_BATCH) {
                flush();
            }
        }

        void flush() {
            if (items.isEmpty()) {
                return;
            }
            Instant from = items.stream().map(PendingItem::from).min(Instant::compareTo).orElseThrow();
            Instant latest = items.stream().map(PendingItem::from).max(Instant::compareTo).orElseThrow();
            Instant now = clock.instant();
            // Up to a minute past now, as a message's records were looked up before.
            Instant until = (now.isAfter(latest) ? now : latest).plus(Duration.ofMinutes(1));
            Map<String, List<StoredRecord>> found = metadata.recordsOfMessages(
                    items.stream().map(PendingItem::messageId).collect(Collectors.toSet()), from, until);
            for (PendingItem item : items) {
                List<TrafficRecord> records = found.getOrDefault(item.messageId(), List.of()).stream()
                        .map(StoredRecord::record).filter(r -> !r.eventTime().isBefore(item.from())).toList();
                if (item.early()) {
                    endStrippedEarly(item.handle(), records, strippedEarly);
                } else if (item.submission() == null) {
                    records.stream().filter(r -> r.eventType() == EventType.ACCEPTED).findFirst().ifPresentOrElse(
                            record -> unreadable.accept(new Accepted(item.handle(), record)),
                            () -> LOG.warn("unreadable message {} has no ACCEPTED record in the metadata store; left "
                                    + "in the vault", item.handle().messageId()));
                } else {
                    requeue(item.handle(), item.submission(), records);
                }
            }
            items.clear();
        }

        private void requeue(VaultHandle handle, Submission submission, List<TrafficRecord> records) {
            if (records.stream().noneMatch(r -> r.eventType() == EventType.ACCEPTED)) {
                vault.strip(handle);
                neverAccepted++;
                return;
            }
            Instant deadline = deadline(submission);
            if (deadline != null && clock.instant().isBefore(deadline)) {
                schedule.add(handle, deadline);
            } else if (deadline != null) {
                forget(handle);
            }
            if (records.stream().noneMatch(r -> r.eventType().isFinal())) {
                action.accept(submission, new Accepted(handle, TrafficRecords.accepted(submission,
                        routes.routeOf(submission))));
            }
        }
    }

    /** Hands a message whose content went early on to be ended, from its records, or marks it final. */
    private void endStrippedEarly(VaultHandle handle, List<TrafficRecord> records, StrippedEarly strippedEarly) {
        Optional<TrafficRecord> accepted = records.stream().filter(r -> r.eventType() == EventType.ACCEPTED).findFirst();
        if (accepted.isEmpty() || records.stream().anyMatch(r -> r.eventType().isFinal())) {
            vault.strip(handle);
            return;
        }
        Optional<TrafficRecord> submitted = records.stream().filter(r -> r.eventType() == EventType.SUBMITTED)
                .reduce((first, second) -> second);
        Accepted message = new Accepted(handle, accepted.get());
        if (submitted.isPresent()) {
            strippedEarly.atSmsc(message, submitted.get().route(), submitted.get().smscMessageId());
        } else {
            strippedEarly.unsent(message);
        }
    }

    /**
     * Erasure on the controller's instruction (DPA termination, GDPR Art. 28(3)(g)): the customer's content
     * keys are destroyed now; every message that was still pending gets a CONTENT_ERASED record. Traffic
     * data under legal retention stays until its term.
     *
     * @return the messages whose content was erased before delivery
     */
    public List<TrafficRecord> eraseCustomer(String customerId, RouteLookup routes) {
        List<TrafficRecord> erased = new ArrayList<>();
        forEachPending(routes, (submission, accepted) -> {
            if (submission.message().customerId().equals(customerId)) {
                erased.add(accepted.record());
            }
        }, accepted -> {
            if (accepted.record().customerId().equals(customerId)) {
                erased.add(accepted.record());
            }
        });
        vault.eraseCustomer(customerId);
        List<TrafficRecord> records = new ArrayList<>(erased.size());
        for (TrafficRecord accepted : erased) {
            records.add(record(accepted, EventType.CONTENT_ERASED, null, 0, 0));
        }
        return records;
    }

    /** What the rest of the gateway keeps of an accepted message: no content. */
    public record Accepted(VaultHandle handle, TrafficRecord record) {
    }

    /** What a restart finds of messages not final whose content went early, at their customer's request. */
    public interface StrippedEarly {
        /** It is at the SMSC of {@code connector} as {@code smscId}: its receipt is still to come. */
        void atSmsc(Accepted message, String connector, String smscId);

        /** It never reached an SMSC: it ends as a message whose content is gone. */
        void unsent(Accepted message);
    }

    /** The route a submission takes, to rebuild its records after a restart. */
    @FunctionalInterface
    public interface RouteLookup {
        String routeOf(Submission submission);
    }

    /**
     * Content that left early; the age of the oldest traffic record kept, and the days, records and bytes kept and
     * days pruned (the 12-month retention made visible). The vault's own gauges are its own ({@link ContentVault}).
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("ebb.content.stripped", this, PrivacyInterceptor::strippedCount)
                .description("messages whose content left the vault as soon as they were final").register(registry);
        FunctionCounter.builder("ebb.content.retention.stripped", this, PrivacyInterceptor::forgottenCount)
                .description("messages whose content left the vault at the retention their customer asked for "
                        + "(until-submitted, or a duration), before they were final").register(registry);
        Gauge.builder("ebb.content.retention.scheduled", schedule, RetentionSchedule::size)
                .description("messages whose content is to leave the vault at a time their customer asked for")
                .register(registry);
        Gauge.builder("ebb.metadata.oldest.record.age", metadata,
                m -> m.oldestRecordAge().map(d -> (double) d.toSeconds()).orElse(0.0)).baseUnit("seconds")
                .register(registry);
        Gauge.builder("ebb.metadata.days", metadata, m -> m.usage().days())
                .description("days of traffic records kept, the current one included").register(registry);
        Gauge.builder("ebb.metadata.records", metadata, m -> m.usage().records())
                .description("traffic records kept").register(registry);
        Gauge.builder("ebb.metadata.bytes", metadata, m -> m.usage().bytes())
                .description("bytes of the kept days' files").register(registry);
        FunctionCounter.builder("ebb.metadata.days.pruned", metadata, m -> m.usage().daysPruned())
                .description("days dropped at the end of their retention, with their keys").register(registry);
    }
}
