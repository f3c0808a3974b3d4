package dev.ebb.gateway.privacy;

import dev.ebb.gateway.config.StorageConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses new submits before a store's disk is full, and lets them in again when space is back, without a restart.
 *
 * <p>{@link #check()} runs on a schedule ({@link StorageConfig#checkInterval()}): it samples each watched store's free
 * space, compares it with the store's floor ({@link StorageConfig#floorFor}) and asks a store that can fail whether
 * it still writes. The submit path reads only the outcome, {@link #admitsSubmits()}: a volatile read, no system
 * call per message. Submits need the content vault and the metadata store; the audit log is watched for
 * readiness, metrics and alerts (a compliance request whose audit entry cannot be written is refused anyway).
 *
 * <p>When a store's space returns after it was below its floor, its writer is rebuilt ({@link Writer#repair()}; also
 * while it is stopped): a
 * write on the full disk may have failed in a way the store only learns from its files.
 *
 * <p>Thread-safety: {@link #check()} from one thread at a time (the schedule); everything else from any thread.
 */
public final class StorageGuard implements MeterBinder {
    private static final Logger LOG = LoggerFactory.getLogger(StorageGuard.class);
    private static final long MIB = 1L << 20;

    /** The stores Ebb writes, named as in metrics ({@code store} label) and logs. */
    public enum Store {
        CONTENT(true), METADATA(true), AUDIT(false);

        private final boolean neededBySubmits;

        Store(boolean neededBySubmits) {
            this.neededBySubmits = neededBySubmits;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A store that can stop writing after a failed write, and be put back into service.
     *
     * @param writable false while the store refuses writes after a failure
     * @param repair   rebuilds the store's writer from its files; true if it writes again
     */
    public record Writer(BooleanSupplier writable, BooleanSupplier repair) {
    }

    private final StorageConfig config;
    private final FreeSpace freeSpace;
    private final Map<Store, Watched> watched = new EnumMap<>(Store.class);
    private volatile boolean admits = true;

    public StorageGuard(StorageConfig config, FreeSpace freeSpace) {
        this.config = config;
        this.freeSpace = freeSpace;
    }

    /** Watches the directory of a store whose writes fail or succeed each on its own (it has no stopped state). */
    public StorageGuard watch(Store store, Path dir) {
        watched.put(store, new Watched(store, dir, null));
        return this;
    }

    /** Watches the directory of a store that stops writing after a failed write until it is repaired. */
    public StorageGuard watch(Store store, Path dir, Writer writer) {
        watched.put(store, new Watched(store, dir, writer));
        return this;
    }

    /** Samples every store's free space and updates what {@link #admitsSubmits()} answers. */
    public void check() {
        boolean all = true;
        for (Watched w : watched.values()) {
            w.sample();
            if (w.store.neededBySubmits) {
                all &= w.ok;
            }
        }
        admits = all;
    }

    /** True while every store a submit writes has room above its floor and writes; cheap (no system call). */
    public boolean admitsSubmits() {
        if (!admits) {
            return false;
        }
        for (Watched w : watched.values()) {
            // A failed write shows at once, not at the next sample.
            if (w.store.neededBySubmits && w.writer != null && !w.writer.writable().getAsBoolean()) {
                return false;
            }
        }
        return true;
    }

    /** Why submits are refused (for readiness), empty while they are admitted. */
    public Optional<String> refusal() {
        if (admitsSubmits()) {
            return Optional.empty();
        }
        List<String> reasons = new ArrayList<>();
        for (Watched w : watched.values()) {
            if (w.store.neededBySubmits && !w.okNow()) {
                reasons.add(w.reason());
            }
        }
        return Optional.of(reasons.isEmpty() ? "a store stopped writing" : String.join("; ", reasons));
    }

    /** The store's free bytes at the last sample; -1 before the first or when the file system cannot be asked. */
    public long freeBytes(Store store) {
        return watched.get(store).free;
    }

    /** The store's floor at the last sample. */
    public long floorBytes(Store store) {
        return watched.get(store).floor;
    }

    /** True if the store had room above its floor at the last sample and writes. */
    public boolean writable(Store store) {
        return watched.get(store).okNow();
    }

    /** Why {@code store} does not take writes now (below its floor, or stopped after a failed write); empty if it does. */
    public Optional<String> notWritable(Store store) {
        Watched w = watched.get(store);
        return w == null || w.okNow() ? Optional.empty() : Optional.of(w.reason());
    }

    /** The stores watched, for metrics. */
    public List<Store> stores() {
        return List.copyOf(watched.keySet());
    }

    private final class Watched {
        final Store store;
        final Path dir;
        final Writer writer;
        volatile long free = -1;
        volatile long floor;
        volatile boolean aboveFloor = true;
        volatile boolean ok = true;

        Watched(Store store, Path dir, Writer writer) {
            this.store = store;
            this.dir = dir;
            this.writer = writer;
        }

        void sample() {
            boolean above;
            try {
                FreeSpace.Space space = freeSpace.of(dir);
                floor = config.floorFor(space.total());
                free = space.usable();
                above = free > floor;
            } catch (IOException | RuntimeException e) {
                free = -1;
                above = false;
                if (ok) {
                    LOG.warn("storage: cannot ask the file system of the {} store {} for its free space: {}",
                            store.label(), dir, e.toString());
                }
            }
            if (writer != null && above && (!aboveFloor || !writer.writable().getAsBoolean())) {
                writer.repair().getAsBoolean();
            }
            aboveFloor = above;
            boolean nowOk = okNow();
            if (ok && !nowOk) {
                LOG.warn("storage: {}; {}", reason(), store.neededBySubmits
                        ? "new submits are refused (ESME_RMSGQFUL / HTTP 503) until it has room again"
                        : "compliance requests fail once its entries cannot be written");
            } else if (!ok && nowOk) {
                LOG.info("storage: the {} store has {} MiB free again (floor {} MiB){}", store.label(), free / MIB,
                        floor / MIB, store.neededBySubmits ? "; submits are admitted" : "");
            }
            ok = nowOk;
        }

        boolean okNow() {
            return aboveFloor && (writer == null || writer.writable().getAsBoolean());
        }

        String reason() {
            if (!aboveFloor) {
                return free < 0 ? "the " + store.label() + " store's free space is unknown"
                        : "the " + store.label() + " store has " + free / MIB + " MiB free, its floor is "
                        + floor / MIB + " MiB";
            }
            return "the " + store.label() + " store stopped writing after a failed write";
        }
    }

    /** Free space, floor and writability of every store watched so far, by store. */
    @Override
    public void bindTo(MeterRegistry registry) {
        for (Store store : stores()) {
            Gauge.builder("ebb.store.free.bytes", this, g -> g.freeBytes(store)).tag("store", store.label())
                    .description("bytes free on the store's file system at the last sample").register(registry);
            Gauge.builder("ebb.store.floor.bytes", this, g -> g.floorBytes(store)).tag("store", store.label())
                    .description("free space the store keeps; below it new submits are refused").register(registry);
            Gauge.builder("ebb.store.writable", this, g -> g.writable(store) ? 1 : 0).tag("store", store.label())
                    .description("1 while the store has room above its floor and writes, else 0").register(registry);
        }
    }
}
