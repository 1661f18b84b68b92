package dev.warden.server.http;

import io.javalin.http.Context;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A random id per request, returned as {@code X-Correlation-Id}, put in problem documents and in
 * the server's log lines, so an operator can find what happened to a client's request.
 */
public final class Correlation {
  static final String ATTRIBUTE = "warden.correlation_id";
  public static final String HEADER = "X-Correlation-Id";

  private Correlation() {}

  static void assign(Context ctx) {
    String id = newId();
    ctx.attribute(ATTRIBUTE, id);
    ctx.header(HEADER, id);
  }

  /**
   * 96 random bits: unique enough to find one request in the logs. Not a secret, so not from
   * SecureRandom, which would cost a lock and a system call on every request.
   */
  static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return HexFormat.of().toHexDigits(r.nextLong()) + HexFormat.of().toHexDigits(r.nextInt());
  }

  static String of(Context ctx) {
    String id = ctx.attribute(ATTRIBUTE);
    return id == null ? newId() : id;
  }
}
