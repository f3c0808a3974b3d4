package dev.ebb.gateway.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar for long commands ({@code ebb verify} of a year): done of total, a bar, the rate and the
 * time left, redrawn in place with a carriage return at most every {@value #REDRAW_MILLIS} ms. On a terminal only: when
 * the output goes to a file or a pipe nothing is drawn, so logs and scripts see the command's result lines alone.
 * Time comes from an injected nanosecond clock, so tests render it without waiting. Not thread-safe.
 */
public final class ProgressBar {
    static final int REDRAW_MILLIS = 200;
    private static final int WIDTH = 30;
    private final String label;
    private final String unit;
    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier nanoTime;
    private long total;
    private long startNanos;
    private long lastDrawNanos;

    /**
     * @param terminal false: draw nothing
     * @param nanoTime monotonic nanoseconds ({@code System::nanoTime})
     */
    ProgressBar(String label, String unit, PrintStream out, boolean terminal, LongSupplier nanoTime) {
        this.label = label;
        this.unit = unit;
        this.out = out;
        this.terminal = terminal;
        this.nanoTime = nanoTime;
    }

    /** A bar on standard error, drawn only when the process has a console (System.console() != null). */
    public static ProgressBar onConsole(String label, String unit) {
        return new ProgressBar(label, unit, System.err, System.console() != null, System::nanoTime);
    }

    /** Starts the clock; {@code total} may be an estimate (the bar stops at 100 %). */
    public void start(long total) {
        this.total = Math.max(0, total);
        this.startNanos = nanoTime.getAsLong();
        this.lastDrawNanos = startNanos - REDRAW_MILLIS * 1_000_000L;
    }

    /** {@code done} of the total so far; redraws if the last drawing is old enough. */
    public void update(long done) {
        if (!terminal) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (now - lastDrawNanos < REDRAW_MILLIS * 1_000_000L) {
            return;
        }
        lastDrawNanos = now;
        out.print("\r" + render(done, now - startNanos));
        out.flush();
    }

    /** Draws the final state and ends the line, so what the command prints next starts on a line of its own. */
    public void finish(long done) {
        if (!terminal) {
            return;
        }
        out.print("\r" + render(done, nanoTime.getAsLong() - startNanos) + System.lineSeparator());
        out.flush();
    }

    /** The line for {@code done} after {@code elapsedNanos}: label, bar, percent, counts, rate and time left. */
    String render(long done, long elapsedNanos) {
        double fraction = total == 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = rate > 0 && done < total ? duration((total - done) / rate) : "--:--";
        return String.format(Locale.ROOT, "%s [%s%s] %3d%% %,d/%,d %s  %,.0f %s/s  ETA %s  ", label,
                "#".repeat(filled), ".".repeat(WIDTH - filled), (int) (fraction * 100), done, total, unit, rate, unit,
                eta);
    }

    private static String duration(double seconds) {
        long s = (long) Math.ceil(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
