package dev.warden.server.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * The format of the server's log lines on stderr: {@code json} (the default, one object per line,
 * from {@code logback.xml}) or {@code text} for a person at a terminal. Both are redacted.
 */
public enum LogFormat {
  JSON,
  TEXT;

  /** {@code json} or {@code text}. */
  public static LogFormat parse(String s) {
    return switch (s.strip().toLowerCase(Locale.ROOT)) {
      case "json" -> JSON;
      case "text" -> TEXT;
      default -> throw new IllegalArgumentException("--log-format must be json or text, was " + s);
    };
  }

  /** Replaces the root logger's appenders with one writing this format to stderr. */
  public void apply() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return; // another SLF4J binding: its own configuration applies
    }
    Encoder<ILoggingEvent> encoder;
    if (this == TEXT) {
      RedactingPatternEncoder text = new RedactingPatternEncoder();
      text.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n");
      encoder = text;
    } else {
      RedactingJsonEncoder json = new RedactingJsonEncoder();
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.setWithContext(false);
      json.setWithMessage(false);
      json.setWithFormattedMessage(true);
      json.setWithMDC(false);
      json.setWithKVPList(false);
      json.setWithArguments(false);
      encoder = json;
    }
    encoder.setContext(ctx);
    encoder.start();
    ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
    out.setContext(ctx);
    out.setName(name());
    out.setTarget("System.err");
    out.setEncoder(encoder);
    out.start();
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(out);
  }
}
