package dev.warden.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.erdtman.jcs.NumberToJSON;

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): members sorted by their names' UTF-16 code units
 * (§3.2.3), no whitespace, strings escaped as ECMAScript's {@code JSON.stringify} does (§3.2.2.2),
 * numbers written as ECMAScript's {@code Number.prototype.toString} writes the IEEE 754 double they
 * denote (§3.2.2.3, using the erdtman implementation of that algorithm), UTF-8 output.
 *
 * <p>Numbers: RFC 8785 reads JSON as I-JSON, where every number is a double. So an exact integer
 * above 2^53 or a long decimal canonicalizes to the nearest double ({@code 9007199254740993}
 * becomes {@code 9007199254740992}, {@code 0.10000000000000000001} becomes {@code 0.1}), a nonzero
 * number too small for a double becomes {@code 0}, and {@code -0} becomes {@code 0}. A number too
 * large for a double (magnitude above about 1.8e308) has no canonical form: {@link StrictJson}
 * refuses it with reason {@code LIMIT}, and {@link #bytes} throws for it. Callers who need exact
 * large values put them in strings, as RFC 8785 §3.2.2.3 advises (Warden writes money as decimal
 * strings).
 *
 * <p>Stateless and thread-safe.
 */
public final class Canonical {

  private Canonical() {}

  /**
   * The canonical UTF-8 bytes of {@code node}.
   *
   * @throws IllegalArgumentException if the tree holds something with no canonical form: a number
   *     that is not finite or outside the double range, a string with an unpaired surrogate, or a
   *     node that is not JSON (binary, POJO, missing). Trees from {@link StrictJson} never do.
   */
  public static byte[] bytes(JsonNode node) {
    return text(node).getBytes(StandardCharsets.UTF_8);
  }

  /** The canonical form of {@code node} as text; {@link #bytes} are its UTF-8 encoding. */
  public static String text(JsonNode node) {
    StringBuilder out = new StringBuilder(256);
    write(node, out);
    return out.toString();
  }

  /**
   * Parses {@code strictJsonInput} with {@link StrictJson#parse} and returns its canonical bytes.
   *
   * @throws JsonRejected if the input is not strict JSON within {@code limits}
   */
  public static byte[] canonicalize(byte[] strictJsonInput, JsonLimits limits) throws JsonRejected {
    return bytes(StrictJson.parse(strictJsonInput, limits));
  }

  private static void write(JsonNode node, StringBuilder out) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
        // String.compareTo compares UTF-16 code units, which is what RFC 8785 §3.2.3 asks.
        members.sort(Map.Entry.comparingByKey());
        out.append('{');
        for (int i = 0; i < members.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          writeString(members.get(i).getKey(), out);
          out.append(':');
          write(members.get(i).getValue(), out);
        }
        out.append('}');
      }
      case ARRAY -> {
        out.append('[');
        for (int i = 0; i < node.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          write(node.get(i), out);
        }
        out.append(']');
      }
      case STRING -> writeString(node.textValue(), out);
      case NUMBER -> out.append(number(node));
      case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
      case NULL -> out.append("null");
      default ->
          throw new IllegalArgumentException(
              "a " + node.getNodeType() + " node has no JSON form, so no canonical form");
    }
  }

  private static String number(JsonNode node) {
    double value =
        switch (node.numberType()) {
          case INT, LONG -> (double) node.longValue();
          case BIG_INTEGER -> toDouble(node.bigIntegerValue());
          case BIG_DECIMAL -> toDouble(node.decimalValue());
          case FLOAT, DOUBLE -> node.doubleValue();
        };
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(
          "number " + node.asText() + " is not a finite IEEE 754 double; RFC 8785 cannot write it");
    }
    try {
      return NumberToJSON.serializeNumber(value);
    } catch (IOException e) {
      // Thrown only for NaN and Infinity, excluded above.
      throw new IllegalStateException(e);
    }
  }

  /** The double nearest to {@code value} (round half to even); infinite when out of range. */
  static double toDouble(BigInteger value) {
    return value.doubleValue();
  }

  /**
   * The double nearest to {@code value}, without the cost {@link BigDecimal#doubleValue()} can have
   * for extreme exponents like {@code 1e999999999}: such values are decided from the exponent.
   */
  static double toDouble(BigDecimal value) {
    if (value.signum() == 0) {
      return 0.0;
    }
    // value = d.ddd × 10^exponent with a nonzero leading digit.
    long exponent = (long) value.precision() - value.scale() - 1;
    if (exponent > 309) {
      return value.signum() * Double.POSITIVE_INFINITY;
    }
    if (exponent < -330) {
      // Below half the smallest subnormal (4.9e-324): rounds to zero.
      return value.signum() * 0.0;
    }
    return value.doubleValue();
  }

  /** RFC 8785 §3.2.2.2: the ECMAScript JSON.stringify escaping of a string. */
  private static void writeString(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            throw new IllegalArgumentException(
                String.format(
                    "string has an unpaired surrogate \\u%04X at index %d; RFC 8785 needs Unicode"
                        + " text",
                    (int) c, i));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
