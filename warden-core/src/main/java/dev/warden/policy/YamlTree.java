package dev.warden.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.warden.policy.PolicyException.Reason;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads a YAML document as the JSON tree it denotes, with the line of every node, refusing what has
 * no plain JSON meaning: anchors, aliases, tags, merge keys, several documents, and plain
 * (unquoted) scalars whose type depends on the YAML version or the resolver: dates, {@code yes}/
 * {@code on}, {@code 0x1F}, {@code 012}, {@code 1_000}, {@code .inf}, {@code 1:20}, empty values. A
 * quoted scalar is always a string; a plain one is {@code true}, {@code false}, {@code null}, a
 * number in JSON syntax, or else a string.
 */
final class YamlTree {

  /** The parsed tree and the 1-based line where each node (by JSON Pointer) starts. */
  record Result(JsonNode root, Map<String, Integer> lines) {}

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final YAMLFactory FACTORY = newFactory();

  private static final Pattern JSON_NUMBER =
      Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?");

  /** Plain scalars a YAML 1.1 or 1.2 resolver reads as something other than a string. */
  private static final Pattern AMBIGUOUS =
      Pattern.compile(
          "(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?)" // timestamps
              + "|(?:[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\\.[0-9_]*)?)" // sexagesimal
              + "|(?:[-+]?0[xob][0-9a-fA-F_]+)" // hex, octal, binary
              + "|(?:[-+]?\\.(?:inf|Inf|INF|nan|NaN|NAN))"
              // YAML 1.1 also lists y and n, which no common parser follows.
              + "|(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE"
              + "|false|False|FALSE|null|Null|NULL|~|=|<<)");

  private static final int MAX_NUMBER_LENGTH = 100;

  private final String text;
  private final YAMLParser parser;
  private final Map<String, Integer> lines = new HashMap<>();
  private final boolean supplementary;
  private long lastCodePoint;
  private int lastChar;

  private YamlTree(String text, YAMLParser parser) {
    this.text = text;
    this.parser = parser;
    this.supplementary = text.codePoints().anyMatch(Character::isSupplementaryCodePoint);
  }

  static Result read(String text) throws PolicyException {
    try (YAMLParser parser = FACTORY.createParser(text)) {
      YamlTree tree = new YamlTree(text, parser);
      JsonToken first = tree.next();
      if (first == null) {
        throw new PolicyException(Reason.SYNTAX, "", 0, "the policy document is empty");
      }
      JsonNode root = tree.value(first, "");
      if (tree.next() != null) {
        int line = parser.currentTokenLocation().getLineNr();
        throw new PolicyException(
            Reason.UNSUPPORTED_YAML,
            "",
            line,
            SchemaReader.where(line, "")
                + ": only one YAML document is allowed; remove the second one");
      }
      return new Result(root, Map.copyOf(tree.lines));
    } catch (IOException e) {
      throw syntax(e);
    }
  }

