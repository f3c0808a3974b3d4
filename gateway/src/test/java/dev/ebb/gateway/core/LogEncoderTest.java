package dev.ebb.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.http.AccessLog;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.JsmppSubmit;
import dev.ebb.gateway.testing.LogCapture;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.model.Msisdn;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jsmpp.extra.NegativeResponseException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The two log formats of {@code config/logback.xml}, read by Logback itself: the JSON one is one JSON object per line
 * and keeps a number masked as the text one does (issue 14: logs ops can ship, same masking rules); and its access
 * log switch.
 */
class LogEncoderTest {
    private static final Path CONFIG = Path.of("..", "config", "logback.xml");
    /** 16 digits: no E.164 number, so refused and logged (masked) with the refusal's reason. */
    private static final String TOO_LONG = "4790000000000001";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();

    @Test
    void theJsonFormatWritesOneObjectPerLineWithTheNumbersMaskedAsInText() throws Exception {
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true));
        List<ILoggingEvent> events;
        try (LogCapture log = new LogCapture("dev.ebb.gateway")) {
            EsmeClient esme = gateway.esme();
            try {
                esme.submit(JsmppSubmit.to(TOO_LONG));
                throw new AssertionError("a destination of 16 digits was accepted");
            } catch (NegativeResponseException refused) {
                assertThat(refused.getCommandStatus()).isEqualTo(0x0B); // ESME_RINVDSTADR
            }
            events = new ArrayList<>(log.events());
        }
        // A stack trace is many lines in text; in JSON it must stay inside its one line.
        events.add(event(new IllegalStateException("no route serves " + Msisdn.mask("+" + TOO_LONG))));

        String written = encodeAll(encoder("json"), events);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : written.split("\n")) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).hasSize(events.size()).allSatisfy(line -> assertThat(line.isObject()).isTrue());
        assertThat(lines).map(line -> line.path("formattedMessage").asText())
                .anySatisfy(m -> assertThat(m).contains("ESME_RINVDSTADR", "4790***001"));
        assertThat(lines.get(lines.size() - 1).path("throwable").path("message").asText())
                .isEqualTo("no route serves +4790***001");
        assertThat(written).doesNotContain("47900000").doesNotContain("\"arguments\"");
        assertThat(encodeAll(encoder("text"), events)).doesNotContain("47900000").contains("4790***001");
    }

    @Test
    void textIsTheDefaultFormat() throws Exception {
        Assumptions.assumeTrue(System.getenv("EBB_LOG_FORMAT") == null, "EBB_LOG_FORMAT is set in this environment");
        String line = encodeAll(encoder(null), List.of(event(null)));
        assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\[main] dev\\.ebb\\.test"
                + " - started\n");
    }

    @Test
    void anUnknownFormatIsAnErrorAndStillWritesText() throws Exception {
        LoggerContext context = configured("xml");
        try {
            assertThat(context.getStatusManager().getCopyOfStatusList())
                    .anySatisfy(s -> assertThat(s.getLevel()).isEqualTo(Status.ERROR))
                    .map(Status::getMessage).anySatisfy(m -> assertThat(m).contains("text or json", "'xml'"));
            assertThat(encodeAll(encoderOf(context), List.of(event(null)))).endsWith("dev.ebb.test - started\n");
        } finally {
            context.stop();
        }
    }

    /** The access log (README, Operations) writes client addresses: off unless asked for. */
    @Test
    void theAccessLogIsOffUnlessEbbAccessLogSaysInfo() throws Exception {
        Assumptions.assumeTrue(System.getenv("EBB_ACCESS_LOG") == null, "EBB_ACCESS_LOG is set in this environment");
        LoggerContext byDefault = configured(null);
        LoggerContext asked = new LoggerContext();
        asked.putProperty("EBB_ACCESS_LOG", "INFO");
        configure(asked);
        try {
            assertThat(byDefault.getLogger(AccessLog.LOGGER).isInfoEnabled()).isFalse();
            assertThat(asked.getLogger(AccessLog.LOGGER).isInfoEnabled()).isTrue();
        } finally {
            byDefault.stop();
            asked.stop();
        }
    }

    /** The encoder of {@code config/logback.xml} as Logback configures it with EBB_LOG_FORMAT {@code format}. */
    private static Encoder<ILoggingEvent> encoder(String format) throws Exception {
        return encoderOf(configured(format));
    }

    private static LoggerContext configured(String format) throws Exception {
        LoggerContext context = new LoggerContext();
        if (format != null) {
            context.putProperty("EBB_LOG_FORMAT", format);
        }
        return configure(context);
    }

    private static LoggerContext configure(LoggerContext context) throws Exception {
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(CONFIG.toFile());
        return context;
    }

    @SuppressWarnings("unchecked")
    private static Encoder<ILoggingEvent> encoderOf(LoggerContext context) {
        return ((OutputStreamAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT"))
                .getEncoder();
    }

    private static String encodeAll(Encoder<ILoggingEvent> encoder, List<ILoggingEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        events.forEach(e -> out.writeBytes(encoder.encode(e)));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static ILoggingEvent event(Throwable thrown) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        LoggingEvent event = new LoggingEvent(LogEncoderTest.class.getName(), context.getLogger("dev.ebb.test"),
                thrown == null ? Level.INFO : Level.ERROR, thrown == null ? "started" : "failed", thrown, null);
        event.setThreadName("main");
        return event;
    }
}
