package dev.warden.client.warrant;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.erdtman.jcs.NumberToJSON;

/**
 * RFC 8785 JSON Canonicalization Scheme of a tree from {@link StrictJson}: members sorted by their
 * names' UTF-16 code units (§3.2.3), no whitespace, strings escaped as ECMAScript's {@code
 * JSON.stringify} does (§3.2.2.2), numbers written as ECMAScript writes the IEEE 754 double they
 * denote (§3.2.2.3, the erdtman implementation), UTF-8 output. The same algorithm as Warden's
 * server, which computes {@code request_digest} over these bytes. Stateless.
 */
final class Jcs {
  private Jcs() {}

  /**
   * The canonical UTF-8 bytes of {@code node}.
   *
   * @throws IllegalArgumentException for what {@link StrictJson} never returns: a non-finite
   *     number, an unpaired surrogate, a node that is not JSON
   */
  static byte[] bytes(JsonNode node) {
    StringBuilder out = new StringBuilder(256);
    write(node, out);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The double a number node denotes (I-JSON); infinite when out of range. */
  static double toDouble(JsonNode number) {
    return switch (number.numberType()) {
      case INT, LONG -> (double) number.longValue();
      case BIG_INTEGER -> number.bigIntegerValue().doubleValue();
      case BIG_DECIMAL -> number.decimalValue().doubleValue();
      case FLOAT, DOUBLE -> number.doubleValue();
    };
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
          throw new IllegalArgumentException("a " + node.getNodeType() + " node is not JSON");
    }
  }

  private static String number(JsonNode node) {
    double value = toDouble(node);
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("a number outside the double range has no JCS form");
    }
    try {
      return NumberToJSON.serializeNumber(value);
    } catch (IOException e) {
      // Thrown only for NaN and Infinity, excluded above.
      throw new IllegalStateException(e);
    }
  }

  /** RFC 8785 §3.2.2.2. */
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
                "a string with an unpaired surrogate has no JCS form");
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
