package dev.warden.json;

/**
 * Untrusted JSON was refused. The message is fit for the API client: it says what is wrong and,
 * when a limit is the cause, names the value, the limit and the setting that changes it.
 */
public final class JsonRejected extends Exception {

  /** Why the input was refused. */
  public enum Reason {
    /** The body is larger than {@link JsonLimits#maxBodyBytes()}. */
    TOO_LARGE,
    /**
     * The bytes are not UTF-8 (overlong forms, surrogates, truncated sequences), carry a byte order
     * mark, or a string escapes an unpaired surrogate.
     */
    INVALID_UTF8,
    /** Not JSON: a grammar error, an empty body, a leading '+' or leading zeros in a number. */
    SYNTAX,
    /** An object has the same member name twice. */
    DUPLICATE_KEY,
    /** Objects and arrays nest deeper than {@link JsonLimits#maxDepth()}. */
    TOO_DEEP,
    /** NaN or Infinity. */
    NON_FINITE_NUMBER,
    /** Something other than whitespace follows the one JSON value. */
    TRAILING_DATA,
    /**
     * A string, number or container exceeds its limit, or a number is outside the range of an IEEE
     * 754 double (RFC 8785 needs every number to be one).
     */
    LIMIT
  }

  private final Reason reason;
  private final String pointer;

  /**
   * @param pointer RFC 6901 JSON Pointer of the offending place; {@code ""} (the whole document)
   *     when the input is refused as a whole, for its size or encoding
   */
  public JsonRejected(Reason reason, String pointer, String message) {
    // Refusals of untrusted input are routine and their stack trace says nothing useful.
    super(message, null, false, false);
    this.reason = reason;
    this.pointer = pointer;
  }

  public Reason reason() {
    return reason;
  }

  /**
   * RFC 6901 JSON Pointer of the offending place, e.g. {@code /params/amount}; {@code ""} is the
   * whole document (the reason for {@code TOO_LARGE} and for encoding errors, whose message gives
   * the byte offset instead).
   */
  public String pointer() {
    return pointer;
  }
}
