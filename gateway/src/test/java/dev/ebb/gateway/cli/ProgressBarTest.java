package dev.ebb.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private ProgressBar bar(boolean terminal) {
        return new ProgressBar("verify", "records", new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal,
                nanos::get);
    }

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private void advanceMillis(long millis) {
        nanos.addAndGet(millis * 1_000_000L);
    }

    @Test
    void aLineShowsTheBarThePercentTheRateAndTheTimeLeft() {
        ProgressBar bar = bar(true);
        bar.start(1_000_000);
        advanceMillis(10_000);

        bar.update(250_000);

        assertThat(printed()).isEqualTo("\rverify [########......................]  25% 250,000/1,000,000 records  "
                + "25,000 records/s  ETA 0:30  ");
    }

    @Test
    void itRedrawsInPlaceAtMostEveryTwoHundredMilliseconds() {
        ProgressBar bar = bar(true);
        bar.start(100);
        advanceMillis(1_000);
        bar.update(10);
        advanceMillis(50);
        bar.update(11);
        advanceMillis(ProgressBar.REDRAW_MILLIS);
        bar.update(12);

        assertThat(printed().split("\r", -1)).hasSize(3);
        assertThat(printed()).contains(" 10/100 ").doesNotContain(" 11/100 ").contains(" 12/100 ")
                .doesNotContain("\n");
    }

    @Test
    void finishingDrawsTheLastStateAndEndsTheLine() {
        ProgressBar bar = bar(true);
        bar.start(7_200);
        advanceMillis(3_600_000);

        bar.finish(7_200);

        assertThat(printed()).startsWith("\rverify [##############################] 100% 7,200/7,200 records  "
                + "2 records/s  ETA --:--").endsWith(System.lineSeparator());
    }

    @Test
    void hoursLeftAreShownAsHoursMinutesAndSeconds() {
        ProgressBar bar = bar(true);
        bar.start(10_000);
        advanceMillis(1_000);

        assertThat(bar.render(1, 1_000_000_000L)).contains("1 records/s  ETA 2:46:39");
    }

    @Test
    void nothingIsDrawnWithoutATerminal() {
        ProgressBar bar = bar(false);
        bar.start(10);
        advanceMillis(1_000);
        bar.update(5);
        bar.finish(10);

        assertThat(printed()).isEmpty();
    }
}
