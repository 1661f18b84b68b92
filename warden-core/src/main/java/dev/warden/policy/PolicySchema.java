package dev.warden.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.policy.PolicyException.Reason;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Checks a policy tree against the schema and builds its rules. Unknown fields are refused at every
 * level; every error names the line (when the tree came from YAML), the field as a JSON Pointer,
 * the rule id when known, and the problem.
 */
final class PolicySchema {

  /** The parts of a document that make a policy. */
  record Parsed(Effect defaultEffect, List<Rule> rules) {}

  private static final Set<String> TOP = Set.of("version", "default", "rules");
  private static final Set<String> RULE =
      Set.of("id", "effect", "match", "reason", "approvers", "min_approvals", "ttl");
  private static final Set<String> MATCH =
      Set.of("action", "resource", "agents", "tenants", "labels");
  private static final List<String> ESCALATE_ONLY = List.of("approvers", "min_approvals", "ttl");
  private static final Pattern TTL = Pattern.compile("([1-9][0-9]{0,5})([smhd])");
  private static final int MAX_MIN_APPROVALS = 100;

  private final Map<String, Integer> lines;
  private @Nullable String ruleId;

  private PolicySchema(Map<String, Integer> lines) {
    this.lines = lines;
  }

  /**
   * @param lines the line of each node by JSON Pointer; empty for JSON documents
   */
  static Parsed read(JsonNode root, Map<String, Integer> lines) throws PolicyException {
    return new PolicySchema(lines).document(root);
  }

