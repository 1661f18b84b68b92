package dev.warden.json;

/**
 * Bounds on untrusted JSON, checked by {@link StrictJson}. Every refusal message names the value,
 * the limit and the setting that changes it, e.g. {@code "JSON nesting depth 33 exceeds
 * limits.max_json_depth = 32"}.
 *
 * @param maxBodyBytes largest accepted body, in bytes ({@value #MAX_BODY_BYTES}); default 1 MiB
 * @param maxDepth deepest accepted nesting of objects and arrays ({@value #MAX_JSON_DEPTH}); a
 *     scalar document has depth 0, {@code {}} has depth 1; default 32
 * @param maxStringLength longest string or member name, in UTF-16 code units ({@value
 *     #MAX_STRING_LENGTH}); default 65,536
 * @param maxNumberLength longest number, in characters of its text including sign, point and
 *     exponent ({@value #MAX_NUMBER_LENGTH}); default 100
 * @param maxObjectEntries most members of one object or elements of one array ({@value
 *     #MAX_MEMBERS}); default 10,000
 */
public record JsonLimits(
    int maxBodyBytes,
    int maxDepth,
    int maxStringLength,
    int maxNumberLength,
    int maxObjectEntries) {

  /** Setting name of {@link #maxBodyBytes()}. */
  public static final String MAX_BODY_BYTES = "limits.max_body_bytes";

  /** Setting name of {@link #maxDepth()}. */
  public static final String MAX_JSON_DEPTH = "limits.max_json_depth";

  /** Setting name of {@link #maxStringLength()}. */
  public static final String MAX_STRING_LENGTH = "limits.max_string_length";

  /** Setting name of {@link #maxNumberLength()}. */
  public static final String MAX_NUMBER_LENGTH = "limits.max_number_length";

  /** Setting name of {@link #maxObjectEntries()}. */
  public static final String MAX_MEMBERS = "limits.max_members";

  private static final JsonLimits DEFAULTS = new JsonLimits(1 << 20, 32, 65_536, 100, 10_000);

  /** Every limit must be positive; a limit cannot be switched off. */
  public JsonLimits {
    requirePositive(maxBodyBytes, MAX_BODY_BYTES);
    requirePositive(maxDepth, MAX_JSON_DEPTH);
    requirePositive(maxStringLength, MAX_STRING_LENGTH);
    requirePositive(maxNumberLength, MAX_NUMBER_LENGTH);
    requirePositive(maxObjectEntries, MAX_MEMBERS);
  }

  /** The documented defaults: 1 MiB, depth 32, 65,536 chars, 100 chars, 10,000 members. */
  public static JsonLimits defaults() {
    return DEFAULTS;
  }

  private static void requirePositive(int value, String setting) {
    if (value <= 0) {
      throw new IllegalArgumentException(setting + " must be positive, got " + value);
    }
  }
}
