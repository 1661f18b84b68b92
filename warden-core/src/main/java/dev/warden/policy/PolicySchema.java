package dev.warden.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.policy.PolicyException.Reason;
import java.math.BigInteger;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Checks a policy tree against the schema and builds its rules, compiling their conditions. Unknown
 * fields are refused at every level; every error names the line (when the tree came from YAML), the
 * field as a JSON Pointer, the rule id when known, and the problem. The {@code timezone}, {@code
 * budgets}, {@code quotas} and {@code limits} sections are read by {@link BudgetSchema}.
 */
final class PolicySchema {

  /**
   * The parts of a document that make a policy.
   *
   * @param conditions the compiled condition of each rule, by index; null for a rule without one
   */
  record Parsed(
      Effect defaultEffect,
      ZoneId zone,
      List<Rule> rules,
      List<@Nullable Condition> conditions,
      List<BudgetRule> budgets,
      List<RateLimitRule> limits) {}

  private static final Set<String> TOP =
      Set.of("version", "default", "timezone", "rules", "budgets", "quotas", "limits");
  private static final Set<String> RULE =
      Set.of("id", "effect", "match", "when", "reason", "approvers", "min_approvals", "ttl");
  private static final List<String> ESCALATE_ONLY = List.of("approvers", "min_approvals", "ttl");
  private static final Pattern TTL = Pattern.compile("([1-9][0-9]{0,5})([smhd])");
  private static final int MAX_MIN_APPROVALS = 100;

  private final SchemaReader in;
  private final Map<String, Condition> compiled = new HashMap<>();

  private PolicySchema(Map<String, Integer> lines) {
    this.in = new SchemaReader(lines);
  }

  /**
   * @param lines the line of each node by JSON Pointer; empty for JSON documents
   */
  static Parsed read(JsonNode root, Map<String, Integer> lines) throws PolicyException {
    return new PolicySchema(lines).document(root);
  }

