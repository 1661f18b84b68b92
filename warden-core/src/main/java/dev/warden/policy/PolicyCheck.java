package dev.warden.policy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.warden.store.AgentRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code warden policy check}: what is wrong, or probably wrong, with a policy document.
 *
 * <p>An error is a document {@link PolicyLoader#load} refuses (syntax, unknown or wrongly typed
 * fields, CEL that does not parse or type-check): one finding, the refusal. Warnings, for a
 * document that loads, are what this class can prove; it stays silent when unsure, so a warning is
 * never a false alarm but a clean report does not prove the policy right:
 *
 * <ul>
 *   <li><b>shadowed</b>: an allow or escalate rule every request of which an unconditional rule
 *       with a stronger effect also matches (deny over escalate and allow, escalate over allow),
 *       anywhere in the document, so the rule can never decide. Glob coverage is proved by simple
 *       cases only ({@code *}, equal globs, {@code p*} over a glob starting with {@code p}, {@code
 *       *s} over a glob ending with {@code s}, a wildcard-free glob by matching it);
 *   <li><b>unreachable</b>: a rule whose condition reads no variable and is false; a rule whose
 *       {@code agents} (or {@code tenants}) globs can match no id the agent registry accepts
 *       ({@link AgentRecord#ID}, {@link AgentRecord#TENANT}); a rule with the same effect, match
 *       and condition as an earlier one (the glob lists compared as sets). A match whose globs are
 *       merely contradictory in other ways is not detected;
 *   <li><b>failing</b>: a condition that reads no variable and always fails to evaluate;
 *   <li><b>unused budget</b>: a budget or quota no allow or escalate rule can match a request of,
 *       so it is never charged.
 * </ul>
 */
public final class PolicyCheck {

  /** How bad a finding is. */
  public enum Severity {
    /** The document is refused; it cannot be activated. */
    ERROR,
    /** The document loads but is probably not what its author meant. */
    WARNING
  }

  /**
   * One problem.
   *
   * @param pointer JSON Pointer of the field or item ({@code ""} for the document)
   * @param line 1-based line in a YAML document; 0 when unknown (JSON documents)
   * @param message what is wrong, without the position
   */
  public record Finding(Severity severity, String pointer, int line, String message) {
    public Finding {
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(pointer, "pointer");
      Objects.requireNonNull(message, "message");
      if (line < 0) {
        throw new IllegalArgumentException("line is 0 (unknown) or more");
      }
    }
  }

  private static final Pattern ID_CHARS = Pattern.compile("[a-z0-9._*?-]*");
  private static final int MAX_ID = 64;

  /** The request constant conditions are evaluated with: they read none of it. */
  private static final PolicyRequest ANY =
      new PolicyRequest(
          "check",
          "check",
          Map.of(),
          "check",
          "check",
          Map.of(),
          Optional.empty(),
          JsonNodeFactory.instance.objectNode(),
          Instant.EPOCH,
          Usage.NONE);

  private final RulePolicy policy;
  private final SchemaReader lines;
  private final List<Finding> findings = new ArrayList<>();

  private PolicyCheck(RulePolicy policy, Map<String, Integer> lines) {
    this.policy = policy;
    this.lines = new SchemaReader(lines);
  }

  /**
   * Checks {@code text}. Never throws for bad input: a refused document is one {@link
   * Severity#ERROR} finding.
   *
   * @return the findings, ordered by line; empty for a clean policy
   */
  public static List<Finding> check(String text) {
    PolicyLoader.Document document;
    RulePolicy policy;
    try {
      document = PolicyLoader.parse(text);
      policy = PolicyLoader.load(text, document);
    } catch (PolicyException e) {
      int line = e.line().orElse(0);
      return List.of(new Finding(Severity.ERROR, e.pointer(), line, bare(e, line)));
    }
    PolicyCheck check = new PolicyCheck(policy, document.lines());
    boolean[] never = check.conditions();
    check.unmatchableIds(never);
    check.duplicates();
    check.shadowed(never);
    check.unusedBudgets(never);
    List<Finding> sorted = new ArrayList<>(check.findings);
    sorted.sort(Comparator.comparingInt(Finding::line));
    return List.copyOf(sorted);
  }

  /** Flags constant conditions; returns which rules can never apply. */
  private boolean[] conditions() {
    List<Rule> rules = policy.rules();
    boolean[] never = new boolean[rules.size()];
    for (int i = 0; i < rules.size(); i++) {
      Condition condition = policy.condition(i);
      if (condition == null || !condition.isConstant()) {
        continue;
      }
      String id = rules.get(i).id();
      try {
        if (!condition.test(new Activation(ANY))) {
          never[i] = true;
          warn(
              "/rules/" + i + "/when",
              "rule " + id + " is unreachable: its condition reads no variable and is false");
        }
      } catch (ConditionFailed e) {
        warn(
            "/rules/" + i + "/when",
            "rule "
                + id
                + "'s condition reads no variable and always fails ("
                + e.getMessage()
                + "): every request the rule matches is denied with "
                + PolicyDecision.EVALUATION_ERROR);
      }
    }
    return never;
  }

  /** Rules whose agents or tenants globs no registered id can match ({@link AgentRecord}). */
  private void unmatchableIds(boolean[] never) {
    List<Rule> rules = policy.rules();
    for (int i = 0; i < rules.size(); i++) {
      Match m = rules.get(i).match();
      String part = null;
      if (!m.agents().isEmpty() && m.agents().stream().noneMatch(g -> canMatchId(g, 2))) {
        part = "agents";
      } else if (!m.tenants().isEmpty() && m.tenants().stream().noneMatch(g -> canMatchId(g, 1))) {
        part = "tenants";
      }
      if (part != null) {
        never[i] = true;
        warn(
            "/rules/" + i + "/match/" + part,
            "rule "
                + rules.get(i).id()
                + " is unreachable: no "
                + (part.equals("agents") ? "agent id" : "tenant")
                + " can match its "
                + part
                + " globs (ids are "
                + (part.equals("agents") ? 2 : 1)
                + " to 64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit)");
      }
    }
  }

  /**
   * False only if no id of the agent or tenant syntax ({@code ^[a-z0-9][a-z0-9._-]{min-1,63}$}) can
   * match {@code glob}.
   */
  private static boolean canMatchId(Glob glob, int minLength) {
    String p = glob.pattern();
    if (!ID_CHARS.matcher(p).matches()) {
      return false; // a literal character no id has
    }
    char first = p.charAt(0);
    if (first == '.' || first == '_' || first == '-') {
      return false;
    }
    int fixed = p.replace("*", "").length(); // every character but * takes one id character
    return fixed <= MAX_ID && (p.contains("*") || fixed >= minLength);
  }

  private void duplicates() {
    record Key(
        Effect effect,
        Set<Glob> actions,
        Set<Glob> resources,
        Set<Glob> agents,
        Set<Glob> tenants,
        Map<String, Glob> labels,
        @Nullable String when) {}
    Map<Key, Integer> first = new HashMap<>();
    List<Rule> rules = policy.rules();
    for (int i = 0; i < rules.size(); i++) {
      Rule rule = rules.get(i);
      Match m = rule.match();
      Key key =
          new Key(
              rule.effect(),
              new HashSet<>(m.actions()),
              new HashSet<>(m.resources()),
              new HashSet<>(m.agents()),
              new HashSet<>(m.tenants()),
              m.labels(),
              rule.when() == null ? null : rule.when().strip());
      Integer earlier = first.putIfAbsent(key, i);
      if (earlier != null) {
        warn(
            "/rules/" + i,
            "rule "
                + rule.id()
                + " is unreachable as a reason: it repeats rule "
                + rules.get(earlier).id()
                + at("/rules/" + earlier)
                + " (same effect, match and condition)");
      }
    }
  }

  /**
   * Allow and escalate rules that an unconditional stronger rule always overrides. Candidates are
   * found through the action index idea: a glob covers another only if its literal prefix is a
   * prefix of the other's, so each rule looks up the prefixes of its first action glob.
   */
  private void shadowed(boolean[] never) {
    List<Rule> rules = policy.rules();
    Map<String, List<Integer>> strongByPrefix = new HashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      Rule s = rules.get(i);
      if (s.effect() != Effect.ALLOW && !never[i] && unconditional(i)) {
        for (Glob g : s.match().actions()) {
          List<Integer> list =
              strongByPrefix.computeIfAbsent(g.literalPrefix(), k -> new ArrayList<>());
          if (list.isEmpty() || list.get(list.size() - 1) != i) {
            list.add(i);
          }
        }
      }
    }
    for (int i = 0; i < rules.size(); i++) {
      Rule r = rules.get(i);
      if (r.effect() == Effect.DENY || never[i]) {
        continue;
      }
      String prefix = r.match().actions().get(0).literalPrefix();
      Integer shadow = null;
      for (int length = 0; length <= prefix.length() && shadow == null; length++) {
        for (int s : strongByPrefix.getOrDefault(prefix.substring(0, length), List.of())) {
          Rule strong = rules.get(s);
          if (s != i
              && strong.effect().overrides(r.effect())
              && MatchCoverage.covers(strong.match(), r.match())
              && (shadow == null || s < shadow)) {
            shadow = s;
          }
        }
      }
      if (shadow != null) {
        Rule strong = rules.get(shadow);
        warn(
            "/rules/" + i,
            "rule "
                + r.id()
                + " ("
                + r.effect().wireName()
                + ") is shadowed: "
                + strong.effect().wireName()
                + " rule "
                + strong.id()
                + at("/rules/" + shadow)
                + " has no condition and matches every request it matches, and "
                + strong.effect().wireName()
                + " overrides "
                + r.effect().wireName());
      }
    }
  }

  /** True if the rule at {@code i} has no condition, or one that reads nothing and is true. */
  private boolean unconditional(int i) {
    Condition condition = policy.condition(i);
    if (condition == null) {
      return true;
    }
    try {
      return condition.isConstant() && condition.test(new Activation(ANY));
    } catch (ConditionFailed e) {
      return false;
    }
  }

  private void unusedBudgets(boolean[] never) {
    List<Rule> rules = policy.rules();
    List<BudgetRule> budgets = policy.budgets();
    long moneyBudgets = budgets.stream().filter(b -> !b.isQuota()).count();
    for (int k = 0; k < budgets.size(); k++) {
      BudgetRule budget = budgets.get(k);
      boolean reachable = false;
      for (int i = 0; i < rules.size() && !reachable; i++) {
        Rule r = rules.get(i);
        reachable =
            r.effect() != Effect.DENY
                && !never[i]
                && !MatchCoverage.disjoint(r.match(), budget.match());
      }
      if (!reachable) {
        String pointer = budget.isQuota() ? "/quotas/" + (k - moneyBudgets) : "/budgets/" + k;
        warn(
            pointer,
            (budget.isQuota() ? "quota " : "budget ")
                + budget.id()
                + " is never charged: no allow or escalate rule can match a request its match"
                + " selects");
      }
    }
  }

  private void warn(String pointer, String message) {
    findings.add(new Finding(Severity.WARNING, pointer, lines.lineOf(pointer), message));
  }

  /** " (line 7)" for a YAML document, "" otherwise. */
  private String at(String pointer) {
    int line = lines.lineOf(pointer);
    return line > 0 ? " (line " + line + ")" : "";
  }

  /** A refusal's message without the "line N, /pointer" it starts with. */
  private static String bare(PolicyException e, int line) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    String prefix = SchemaReader.where(line, e.pointer());
    if (!message.startsWith(prefix)) {
      return message;
    }
    String rest = message.substring(prefix.length());
    if (rest.startsWith(": ")) {
      return rest.substring(2);
    }
    if (rest.startsWith(" (")) {
      int close = rest.indexOf("): ");
      if (close > 0) {
        return rest.substring(2, close) + ": " + rest.substring(close + 3);
      }
    }
    return message;
  }
}
