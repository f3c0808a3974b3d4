package dev.ebb.bench.load;

/** One connection's share of {@code --rate}: how many sends it is owed since it started. Not thread-safe. */
final class Pacer {
    private final int perSecond;
    private long start;
    private long paced;

    /** @param perSecond 0: unpaced */
    Pacer(int perSecond) {
        this.perSecond = perSecond;
    }

    boolean paced() {
        return perSecond > 0;
    }

    void start() {
        start = System.nanoTime();
    }

    /** Sends owed now (Long.MAX_VALUE when unpaced). */
    long owed() {
        return perSecond == 0 ? Long.MAX_VALUE : (System.nanoTime() - start) * perSecond / 1_000_000_000L - paced;
    }

    void sent() {
        paced++;
    }
}