  private Parsed document(JsonNode root) throws PolicyException {
    requireObject(root, "", "the policy", TOP);
    JsonNode version = root.get("version");
    if (version == null) {
      throw fail("", "version is required; write version: 1");
    }
    if (!version.isIntegralNumber() || !version.bigIntegerValue().equals(BigInteger.ONE)) {
      throw fail("/version", "version must be the number 1, got " + version);
    }
    Effect defaultEffect = Effect.DENY;
    JsonNode dflt = root.get("default");
    if (dflt != null) {
      String name = text(dflt, "/default");
      if (name.equals("allow")) {
        throw fail(
            "/default",
            "default: allow is refused: a request that no rule matches is never allowed"
                + " (fail closed); write a rule with action \"*\" and effect allow to allow"
                + " everything on purpose");
      }
      defaultEffect =
          switch (name) {
            case "deny" -> Effect.DENY;
            case "escalate" -> Effect.ESCALATE;
            default ->
                throw fail(
                    "/default", "default must be deny or escalate, got \"" + shown(name) + "\"");
          };
    }
    JsonNode rules = root.get("rules");
    if (rules == null) {
      throw fail("", "rules is required (a list, which may be empty)");
    }
    if (!rules.isArray()) {
      throw fail("/rules", "rules must be a list, got " + describe(rules));
    }
    List<Rule> parsed = new ArrayList<>(rules.size());
    Map<String, String> firstUse = new HashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      String at = "/rules/" + i;
      ruleId = null;
      Rule rule = rule(rules.get(i), at);
      String earlier = firstUse.putIfAbsent(rule.id(), at);
      if (earlier != null) {
        throw fail(
            at + "/id", "duplicate rule id; first used at " + where(lineOf(earlier), earlier));
      }
      parsed.add(rule);
    }
    ruleId = null;
    return new Parsed(defaultEffect, parsed);
  }

  private Rule rule(JsonNode node, String at) throws PolicyException {
    requireObject(node, at, "a rule", RULE);
    JsonNode idNode = node.get("id");
    if (idNode == null) {
      throw fail(at, "id is required");
    }
    String id = text(idNode, at + "/id");
    if (!Rule.ID.matcher(id).matches()) {
      throw fail(
          at + "/id",
          "rule id \""
              + shown(id)
              + "\" must be 1 to 64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit");
    }
    if (id.equals(PolicyDecision.DEFAULT_RULE)) {
      throw fail(at + "/id", "rule id \"default\" is reserved for decisions no rule matched");
    }
    ruleId = id;
    JsonNode effectNode = node.get("effect");
    if (effectNode == null) {
      throw fail(at, "effect is required (allow, deny or escalate)");
    }
    String effectName = text(effectNode, at + "/effect");
    Effect effect =
        Effect.fromWireName(effectName)
            .orElseThrow(
                () ->
                    fail(
                        at + "/effect",
                        "effect must be allow, deny or escalate, got \""
                            + shown(effectName)
                            + "\""));
    JsonNode matchNode = node.get("match");
    if (matchNode == null) {
      throw fail(at, "match is required");
    }
    Match match = match(matchNode, at + "/match");
    String reason = null;
    if (node.has("reason")) {
      reason = text(node.get("reason"), at + "/reason");
      if (reason.isBlank()) {
        throw fail(at + "/reason", "reason must not be blank; leave it out instead");
      }
    }
    Escalation escalation = null;
    if (effect == Effect.ESCALATE) {
      escalation = escalation(node, at);
    } else {
      for (String field : ESCALATE_ONLY) {
        if (node.has(field)) {
          throw fail(
              at + "/" + field,
              field + " is only allowed on escalate rules; this rule's effect is " + effectName);
        }
      }
    }
    return new Rule(id, effect, match, reason, escalation);
  }

  private Match match(JsonNode node, String at) throws PolicyException {
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

  private Escalation escalation(JsonNode node, String at) throws PolicyException {
    List<String> approvers = List.of();
    if (node.has("approvers")) {
      JsonNode list = node.get("approvers");
      String listAt = at + "/approvers";
      if (!list.isArray() || list.isEmpty()) {
        throw fail(listAt, "approvers must be a non-empty list of groups or subjects");
      }
      List<String> names = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        String name = text(list.get(i), listAt + "/" + i);
        if (name.isBlank() || names.contains(name)) {
          throw fail(listAt + "/" + i, "approver \"" + name + "\" is blank or listed twice");
        }
        names.add(name);
      }
      approvers = names;
    }
    int minApprovals = 1;
    if (node.has("min_approvals")) {
      JsonNode n = node.get("min_approvals");
      if (!n.isIntegralNumber()
          || !n.canConvertToInt()
          || n.intValue() < 1
          || n.intValue() > MAX_MIN_APPROVALS) {
        throw fail(
            at + "/min_approvals",
            "min_approvals must be a whole number from 1 to " + MAX_MIN_APPROVALS + ", got " + n);
      }
      minApprovals = n.intValue();
    }
    Duration ttl = Escalation.DEFAULT_TTL;
    if (node.has("ttl")) {
      String written = text(node.get("ttl"), at + "/ttl");
      Matcher m = TTL.matcher(written);
      if (!m.matches()) {
        throw fail(
            at + "/ttl",
            "ttl must be a whole number and a unit s, m, h or d, like 30s, 15m or 1h; got \""
                + written
                + "\"");
      }
      long amount = Long.parseLong(m.group(1));
      ttl =
          switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
          };
    }
    return new Escalation(approvers, minApprovals, ttl);
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

  private String text(JsonNode node, String at) throws PolicyException {
    if (!node.isTextual()) {
      throw fail(at, "must be a string, got " + describe(node));
    }
    return node.textValue();
  }

  private void requireObject(JsonNode node, String at, String what, Set<String> fields)
      throws PolicyException {
    if (!node.isObject()) {
      throw fail(at, what + " must be a mapping, got " + describe(node));
    }
    for (Map.Entry<String, JsonNode> member : node.properties()) {
      String name = member.getKey();
      if (!fields.contains(name)) {
        String hint =
            name.equals("when")
                ? " (CEL conditions come with a later policy engine)"
                : "; allowed: " + String.join(", ", fields.stream().sorted().toList());
        throw fail(at + "/" + YamlTree.escape(name), "unknown field \"" + name + "\"" + hint);
      }
    }
  }

  private static String describe(JsonNode node) {
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
  private static String shown(String value) {
    return value.length() <= 80 ? value : value.substring(0, 77) + "...";
  }

  private PolicyException fail(String pointer, String message) {
    int line = lineOf(pointer);
    String rule = ruleId == null ? "" : " (rule " + ruleId + ")";
    return new PolicyException(
        Reason.SCHEMA, pointer, line, where(line, pointer) + rule + ": " + message);
  }

  /**
   * The line of the node at {@code pointer}, or of its nearest ancestor that has one; 0 if none.
   */
  private int lineOf(String pointer) {
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