  private JsonNode value(JsonToken token, String pointer) throws IOException, PolicyException {
    lines.put(pointer, parser.currentTokenLocation().getLineNr());
    if (parser.getObjectId() != null) {
      throw refuse(Reason.UNSUPPORTED_YAML, pointer, "YAML anchors (&) are not supported");
    }
    if (parser.getTypeId() != null) {
      throw refuse(
          Reason.UNSUPPORTED_YAML,
          pointer,
          "YAML tags (" + parser.getTypeId() + ") are not supported");
    }
    return switch (token) {
      case START_OBJECT -> {
        ObjectNode object = NODES.objectNode();
        for (JsonToken t = nextInside(); t != JsonToken.END_OBJECT; t = nextInside()) {
          String name = parser.currentName();
          String member = pointer + "/" + escape(name);
          if (name.equals("<<")) {
            throw refuse(Reason.UNSUPPORTED_YAML, member, "YAML merge keys (<<) are not supported");
          }
          if (object.has(name)) {
            int line = parser.currentTokenLocation().getLineNr();
            throw new PolicyException(
                Reason.SCHEMA,
                member,
                line,
                SchemaReader.where(line, member)
                    + ": duplicate key (first at line "
                    + lines.get(member)
                    + ")");
          }
          object.set(name, value(nextInside(), member));
        }
        yield object;
      }
      case START_ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        for (JsonToken t = nextInside(); t != JsonToken.END_ARRAY; t = nextInside()) {
          array.add(value(t, pointer + "/" + array.size()));
        }
        yield array;
      }
      case VALUE_STRING -> string(pointer);
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        requireNoScalarAnchor(pointer);
        yield number(token, pointer);
      }
      case VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> {
        String written = parser.getText();
        String json = token == JsonToken.VALUE_NULL ? "null" : token.asString();
        if (written.isEmpty()) {
          throw refuse(Reason.SCHEMA, pointer, "the value is missing; write null or \"\"");
        }
        if (!written.equals(json)) {
          throw refuse(
              Reason.UNSUPPORTED_YAML,
              pointer,
              "write "
                  + json
                  + " (or quote the value for a string): not every YAML parser reads \""
                  + written
                  + "\" as "
                  + json);
        }
        requireNoScalarAnchor(pointer);
        yield switch (token) {
          case VALUE_TRUE -> BooleanNode.TRUE;
          case VALUE_FALSE -> BooleanNode.FALSE;
          default -> NullNode.instance;
        };
      }
      default -> throw refuse(Reason.UNSUPPORTED_YAML, pointer, "unexpected YAML token " + token);
    };
  }

  private JsonNode string(String pointer) throws IOException, PolicyException {
    if (parser.isCurrentAlias()) {
      throw refuse(Reason.UNSUPPORTED_YAML, pointer, "YAML aliases (*) are not supported");
    }
    requireNoScalarAnchor(pointer);
    String value = parser.getText();
    char style = styleIndicator(parser.currentTokenLocation());
    boolean plain = style != '\'' && style != '"' && style != '|' && style != '>';
    if (plain && value.isEmpty()) {
      throw refuse(Reason.SCHEMA, pointer, "the value is missing; write null or \"\"");
    }
    if (plain && AMBIGUOUS.matcher(value).matches()) {
      throw refuse(
          Reason.UNSUPPORTED_YAML,
          pointer,
          "the unquoted value "
              + value
              + " is not a string in every YAML version (a date, boolean or number);"
              + " quote it if you mean the string");
    }
    return NODES.textNode(value);
  }

  private JsonNode number(JsonToken token, String pointer) throws IOException, PolicyException {
    String written = parser.getText();
    if (!JSON_NUMBER.matcher(written).matches()) {
      throw refuse(
          Reason.UNSUPPORTED_YAML,
          pointer,
          "the number "
              + written
              + " is not written as in JSON; write it in plain decimal, or quote it for a string");
    }
    if (written.length() > MAX_NUMBER_LENGTH) {
      throw refuse(
          Reason.SCHEMA, pointer, "the number has more than " + MAX_NUMBER_LENGTH + " characters");
    }
    try {
      if (token == JsonToken.VALUE_NUMBER_INT) {
        BigInteger value = new BigInteger(written);
        if (value.bitLength() < 32) {
          return NODES.numberNode(value.intValue());
        }
        return value.bitLength() < 64
            ? NODES.numberNode(value.longValue())
            : BigIntegerNode.valueOf(value);
      }
      BigDecimal value = new BigDecimal(written);
      long exponent = (long) value.precision() - value.scale() - 1;
      if (value.signum() != 0 && (exponent > 309 || Double.isInfinite(value.doubleValue()))) {
        throw refuse(Reason.SCHEMA, pointer, "the number is outside the range of a double");
      }
      return DecimalNode.valueOf(value);
    } catch (NumberFormatException e) {
      // An exponent beyond what BigDecimal's int scale holds.
      throw refuse(Reason.SCHEMA, pointer, "the number's exponent is too large to represent");
    }
  }

  /**
   * Jackson reports anchors on mappings and sequences only; a scalar's shows in the text, where the
   * scalar's node starts with '&'.
   */
  private void requireNoScalarAnchor(String pointer) throws PolicyException {
    if (styleIndicator(parser.currentTokenLocation()) == '&') {
      throw refuse(Reason.UNSUPPORTED_YAML, pointer, "YAML anchors (&) are not supported");
    }
  }

  /** The character a scalar starts with: a quote or block indicator, or its first character. */
  private char styleIndicator(JsonLocation location) {
    long codePoint = location.getCharOffset(); // SnakeYAML counts code points
    int index;
    if (!supplementary) {
      index = (int) codePoint;
    } else {
      // Scalars come in document order, so walk on from the previous one.
      if (codePoint < lastCodePoint) {
        lastCodePoint = 0;
        lastChar = 0;
      }
      try {
        index = text.offsetByCodePoints(lastChar, (int) (codePoint - lastCodePoint));
      } catch (IndexOutOfBoundsException e) {
        return '\n'; // the end of the text: an empty scalar
      }
      lastCodePoint = codePoint;
      lastChar = index;
    }
    return index >= 0 && index < text.length() ? text.charAt(index) : '\n';
  }

  private @Nullable JsonToken next() throws IOException {
    return parser.nextToken();
  }

  /** The next token inside a mapping or sequence, which the input cannot just stop in. */
  private JsonToken nextInside() throws IOException, PolicyException {
    JsonToken token = parser.nextToken();
    if (token == null) {
      throw new PolicyException(Reason.SYNTAX, "", 0, "the policy document ends unexpectedly");
    }
    return token;
  }

  private PolicyException refuse(Reason reason, String pointer, String message) {
    int line = lines.getOrDefault(pointer, parser.currentTokenLocation().getLineNr());
    return new PolicyException(
        reason, pointer, line, SchemaReader.where(line, pointer) + ": " + message);
  }

  private static PolicyException syntax(IOException e) {
    String detail =
        e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
    int line =
        e instanceof JsonProcessingException jpe && jpe.getLocation() != null
            ? jpe.getLocation().getLineNr()
            : 0;
    return new PolicyException(
        Reason.SYNTAX,
        "",
        Math.max(line, 0),
        (line > 0 ? "line " + line + ": " : "") + "not valid YAML: " + explanation(detail));
  }

  /**
   * SnakeYAML's explanation without the quoted source lines, caret markers and event dumps: "while
   * parsing a flow node; expected the node content, but found '}'".
   */
  private static String explanation(@Nullable String detail) {
    if (detail == null) {
      return "";
    }
    String text = detail;
    int dump = text.indexOf(": <org.yaml");
    if (dump >= 0) {
      text = text.substring(0, dump);
    }
    return String.join(
        "; ",
        text.lines()
            .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)) && !l.contains("^"))
            .toList());
  }

  static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }

  private static YAMLFactory newFactory() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(PolicyLoader.MAX_TEXT_CHARS);
    options.setNestingDepthLimit(PolicyLoader.MAX_DEPTH);
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(0);
    return YAMLFactory.builder().loaderOptions(options).build();
  }
}
