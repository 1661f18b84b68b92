package dev.warden.error;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A request Warden refuses. The one checked exception of the request boundary: everything that
 * refuses a request throws it, and exactly one place turns it into an RFC 9457 problem document.
 * The detail is shown to the client, so it must name the problem and the fix and never contain a
 * secret.
 */
public final class RequestRejected extends Exception {
  private final ErrorCode code;
  private final @Nullable String decisionId;
  private final @Nullable String pointer;
  private final Map<String, String> headers;

  public RequestRejected(ErrorCode code, String detail) {
    this(code, detail, null, null, Map.of());
  }

  /** A rejection of one field of the request body, located by an RFC 6901 JSON Pointer. */
  public static RequestRejected atPointer(ErrorCode code, String pointer, String detail) {
    return new RequestRejected(code, detail, null, pointer, Map.of());
  }

  private RequestRejected(
      ErrorCode code,
      String detail,
      @Nullable String decisionId,
      @Nullable String pointer,
      Map<String, String> headers) {
    super(Objects.requireNonNull(detail, "detail"), null, false, false);
    this.code = Objects.requireNonNull(code, "code");
    this.decisionId = decisionId;
    this.pointer = pointer;
    this.headers = Map.copyOf(headers);
  }

  /** The same rejection, now recorded in the log as decision {@code id}. */
  public RequestRejected withDecisionId(String id) {
    return new RequestRejected(code, getMessage(), id, pointer, headers);
  }

  /**
   * The same rejection with {@code more} response headers (such as {@code Retry-After} and {@code
   * RateLimit}); a name given again replaces the earlier value.
   */
  public RequestRejected withHeaders(Map<String, String> more) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.putAll(more);
    return new RequestRejected(code, getMessage(), decisionId, pointer, all);
  }

  /** Response headers the problem document goes out with. */
  public Map<String, String> headers() {
    return headers;
  }

  public ErrorCode code() {
    return code;
  }

  public String detail() {
    return getMessage();
  }

  public Optional<String> decisionId() {
    return Optional.ofNullable(decisionId);
  }

  /** The JSON Pointer of the offending field of the body, when there is one. */
  public Optional<String> pointer() {
    return Optional.ofNullable(pointer);
  }
}
