package dev.warden.server.logging;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.StandardCharsets;

/** Logback's JSON lines ({@link JsonEncoder}) with {@link Redaction} applied to each line. */
public class RedactingJsonEncoder extends JsonEncoder {
  @Override
  public byte[] encode(ILoggingEvent event) {
    return Redaction.redact(new String(super.encode(event), StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8);
  }
}