  private Parsed document(JsonNode root) throws PolicyException {
    in.requireObject(root, "", "the policy", TOP);
    JsonNode version = root.get("version");
    if (version == null) {
      throw in.fail("", "version is required; write version: 1");
    }
    if (!version.isIntegralNumber() || !version.bigIntegerValue().equals(BigInteger.ONE)) {
      throw in.fail("/version", "version must be the number 1, got " + version);
    }
    Effect defaultEffect = defaultEffect(root.get("default"));
    JsonNode rules = root.get("rules");
    if (rules == null) {
      throw in.fail("", "rules is required (a list, which may be empty)");
    }
    in.list(rules, "/rules", "rules");
    BudgetSchema sections = new BudgetSchema(in);
    ZoneId zone = sections.zone(root.get("timezone"));
    List<BudgetRule> budgets = sections.budgets(root.get("budgets"), root.get("quotas"));
    List<RateLimitRule> limits = sections.limits(root.get("limits"));
    List<Rule> parsed = new ArrayList<>(rules.size());
    List<@Nullable Condition> conditions = new ArrayList<>(rules.size());
    Map<String, String> firstUse = new HashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      String at = "/rules/" + i;
      in.item(null);
      Rule rule = rule(rules.get(i), at);
      String earlier = firstUse.putIfAbsent(rule.id(), at);
      if (earlier != null) {
        throw in.fail(
            at + "/id",
            "duplicate rule id; first used at " + SchemaReader.where(in.lineOf(earlier), earlier));
      }
      parsed.add(rule);
      conditions.add(rule.when() == null ? null : condition(rule.when(), at + "/when", budgets));
    }
    in.item(null);
    return new Parsed(
        defaultEffect, zone, parsed, Collections.unmodifiableList(conditions), budgets, limits);
  }

  private Effect defaultEffect(@Nullable JsonNode dflt) throws PolicyException {
    if (dflt == null) {
      return Effect.DENY;
    }
    String name = in.text(dflt, "/default");
    if (name.equals("allow")) {
      throw in.fail(
          "/default",
          "default: allow is refused: a request that no rule matches is never allowed"
              + " (fail closed); write a rule with action \"*\" and effect allow to allow"
              + " everything on purpose");
    }
    return switch (name) {
      case "deny" -> Effect.DENY;
      case "escalate" -> Effect.ESCALATE;
      default ->
          throw in.fail(
              "/default",
              "default must be deny or escalate, got \"" + SchemaReader.shown(name) + "\"");
    };
  }

  private Rule rule(JsonNode node, String at) throws PolicyException {
    in.requireObject(node, at, "a rule", RULE);
    String id = in.id(node, at, "rule");
    if (id.equals(PolicyDecision.DEFAULT_RULE)) {
      throw in.fail(at + "/id", "rule id \"default\" is reserved for decisions no rule matched");
    }
    in.item("rule " + id);
    String effectName =
        in.text(in.required(node, at, "effect", " (allow, deny or escalate)"), at + "/effect");
    Effect effect =
        Effect.fromWireName(effectName)
            .orElseThrow(
                () ->
                    in.fail(
                        at + "/effect",
                        "effect must be allow, deny or escalate, got \""
                            + SchemaReader.shown(effectName)
                            + "\""));
    Match match = in.match(in.required(node, at, "match", ""), at + "/match");
    String when = null;
    if (node.has("when")) {
      when = in.text(node.get("when"), at + "/when");
      if (when.isBlank()) {
        throw in.fail(at + "/when", "when must not be blank; leave it out instead");
      }
      if (when.length() > CelConditions.MAX_CHARS) {
        throw in.fail(
            at + "/when",
            "when has "
                + when.length()
                + " characters; at most "
                + CelConditions.MAX_CHARS
                + " (split the rule)");
      }
    }
    String reason = null;
    if (node.has("reason")) {
      reason = in.text(node.get("reason"), at + "/reason");
      if (reason.isBlank()) {
        throw in.fail(at + "/reason", "reason must not be blank; leave it out instead");
      }
    }
    Escalation escalation = null;
    if (effect == Effect.ESCALATE) {
      escalation = escalation(node, at);
    } else {
      for (String field : ESCALATE_ONLY) {
        if (node.has(field)) {
          throw in.fail(
              at + "/" + field,
              field + " is only allowed on escalate rules; this rule's effect is " + effectName);
        }
      }
    }
    return new Rule(id, effect, match, when, reason, escalation);
  }

  private Condition condition(String when, String at, List<BudgetRule> budgets)
      throws PolicyException {
    // Rules often share a condition; one compiled program serves them all (it is immutable).
    Condition known = compiled.get(when);
    if (known != null) {
      return known;
    }
    try {
      Condition condition = CelConditions.compile(when, budgets);
      compiled.put(when, condition);
      return condition;
    } catch (CelConditions.Invalid e) {
      String position =
          when.lines().count() > 1
              ? "line " + e.line() + ", column " + e.column() + " of the condition"
              : "column " + e.column();
      throw in.fail(Reason.CEL, at, "CEL error at " + position + ": " + e.getMessage());
    }
  }

  private Escalation escalation(JsonNode node, String at) throws PolicyException {
    List<String> approvers = List.of();
    if (node.has("approvers")) {
      JsonNode list = node.get("approvers");
      String listAt = at + "/approvers";
      if (!list.isArray() || list.isEmpty()) {
        throw in.fail(listAt, "approvers must be a non-empty list of groups or subjects");
      }
      List<String> names = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        String name = in.text(list.get(i), listAt + "/" + i);
        if (name.isBlank() || names.contains(name)) {
          throw in.fail(listAt + "/" + i, "approver \"" + name + "\" is blank or listed twice");
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
        throw in.fail(
            at + "/min_approvals",
            "min_approvals must be a whole number from 1 to " + MAX_MIN_APPROVALS + ", got " + n);
      }
      minApprovals = n.intValue();
    }
    Duration ttl = Escalation.DEFAULT_TTL;
    if (node.has("ttl")) {
      String written = in.text(node.get("ttl"), at + "/ttl");
      Matcher m = TTL.matcher(written);
      if (!m.matches()) {
        throw in.fail(
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
}
