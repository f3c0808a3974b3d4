package dev.ebb.gateway.core;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.util.Locale;

/**
 * The encoder of {@code config/logback.xml}: Ebb's text lines ({@code pattern}), or with {@code format} json one
 * JSON object per line for log shippers (Logback's {@link JsonEncoder}: timestamp, level, threadName, loggerName, mdc,
 * kvpList, formattedMessage, throwable). Chosen in one appender rather than by two appenders, of which Logback would
 * warn that the one not chosen is unused, printing its status to stdout in the middle of a JSON log.
 *
 * <p>Both write the message as Ebb made it, numbers masked and no content, since that is done where each line is
 * written (DESIGN.md invariant 1), never in a layout a format could bypass. The JSON objects leave out the message
 * template and its arguments one by one: they repeat formattedMessage in pieces.
 */
public final class LogEncoder extends EncoderBase<ILoggingEvent> {
    private String format = "text";
    private String pattern;
    private Encoder<ILoggingEvent> chosen;

    /** {@code text} (the default) or {@code json}. */
    public void setFormat(String format) {
        this.format = format;
    }

    /** The text lines' pattern (Logback's PatternLayout). */
    public void setPattern(String pattern) {
        this.pattern = pattern;
    }

    @Override
    public void start() {
        String f = format == null || format.isBlank() ? "text" : format.strip().toLowerCase(Locale.ROOT);
        if (f.equals("json")) {
            JsonEncoder json = new JsonEncoder();
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithMessage(false);
            json.setWithArguments(false);
            json.setWithFormattedMessage(true);
            chosen = json;
        } else {
            if (!f.equals("text")) {
                // Still logging, as text: a typo must not leave the gateway without a log.
                addError("log format must be text or json (EBB_LOG_FORMAT), was '" + format + "'; writing text");
            }
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setPattern(pattern);
            chosen = text;
        }
        chosen.setContext(getContext());
        chosen.start();
        super.start();
    }

    @Override
    public void stop() {
        if (chosen != null) {
            chosen.stop();
        }
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return chosen.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return chosen.encode(event);
    }

    @Override
    public byte[] footerBytes() {
        return chosen.footerBytes();
    }
}
