package dev.ebb.gateway.config;

import java.time.Duration;

/**
 * The free-space guard of the stores Ebb writes (content vault, metadata store, audit log; {@code storage:} in
 * {@code ebb.yaml}), and when what they hold counts as durable ({@code durability}, {@code fsyncInterval},
 * {@code fsyncBatch}). Each store's file system must keep more than a floor free, or new submits are refused
 * (ESME_RMSGQFUL / HTTP 503) until it has again: Chronicle maps its files, and a page the file system cannot back
 * ends in a fault, not an error code (DESIGN "Known sharp edges", OpenHFT/Chronicle-Queue#1282).
 *
 * <p>A store's floor is the smaller of {@code minFreeBytes} and {@code minFreePercent} of its file system's size: 1 GiB
 * is about half a minute of full-rate ingest (≈ 35 MB/s of content and traffic records at 100,000 msg/s), far more
 * than the traffic written between two samples, while on a small volume 5 % keeps a 1 GiB floor from taking an
 * eighth of an 8 GiB disk. Messages already accepted still write their later records into that headroom.
 *
 * @param minFreeBytes   the floor in bytes, at most; absent means {@value #DEFAULT_MIN_FREE_BYTES} (1 GiB)
 * @param minFreePercent the floor as a percentage of the file system's size, at most; absent means
 *                       {@value #DEFAULT_MIN_FREE_PERCENT}
 * @param checkInterval  how often free space is sampled (one {@code statvfs} per store, off the submit path); absent
 *                       means 1 s
 * @param durability     when a message is acknowledged: {@code process} (in the page cache, the default) or
 *                       {@code fsync} (after a group commit forced it to the device)
 * @param fsyncInterval  in {@code fsync} mode, how long the first acknowledgement waiting may wait for others to
 *                       share its fsync (Kafka's {@code log.flush.interval.ms}, PostgreSQL's {@code commit_delay});
 *                       PT0S forces as soon as one waits, and those arriving during a force share the next; absent
 *                       means {@value #DEFAULT_FSYNC_INTERVAL_MILLIS} ms, at most 1 s
 * @param fsyncBatch     in {@code fsync} mode, a commit starts at once when this many acknowledgements wait, however
 *                       young the first (Kafka's {@code log.flush.interval.messages}); absent means
 *                       {@value #DEFAULT_FSYNC_BATCH}, 1..65536
 */
public record StorageConfig(Long minFreeBytes, Double minFreePercent, Duration checkInterval, Durability durability,
                            Duration fsyncInterval, Integer fsyncBatch) {
    public static final long DEFAULT_MIN_FREE_BYTES = 1L << 30;
    public static final double DEFAULT_MIN_FREE_PERCENT = 5.0;
    public static final long DEFAULT_FSYNC_INTERVAL_MILLIS = 2;
    public static final int DEFAULT_FSYNC_BATCH = 256;
    /** More waiting would hold a second of every customer's answers; the point of the mode is a short wait. */
    private static final Duration MAX_FSYNC_INTERVAL = Duration.ofSeconds(1);
    private static final int MAX_FSYNC_BATCH = 1 << 16;
    private static final long MIB = 1L << 20;

    public StorageConfig {
        minFreeBytes = minFreeBytes == null ? DEFAULT_MIN_FREE_BYTES : minFreeBytes;
        ConfigException.require(minFreeBytes >= MIB, "storage.minFreeBytes",
                "must be at least 1048576 (1 MiB): below that a full disk is reached before the guard sees it, was "
                        + minFreeBytes);
        minFreePercent = minFreePercent == null ? DEFAULT_MIN_FREE_PERCENT : minFreePercent;
        ConfigException.require(minFreePercent > 0 && minFreePercent <= 50, "storage.minFreePercent",
                "must be more than 0 and at most 50, was " + minFreePercent);
        checkInterval = checkInterval == null ? Duration.ofSeconds(1) : checkInterval;
        ConfigException.require(checkInterval.toMillis() >= 10 && checkInterval.compareTo(Duration.ofMinutes(1)) <= 0,
                "storage.checkInterval", "must be PT0.01S..PT1M, was " + checkInterval);
        durability = durability == null ? Durability.PROCESS : durability;
        fsyncInterval = fsyncInterval == null ? Duration.ofMillis(DEFAULT_FSYNC_INTERVAL_MILLIS) : fsyncInterval;
        ConfigException.require(!fsyncInterval.isNegative() && fsyncInterval.compareTo(MAX_FSYNC_INTERVAL) <= 0,
                "storage.fsyncInterval", "must be PT0S..PT1S (ISO-8601, e.g. PT0.002S for 2 ms), was " + fsyncInterval);
        fsyncBatch = fsyncBatch == null ? DEFAULT_FSYNC_BATCH : fsyncBatch;
        ConfigException.require(fsyncBatch >= 1 && fsyncBatch <= MAX_FSYNC_BATCH, "storage.fsyncBatch",
                "must be 1..65536 acknowledgements per fsync, was " + fsyncBatch);
    }

    /** The free-space guard's settings, in {@code process} durability. */
    public StorageConfig(Long minFreeBytes, Double minFreePercent, Duration checkInterval) {
        this(minFreeBytes, minFreePercent, checkInterval, null, null, null);
    }

    public static StorageConfig defaults() {
        return new StorageConfig(null, null, null);
    }

    /** The same guard with group commits: {@code durability: fsync} with this interval and batch. */
    public StorageConfig withFsync(Duration interval, int batch) {
        return new StorageConfig(minFreeBytes, minFreePercent, checkInterval, Durability.FSYNC, interval, batch);
    }

    /** The floor of a store on a file system of {@code totalBytes}. */
    public long floorFor(long totalBytes) {
        return Math.min(minFreeBytes, (long) (totalBytes * (minFreePercent / 100)));
    }
}
