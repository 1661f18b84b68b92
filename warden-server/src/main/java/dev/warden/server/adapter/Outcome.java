package dev.warden.server.adapter;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What happened when an adapter called its upstream. {@link Completed} means an HTTP response was
 * read in full, whatever its status; {@link Failed} means there was none to record. The caller
 * decides what counts as success (for the decision pipeline: a 2xx {@link Completed}).
 *
 * <p>Nothing here holds a secret value Warden injected, except if the upstream itself echoes one
 * back in its response body: the body is the upstream's, recorded as received.
 */
public sealed interface Outcome permits Outcome.Completed, Outcome.Failed {

  /** Milliseconds from the start of {@code execute} to its end, measured on a monotonic clock. */
  long durationMillis();

  /**
   * The upstream answered with a final, non-redirect status and its whole body was read.
   *
   * @param status 200–299 or 400–599 (1xx are interim and skipped; 3xx are {@link
   *     Reason#REDIRECT_REFUSED})
   * @param responseDigest {@code sha256:} and the lower-case hex SHA-256 of {@code body}
   * @param responseBytes the length of {@code body}
   * @param body the response body as received (after chunked framing is removed; content codings
   *     such as gzip are not undone); copied in and out
   */
  record Completed(
      int status, long durationMillis, String responseDigest, long responseBytes, byte[] body)
      implements Outcome {
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    public Completed {
      if (status < 200 || status > 599 || (status >= 300 && status < 400)) {
        throw new IllegalArgumentException("a completed status is 2xx, 4xx or 5xx, got " + status);
      }
      if (durationMillis < 0) {
        throw new IllegalArgumentException("durationMillis must be >= 0, got " + durationMillis);
      }
      if (!DIGEST.matcher(responseDigest).matches()) {
        throw new IllegalArgumentException("responseDigest must be sha256:<64 hex>");
      }
      if (responseBytes != body.length) {
        throw new IllegalArgumentException(
            "responseBytes " + responseBytes + " differs from the body length " + body.length);
      }
      body = body.clone();
    }

    @Override
    public byte[] body() {
      return body.clone();
    }

    /** True for a 2xx status. */
    public boolean successful() {
      return status >= 200 && status < 300;
    }
  }

  /**
   * No response was recorded.
   *
   * @param detail what happened, for operators: names hosts, fields and limits, never a secret
   *     value or a params value
   */
  record Failed(Reason reason, String detail, long durationMillis) implements Outcome {
    public Failed {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
      if (durationMillis < 0) {
        throw new IllegalArgumentException("durationMillis must be >= 0, got " + durationMillis);
      }
    }
  }

  /**
   * Why an adapter failed. The first three guarantee that the upstream received no request bytes;
   * after the others it may have received the request and acted on it.
   */
  enum Reason {
    /** A template could not be filled (a params field missing or of the wrong type, say). */
    TEMPLATE_ERROR,
    /** The destination resolved to an address the adapter may not call. */
    DESTINATION_REFUSED,
    /** The host did not resolve, no address accepted a connection in time, or TLS failed. */
    CONNECT_FAILED,
    /** The read timeout elapsed before the whole response was read. */
    TIMEOUT,
    /** The response body (or its header section) exceeded {@code max_response_bytes}. */
    RESPONSE_TOO_LARGE,
    /** The upstream answered 3xx; redirects are never followed. */
    REDIRECT_REFUSED,
    /** The connection failed after the request started, or the response was malformed. */
    IO_ERROR
  }
}
