package dev.warden.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.warden.json.JsonRejected.Reason;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Builds a tree from a token stream, enforcing the rules of {@link StrictJson} that Jackson does
 * not: duplicate names, limits with named settings, non-finite and out-of-range numbers, unpaired
 * surrogates. Iterative, so input depth never becomes Java stack depth. One instance per parse.
 */
final class TreeReader {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final JsonParser parser;
  private final JsonLimits limits;

  // Open containers, outermost first; index 0 is unused so that index == depth.
  private ContainerNode<?>[] containers = new ContainerNode<?>[8];
  // Escaped pointer segment leading from the parent to containers[i].
  private String[] segments = new String[8];
  // Members or elements read so far in containers[i].
  private int[] counts = new int[8];
  // The member name whose value comes next, for objects.
  private @Nullable String[] names = new String[8];
  private int depth;

  TreeReader(JsonParser parser, JsonLimits limits) {
    this.parser = parser;
    this.limits = limits;
  }

  JsonNode read() throws JsonRejected {
    JsonToken token = next();
    if (token == null) {
      throw new JsonRejected(Reason.SYNTAX, "", "body is empty; expected one JSON value");
    }
    JsonNode root = null;
    while (true) {
      switch (token) {
        case START_OBJECT, START_ARRAY -> {
          if (depth + 1 > limits.maxDepth()) {
            throw Rejections.tooDeep(pointer(), depth + 1, limits);
          }
          ContainerNode<?> container =
              token == JsonToken.START_OBJECT ? NODES.objectNode() : NODES.arrayNode();
          String segment = depth == 0 ? "" : pendingSegment();
          if (depth == 0) {
            root = container;
          } else {
            attach(container);
          }
          push(container, segment);
        }
        case END_OBJECT, END_ARRAY -> depth--;
        case FIELD_NAME -> name();
        default -> {
          JsonNode value = scalar(token);
          if (depth == 0) {
            root = value;
          } else {
            attach(value);
          }
        }
      }
      if (depth == 0) {
        break;
      }
      token = next();
      if (token == null) {
        // Jackson reports an unclosed container itself; this is a guard, not a path.
        throw new JsonRejected(Reason.SYNTAX, pointer(), "unexpected end of input");
      }
    }
    trailing();
    return root;
  }

  private void name() throws JsonRejected {
    String name = currentName();
    if (name.length() > limits.maxStringLength()) {
      throw Rejections.stringTooLong(pointer(), name.length(), limits);
    }
    String escaped = escape(name);
    checkSurrogates(name, pointer() + "/" + escaped);
    if (((ObjectNode) containers[depth]).has(name)) {
      throw Rejections.duplicate(pointer(), escaped);
    }
    names[depth] = name;
  }

  private void attach(JsonNode value) throws JsonRejected {
    ContainerNode<?> parent = containers[depth];
    if (counts[depth] >= limits.maxObjectEntries()) {
      throw Rejections.tooManyMembers(pointerOf(depth), parent.isObject(), limits);
    }
    counts[depth]++;
    if (parent instanceof ObjectNode object) {
      object.set(names[depth], value);
      names[depth] = null;
    } else {
      ((ArrayNode) parent).add(value);
    }
  }

  private JsonNode scalar(JsonToken token) throws JsonRejected {
    try {
      return switch (token) {
        case VALUE_STRING -> {
          String text = parser.getText();
          if (text.length() > limits.maxStringLength()) {
            throw Rejections.stringTooLong(pointer(), text.length(), limits);
          }
          checkSurrogates(text, pointer());
          yield TextNode.valueOf(text);
        }
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(token);
        case VALUE_TRUE -> BooleanNode.TRUE;
        case VALUE_FALSE -> BooleanNode.FALSE;
        case VALUE_NULL -> NullNode.instance;
        default ->
            throw new JsonRejected(Reason.SYNTAX, pointer(), "unexpected JSON token " + token);
      };
    } catch (IOException e) {
      throw rejected(e);
    }
  }

  private JsonNode number(JsonToken token) throws IOException, JsonRejected {
    if (token == JsonToken.VALUE_NUMBER_FLOAT && parser.isNaN()) {
      throw Rejections.nonFinite(pointer(), parser.getText());
    }
    String text = parser.getText();
    if (text.length() > limits.maxNumberLength()) {
      throw Rejections.numberTooLong(pointer(), text.length(), limits);
    }
    JsonNode node;
    double approximation;
    if (token == JsonToken.VALUE_NUMBER_INT) {
      switch (parser.getNumberType()) {
        case INT -> {
          return NODES.numberNode(parser.getIntValue());
        }
        case LONG -> {
          return NODES.numberNode(parser.getLongValue());
        }
        default -> {
          BigInteger value = parser.getBigIntegerValue();
          approximation = value.doubleValue();
          node = BigIntegerNode.valueOf(value);
        }
      }
    } else {
      BigDecimal value;
      try {
        value = parser.getDecimalValue();
      } catch (NumberFormatException e) {
        // BigDecimal's scale is an int: an exponent beyond about ±2^31 cannot be held at all.
        throw Rejections.exponentTooLarge(pointer());
      }
      approximation = Canonical.toDouble(value);
      node = DecimalNode.valueOf(value);
    }
    if (Double.isInfinite(approximation)) {
      throw Rejections.outsideDoubleRange(pointer());
    }
    return node;
  }

  private void trailing() throws JsonRejected {
    JsonToken after;
    try {
      after = parser.nextToken();
    } catch (IOException e) {
      after = JsonToken.NOT_AVAILABLE;
    }
    if (after != null) {
      throw Rejections.trailingData(parser.currentLocation());
    }
  }

  private @Nullable JsonToken next() throws JsonRejected {
    try {
      return parser.nextToken();
    } catch (IOException e) {
      throw rejected(e);
    }
  }

  private String currentName() throws JsonRejected {
    try {
      return parser.currentName();
    } catch (IOException e) {
      throw rejected(e);
    }
  }

  private JsonRejected rejected(IOException e) {
    return Rejections.fromJackson(e, parser, pointer(), limits);
  }

  private static void checkSurrogates(String text, String at) throws JsonRejected {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw Rejections.unpairedSurrogate(at, c);
      }
    }
  }

  private void push(ContainerNode<?> container, String segment) {
    depth++;
    if (depth == containers.length) {
      int size = containers.length * 2;
      containers = Arrays.copyOf(containers, size);
      segments = Arrays.copyOf(segments, size);
      counts = Arrays.copyOf(counts, size);
      names = Arrays.copyOf(names, size);
    }
    containers[depth] = container;
    segments[depth] = segment;
    counts[depth] = 0;
    names[depth] = null;
  }

  /** The segment of the value about to be read in the innermost container. */
  private String pendingSegment() {
    if (containers[depth] instanceof ObjectNode) {
      String name = names[depth];
      return name == null ? "" : "/" + escape(name);
    }
    return "/" + counts[depth];
  }

  /** RFC 6901 pointer of the place being read: the pending member or element, if any. */
  private String pointer() {
    return depth == 0 ? "" : pointerOf(depth) + pendingSegment();
  }

  private String pointerOf(int level) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= level; i++) {
      sb.append(segments[i]);
    }
    return sb.toString();
  }

  /** RFC 6901 §3: '~' becomes "~0" and '/' becomes "~1". */
  static String escape(String name) {
    if (name.indexOf('~') < 0 && name.indexOf('/') < 0) {
      return name;
    }
    return name.replace("~", "~0").replace("/", "~1");
  }
}
