package dev.warden.server.logging;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.StandardCharsets;

/** Text lines for people ({@code --log-format text}) with {@link Redaction} applied. */
public class RedactingPatternEncoder extends PatternLayoutEncoder {
  @Override
  public byte[] encode(ILoggingEvent event) {
    return Redaction.redact(new String(super.encode(event), StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8);
  }
}
