package dev.warden.server.doctor;

/**
 * One result of {@code warden doctor}: which check, how it went, and what was found — for a
 * problem, what is wrong and the command or change that fixes it.
 */
public record Finding(String check, Status status, String message) {
  /** How a check went. Only {@link #FAIL} makes {@code warden doctor} exit non-zero. */
  public enum Status {
    OK,
    /**
     * Not wrong now, but soon or possibly (a certificate near its end, a check that could not run).
     */
    WARN,
    FAIL;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  static Finding ok(String check, String message) {
    return new Finding(check, Status.OK, message);
  }

  static Finding warn(String check, String message) {
    return new Finding(check, Status.WARN, message);
  }

  static Finding fail(String check, String message) {
    return new Finding(check, Status.FAIL, message);
  }
}
