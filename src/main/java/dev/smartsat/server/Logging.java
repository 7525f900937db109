package dev.smartsat.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.joran.spi.JoranException;
import dev.smartsat.config.Settings;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.mask.MaskingJsonGeneratorDecorator;
import org.slf4j.LoggerFactory;

/** Applies the settings' logging.format (text, or one JSON object per line) and logging.level to Logback. */
public final class Logging {
    /** The text format of logback.xml: ISO timestamp in UTC, level, logger, message. */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level %logger{0} - %safeMsg%n%safeEx";
    /** Libraries whose info lines say nothing an operator needs; they log at warn even when SmartSat logs debug. */
    private static final List<String> QUIET = List.of("org.eclipse.jetty", "org.flywaydb", "io.javalin");

    private Logging() {}

    /** Logs to stderr, so that commands keep stdout for their results. */
    public static void apply(Settings.Logging settings) {
        apply(settings, System.err);
    }

    /**
     * Logs to {@code out}, which is never closed (tests capture the lines here). The appenders of logback.xml
     * are replaced; a level it gives one logger stays (the tests' configuration quiets the access log).
     */
    public static void apply(Settings.Logging settings, OutputStream out) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setName(settings.format());
        appender.setEncoder("json".equals(settings.format()) ? json(context) : text(context));
        appender.setOutputStream(new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                // stderr outlives any configuration: flush, never close
                out.flush();
            }
        });
        appender.start();
        Level level = Level.toLevel(settings.level(), Level.INFO);
        root.setLevel(level);
        root.addAppender(appender);
        Level quiet = level.isGreaterOrEqual(Level.WARN) ? level : Level.WARN;
        QUIET.forEach(name -> context.getLogger(name).setLevel(quiet));
    }

    /** Back to the configuration found on the class path (logback.xml), as before {@link #apply}. */
    public static void reset() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        try {
            new ContextInitializer(context).autoConfig();
        } catch (JoranException e) {
            throw new IllegalStateException("the logging configuration on the class path is broken", e);
        }
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.getInstanceConverterMap().put("safeMsg", Redaction.Message::new);
        layout.getInstanceConverterMap().put("safeEx", Redaction.Throwable::new);
        layout.setPattern(TEXT_PATTERN);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        MaskingJsonGeneratorDecorator masking = new MaskingJsonGeneratorDecorator();
        masking.addValueMasker(new Redaction.JsonValues());
        masking.start();
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        encoder.setTimeZone("UTC");
        encoder.setJsonGeneratorDecorator(masking);
        encoder.start();
        return encoder;
    }
}
