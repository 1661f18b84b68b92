package dev.warden.server.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.server.adapter.AdapterConfigException.Reason;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Typed, strict access to configuration nodes, with errors that name the field and the fix. */
public final class ConfigReader {

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");

  private ConfigReader() {}

  /** {@code name} escaped as one JSON Pointer reference token (RFC 6901 §3). */
  public static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }

  public static AdapterConfigException schema(String at, String message) {
    return new AdapterConfigException(Reason.SCHEMA, at, message);
  }

  /** Requires a mapping whose fields are all in {@code known}. */
  public static void object(JsonNode node, String at, Set<String> known)
      throws AdapterConfigException {
    if (!node.isObject()) {
      throw schema(at, "must be a mapping, got " + describe(node));
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw schema(
            at + "/" + escape(name),
            "unknown field; the fields here are " + String.join(", ", new TreeSet<>(known)));
      }
    }
  }

  public static JsonNode required(JsonNode node, String at, String field, String hint)
      throws AdapterConfigException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw schema(at + "/" + field, "is required; " + hint);
    }
    return value;
  }

  public static String text(JsonNode node, String at) throws AdapterConfigException {
    if (!node.isTextual()) {
      throw schema(at, "must be a string, got " + describe(node));
    }
    return node.textValue();
  }

  public static boolean bool(JsonNode node, String at) throws AdapterConfigException {
    if (!node.isBoolean()) {
      throw schema(at, "must be true or false, got " + describe(node));
    }
    return node.booleanValue();
  }

  /** An integer in {@code [min, max]}. */
  public static long integer(JsonNode node, String at, long min, long max)
      throws AdapterConfigException {
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw schema(at, "must be a whole number, got " + describe(node));
    }
    long value = node.longValue();
    if (value < min || value > max) {
      throw schema(at, "must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  /** A duration like {@code 500ms}, {@code 2s} or {@code 1m}, in {@code (0, max]}. */
  public static Duration duration(JsonNode node, String at, Duration max)
      throws AdapterConfigException {
    String text = text(node, at);
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      throw schema(at, "\"" + shown(text) + "\" is not a duration; write it like 500ms, 2s or 1m");
    }
    long n = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          default -> Duration.ofMinutes(n);
        };
    if (d.isZero() || d.compareTo(max) > 0) {
      throw schema(at, "must be more than 0 and at most " + max.toSeconds() + "s, got " + text);
    }
    return d;
  }

  public static String describe(JsonNode node) {
    return switch (node.getNodeType()) {
      case OBJECT -> "a mapping";
      case ARRAY -> "a list";
      case STRING -> "the string \"" + shown(node.textValue()) + "\"";
      case NUMBER -> "the number " + node;
      case BOOLEAN -> node.booleanValue() ? "true" : "false";
      case NULL -> "null";
      default -> node.getNodeType().toString();
    };
  }

  /** {@code value} cut to a length fit for an error message. */
  public static String shown(String value) {
    return value.length() <= 80 ? value : value.substring(0, 77) + "...";
  }
}
