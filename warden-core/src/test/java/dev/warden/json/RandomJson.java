package dev.warden.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random JSON documents for property tests: a model tree and one of its many valid spellings
 * (random whitespace, random escapes, numbers in varied notation), bounded in depth and size.
 */
final class RandomJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String WHITESPACE = " \t\n\r";

  private final SplittableRandom random;
  private final int maxDepth;
  private int budget;

  /** A document and the text it was written as. */
  record Document(JsonNode model, String text) {}

  RandomJson(SplittableRandom random, int maxDepth, int maxNodes) {
    this.random = random;
    this.maxDepth = maxDepth;
    this.budget = maxNodes;
  }

  Document next() {
    JsonNode model = value(0);
    StringBuilder text = new StringBuilder();
    space(text);
    write(model, text);
    space(text);
    return new Document(model, text.toString());
  }

  private JsonNode value(int depth) {
    budget--;
    int kind = random.nextInt(depth >= maxDepth || budget <= 0 ? 6 : 8);
    return switch (kind) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(random.nextBoolean());
      case 2, 3 -> NODES.textNode(string());
      case 4 -> integer();
      case 5 -> decimal();
      case 6 -> {
        ArrayNode array = NODES.arrayNode();
        int n = random.nextInt(6);
        for (int i = 0; i < n && budget > 0; i++) {
          array.add(value(depth + 1));
        }
        yield array;
      }
      default -> {
        ObjectNode object = NODES.objectNode();
        int n = random.nextInt(6);
        for (int i = 0; i < n && budget > 0; i++) {
          object.set(string(), value(depth + 1));
        }
        yield object;
      }
    };
  }

  private JsonNode integer() {
    return switch (random.nextInt(3)) {
      case 0 -> NODES.numberNode(random.nextInt(-1000, 1000));
      case 1 -> NODES.numberNode(random.nextLong());
      default ->
          NODES.numberNode(
              new BigInteger(random.nextInt(1, 200), new java.util.Random(random.nextLong())));
    };
  }

  private JsonNode decimal() {
    BigInteger unscaled = BigInteger.valueOf(random.nextLong() >> random.nextInt(64));
    // At most 19 digits: the exponent stays within the double range.
    int scale = random.nextInt(-280, 300);
    return DecimalNode.valueOf(new BigDecimal(unscaled, scale));
  }

  private String string() {
    int n = random.nextInt(8);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int codePoint =
          switch (random.nextInt(6)) {
            case 0 -> random.nextInt(0, 0x20); // controls
            case 1 -> "\"\\/~ab".charAt(random.nextInt(6));
            case 2 -> random.nextInt(0x20, 0x7f);
            case 3 -> random.nextInt(0x80, 0xd800);
            case 4 -> random.nextInt(0xe000, 0x10000);
            default -> random.nextInt(0x10000, 0x110000);
          };
      s.appendCodePoint(codePoint);
    }
    return s.toString();
  }

  private void write(JsonNode node, StringBuilder out) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, JsonNode> member : node.properties()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          space(out);
          writeString(member.getKey(), out);
          space(out);
          out.append(':');
          space(out);
          write(member.getValue(), out);
          space(out);
        }
        out.append('}');
      }
      case ARRAY -> {
        out.append('[');
        for (int i = 0; i < node.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          space(out);
          write(node.get(i), out);
          space(out);
        }
        out.append(']');
      }
      case STRING -> writeString(node.textValue(), out);
      case NUMBER -> out.append(number(node));
      default -> out.append(node.toString());
    }
  }

  private String number(JsonNode node) {
    if (!node.isBigDecimal()) {
      return node.bigIntegerValue().toString();
    }
    BigDecimal value = node.decimalValue();
    return switch (random.nextInt(3)) {
      case 0 -> value.toString().replace("E+", random.nextBoolean() ? "e+" : "E");
      case 1 -> value.unscaledValue() + "e" + (-value.scale());
      default ->
          value.unscaledValue()
              + (value.scale() <= 0 ? "E+" + -value.scale() : "E-" + value.scale());
    };
  }

  private void writeString(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean mustEscape = c < 0x20 || c == '"' || c == '\\';
      if (Character.isHighSurrogate(c)) {
        // A pair is escaped as a pair or written as is: half escaped is not UTF-8 text.
        char low = s.charAt(++i);
        if (random.nextInt(10) == 0) {
          out.append(String.format("\\u%04x\\u%04X", (int) c, (int) low));
        } else {
          out.append(c).append(low);
        }
      } else if (mustEscape || random.nextInt(10) == 0) {
        switch (random.nextInt(c == '"' || c == '\\' || c == '/' ? 2 : 1)) {
          case 1 -> out.append('\\').append(c);
          default ->
              out.append(String.format(random.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) c));
        }
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }

  private void space(StringBuilder out) {
    while (random.nextInt(4) == 0) {
      out.append(WHITESPACE.charAt(random.nextInt(WHITESPACE.length())));
    }
  }
}
