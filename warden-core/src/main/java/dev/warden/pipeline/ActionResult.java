package dev.warden.pipeline;

import java.util.Objects;

/** What an {@link ActionRunner} did: a whole upstream response, or none. */
public sealed interface ActionResult {

  long durationMillis();

  /**
   * The upstream answered {@code status}; {@code body} was read in full.
   *
   * @param responseDigest {@code sha256:} and the hex SHA-256 of {@code body}
   */
  record Completed(int status, long durationMillis, String responseDigest, byte[] body)
      implements ActionResult {
    public Completed {
      Objects.requireNonNull(responseDigest, "responseDigest");
      body = body.clone();
      if (durationMillis < 0) {
        throw new IllegalArgumentException("durationMillis < 0");
      }
    }

    @Override
    public byte[] body() {
      return body.clone();
    }

    /** A 2xx status: the action succeeded. */
    public boolean successful() {
      return status >= 200 && status < 300;
    }
  }

  /**
   * No response was recorded.
   *
   * @param reason a lower-case code like {@code timeout} or {@code connect_failed}
   * @param detail for operators: never a secret or a params value
   */
  record Failed(String reason, String detail, long durationMillis) implements ActionResult {
    public Failed {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
      if (durationMillis < 0) {
        throw new IllegalArgumentException("durationMillis < 0");
      }
    }
  }
}
