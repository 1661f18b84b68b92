package dev.warden.server.http;

import io.javalin.http.Context;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A random id per request, returned as {@code X-Correlation-Id}, put in problem documents and in
 * the server's log lines, so an operator can find what happened to a client's request.
 */
public final class Correlation {
  static final String ATTRIBUTE = "warden.correlation_id";
  public static final String HEADER = "X-Correlation-Id";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Correlation() {}

  static void assign(Context ctx) {
    String id = newId();
    ctx.attribute(ATTRIBUTE, id);
    ctx.header(HEADER, id);
  }

  static String newId() {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  static String of(Context ctx) {
    String id = ctx.attribute(ATTRIBUTE);
    return id == null ? newId() : id;
  }
}
