package dev.warden.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.policy.PolicyException.Reason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the schema readers of a policy document share: typed access to fields, the {@code match}
 * block of rules and budgets, and error messages naming the line (for YAML), the field as a JSON
 * Pointer, the item being read ("rule r", "budget b"), and the problem.
 */
final class SchemaReader {

  private static final Set<String> MATCH =
      Set.of("action", "resource", "agents", "tenants", "labels");

  private final Map<String, Integer> lines;
  private @Nullable String item;

  /**
   * @param lines the line of each node by JSON Pointer; empty for JSON documents
   */
  SchemaReader(Map<String, Integer> lines) {
    this.lines = lines;
  }

  /** Names the item being read in later messages, like {@code "rule r"}; null for none. */
  void item(@Nullable String item) {
    this.item = item;
  }

  /** The id at {@code at + "/id"}, which must exist and have the syntax of {@link Rule#ID}. */
  String id(JsonNode node, String at, String kind) throws PolicyException {
    JsonNode idNode = node.get("id");
    if (idNode == null) {
      throw fail(at, "id is required");
    }
    String id = text(idNode, at + "/id");
    if (!Rule.ID.matcher(id).matches()) {
      throw fail(
          at + "/id",
          kind
              + " id \""
              + shown(id)
              + "\" must be 1 to 64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit");
    }
    return id;
  }

  /** The member {@code field} of {@code node}, which must be present. */
  JsonNode required(JsonNode node, String at, String field, String hint) throws PolicyException {
    JsonNode value = node.get(field);
    if (value == null) {
      throw fail(at, field + " is required" + hint);
    }
    return value;
  }

  /** A {@code match} block: action globs (required), resource globs, agents, tenants, labels. */
  Match match(JsonNode node, String at) throws PolicyException {
    requireObject(node, at, "match", MATCH);
    JsonNode action = node.get("action");
    if (action == null) {
      throw fail(at, "match.action is required (a glob or a list of globs)");
    }
    List<Glob> actions = globs(action, at + "/action", true);
    List<Glob> resources =
        node.has("resource")
            ? globs(node.get("resource"), at + "/resource", true)
            : List.of(Glob.compile("*"));
    List<Glob> agents =
        node.has("agents") ? globs(node.get("agents"), at + "/agents", false) : List.of();
    List<Glob> tenants =
        node.has("tenants") ? globs(node.get("tenants"), at + "/tenants", false) : List.of();
    Map<String, Glob> labels = new LinkedHashMap<>();
    if (node.has("labels")) {
      JsonNode labelsNode = node.get("labels");
      String labelsAt = at + "/labels";
      if (!labelsNode.isObject()) {
        throw fail(
            labelsAt,
            "labels must be a mapping of label name to glob, got " + describe(labelsNode));
      }
      for (Map.Entry<String, JsonNode> label : labelsNode.properties()) {
        String labelAt = labelsAt + "/" + YamlTree.escape(label.getKey());
        if (label.getKey().isEmpty()) {
          throw fail(labelAt, "a label name must not be empty");
        }
        labels.put(label.getKey(), glob(label.getValue(), labelAt));
      }
    }
    return new Match(actions, resources, agents, tenants, labels);
  }

  /** A glob or, where {@code single} allows it, a non-empty list of globs. */
  private List<Glob> globs(JsonNode node, String at, boolean single) throws PolicyException {
    if (node.isTextual() && single) {
      return List.of(glob(node, at));
    }
    if (!node.isArray()) {
      throw fail(
          at,
          (single ? "must be a glob or a list of globs" : "must be a list of globs")
              + ", got "
              + describe(node));
    }
    if (node.isEmpty()) {
      throw fail(at, "an empty list matches nothing; leave the field out to match anything");
    }
    List<Glob> globs = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      globs.add(glob(node.get(i), at + "/" + i));
    }
    return globs;
  }

  private Glob glob(JsonNode node, String at) throws PolicyException {
    String pattern = text(node, at);
    try {
      return Glob.compile(pattern);
    } catch (IllegalArgumentException e) {
      throw fail(at, e.getMessage());
    }
  }

  /** A whole number from {@code min} to {@code max}. */
  long integer(JsonNode node, String at, String field, long min, long max) throws PolicyException {
    if (!node.isIntegralNumber()
        || !node.canConvertToLong()
        || node.longValue() < min
        || node.longValue() > max) {
      throw fail(
          at,
          field + " must be a whole number from " + min + " to " + max + ", got " + describe(node));
    }
    return node.longValue();
  }

  String text(JsonNode node, String at) throws PolicyException {
    if (!node.isTextual()) {
      throw fail(at, "must be a string, got " + describe(node));
    }
    return node.textValue();
  }

  /** Refuses a non-mapping, and a mapping with a member not in {@code fields}. */
  void requireObject(JsonNode node, String at, String what, Set<String> fields)
      throws PolicyException {
    if (!node.isObject()) {
      throw fail(at, what + " must be a mapping, got " + describe(node));
    }
    for (Map.Entry<String, JsonNode> member : node.properties()) {
      String name = member.getKey();
      if (!fields.contains(name)) {
        throw fail(
            at + "/" + YamlTree.escape(name),
            "unknown field \""
                + name
                + "\"; allowed: "
                + String.join(", ", fields.stream().sorted().toList()));
      }
    }
  }

  /** A list at {@code at}, which must be one. */
  JsonNode list(JsonNode node, String at, String field) throws PolicyException {
    if (!node.isArray()) {
      throw fail(at, field + " must be a list, got " + describe(node));
    }
    return node;
  }

  static String describe(JsonNode node) {
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
  static String shown(String value) {
    return value.length() <= 80 ? value : value.substring(0, 77) + "...";
  }

  PolicyException fail(String pointer, String message) {
    return fail(Reason.SCHEMA, pointer, message);
  }

  PolicyException fail(Reason reason, String pointer, String message) {
    int line = lineOf(pointer);
    String about = item == null ? "" : " (" + item + ")";
    return new PolicyException(
        reason, pointer, line, where(line, pointer) + about + ": " + message);
  }

  /**
   * The line of the node at {@code pointer}, or of its nearest ancestor that has one; 0 if none.
   */
  int lineOf(String pointer) {
    String p = pointer;
    while (true) {
      Integer line = lines.get(p);
      if (line != null) {
        return line;
      }
      if (p.isEmpty()) {
        return 0;
      }
      p = p.substring(0, p.lastIndexOf('/'));
    }
  }

  /** "line 7, /rules/2/effect", or just the pointer when the line is unknown. */
  static String where(int line, String pointer) {
    String field = pointer.isEmpty() ? "the document" : pointer;
    return line > 0 ? "line " + line + ", " + field : field;
  }
}
