package dev.ebb.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.testing.MutableClock;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Instant;
import net.openhft.chronicle.core.analytics.AnalyticsFacade;
import net.openhft.chronicle.queue.internal.AnalyticsHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN invariant 7 (no phone-home): Chronicle Queue reports usage to Google Analytics over HTTP unless
 * {@code chronicle.analytics.disable} is set, which the parent POM does for tests, JMH and the launcher.
 */
class NoPhoneHomeTest {
    @TempDir
    Path dir;

    @Test
    void theJvmFlagsThatSwitchChronicleAnalyticsAndTheAnnouncerOffAreSet() {
        assertThat(System.getProperty("chronicle.analytics.disable")).isEqualTo("true");
        assertThat(System.getProperty("chronicle.announcer.disable")).isEqualTo("true");
    }

    @Test
    void theAnalyticsAQueueSendsItsStartedEventToAreMuted() {
        // Opening a store builds a SingleChronicleQueue, whose constructor sends "started" to
        // AnalyticsHolder.instance(); that instance is fixed when the holder is first loaded, from
        // AnalyticsFacade.isEnabled() (chronicle-analytics on the class path and the property unset).
        openAndCloseAStore();
        assertThat(AnalyticsFacade.isEnabled()).isFalse();
        assertThat(AnalyticsHolder.instance().getClass().getName())
                .isEqualTo("net.openhft.chronicle.core.internal.analytics.MuteAnalytics");
    }

    @Test
    void theAnnouncerIsDisabled() throws ReflectiveOperationException {
        // The announcer only prints a banner (no network), but DESIGN asks for it off; this is the flag it reads once.
        openAndCloseAStore();
        Field disabled = Class.forName("net.openhft.chronicle.core.internal.announcer.InternalAnnouncer")
                .getDeclaredField("DISABLE_ANNOUNCEMENT");
        disabled.setAccessible(true);
        assertThat(disabled.getBoolean(null)).isTrue();
    }

    private void openAndCloseAStore() {
        MetadataStore.open(dir, MetadataStoreConfig.defaults(), new MutableClock(Instant.parse("2025-01-10T12:00:00Z")))
                .close();
    }
}
