package dev.warden.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.budget.Money;
import dev.warden.budget.Window;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the sections of a policy document that SPEC §6 enforces: {@code timezone}, {@code budgets}
 * (spend caps), {@code quotas} (count caps) and {@code limits} (token buckets).
 *
 * <pre>{@code
 * timezone: Europe/Berlin          # IANA zone of calendar windows; default UTC
 * budgets:
 *   - {id: eu-spend, scope: tenant, match: {action: "payments.*"}, window: month,
 *      limit: "500.00", currency: EUR}
 * quotas:
 *   - {id: mails, scope: agent, match: {action: email.send}, window: day, limit: 100}
 * limits:
 *   - {id: burst, scope: agent, capacity: 20, refill: 10/s}
 * }</pre>
 */
final class BudgetSchema {

  /** Largest token bucket capacity and refill count. */
  static final long MAX_TOKENS = 1_000_000_000L;

  private static final Set<String> BUDGET =
      Set.of("id", "scope", "match", "window", "limit", "currency");
  private static final Set<String> QUOTA = Set.of("id", "scope", "match", "window", "limit");
  private static final Set<String> LIMIT = Set.of("id", "scope", "capacity", "refill");
  private static final Pattern REFILL = Pattern.compile("([1-9][0-9]{0,9})/([smh])");

  private final SchemaReader in;

  BudgetSchema(SchemaReader in) {
    this.in = in;
  }

  /** The {@code timezone}: an IANA zone id; UTC when absent. Fixed offsets are refused. */
  ZoneId zone(@Nullable JsonNode node) throws PolicyException {
    in.item(null);
    if (node == null) {
      return ZoneOffset.UTC;
    }
    String name = in.text(node, "/timezone");
    if (ZoneId.getAvailableZoneIds().contains(name)) {
      return ZoneId.of(name);
    }
    try {
      ZoneId.of(name);
    } catch (DateTimeException e) {
      throw in.fail(
          "/timezone",
          "timezone \""
              + SchemaReader.shown(name)
              + "\" is not an IANA time zone; write a region like Europe/Berlin, or UTC");
    }
    throw in.fail(
        "/timezone",
        "timezone \""
            + SchemaReader.shown(name)
            + "\" is a fixed UTC offset, which ignores daylight saving time; write an IANA zone"
            + " like Europe/Berlin, or UTC");
  }

  /** The {@code budgets} and then the {@code quotas}, each in document order. */
  List<BudgetRule> budgets(@Nullable JsonNode budgets, @Nullable JsonNode quotas)
      throws PolicyException {
    List<BudgetRule> all = new ArrayList<>();
    Map<String, String> firstUse = new HashMap<>();
    section(budgets, "budgets", all, firstUse);
    section(quotas, "quotas", all, firstUse);
    in.item(null);
    return all;
  }

  private void section(
      @Nullable JsonNode list, String name, List<BudgetRule> into, Map<String, String> firstUse)
      throws PolicyException {
    if (list == null) {
      return;
    }
    in.item(null);
    in.list(list, "/" + name, name);
    boolean quota = name.equals("quotas");
    for (int i = 0; i < list.size(); i++) {
      String at = "/" + name + "/" + i;
      in.item(null);
      BudgetRule rule = quota ? quota(list.get(i), at) : budget(list.get(i), at);
      String earlier = firstUse.putIfAbsent(rule.id(), at);
      if (earlier != null) {
        throw in.fail(
            at + "/id",
            "duplicate budget or quota id (they share one namespace); first used at "
                + SchemaReader.where(in.lineOf(earlier), earlier));
      }
      into.add(rule);
    }
  }

  private BudgetRule budget(JsonNode node, String at) throws PolicyException {
    in.requireObject(node, at, "a budget", BUDGET);
    String id = in.id(node, at, "budget");
    in.item("budget " + id);
    Scope scope = scope(node, at, false);
    Match match = in.match(in.required(node, at, "match", ""), at + "/match");
    Window window = window(node, at, false);
    Currency currency;
    String code =
        in.text(in.required(node, at, "currency", " (like EUR or USD)"), at + "/currency");
    try {
      currency = Money.currency(code);
    } catch (IllegalArgumentException e) {
      throw in.fail(at + "/currency", e.getMessage());
    }
    JsonNode limitNode = in.required(node, at, "limit", " (a decimal string like \"500.00\")");
    if (!limitNode.isTextual()) {
      throw in.fail(
          at + "/limit",
          "limit must be a decimal string like \"500.00\" (quoted: money is never a float), got "
              + SchemaReader.describe(limitNode));
    }
    long limit;
    try {
      limit = Money.toMinor(limitNode.textValue(), currency);
    } catch (IllegalArgumentException e) {
      throw in.fail(at + "/limit", e.getMessage());
    }
    return new BudgetRule(id, match, scope, window, limit, currency);
  }

  private BudgetRule quota(JsonNode node, String at) throws PolicyException {
    in.requireObject(node, at, "a quota", QUOTA);
    String id = in.id(node, at, "quota");
    in.item("quota " + id);
    Scope scope = scope(node, at, false);
    Match match = in.match(in.required(node, at, "match", ""), at + "/match");
    Window window = window(node, at, true);
    long limit =
        in.integer(
            in.required(node, at, "limit", " (a whole number of actions)"),
            at + "/limit",
            "limit",
            0,
            Long.MAX_VALUE);
    return new BudgetRule(id, match, scope, window, limit, null);
  }

  /** The {@code limits}: token buckets, in document order. */
  List<RateLimitRule> limits(@Nullable JsonNode list) throws PolicyException {
    in.item(null);
    if (list == null) {
      return List.of();
    }
    in.list(list, "/limits", "limits");
    List<RateLimitRule> limits = new ArrayList<>();
    Map<String, String> firstUse = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String at = "/limits/" + i;
      in.item(null);
      JsonNode node = list.get(i);
      in.requireObject(node, at, "a limit", LIMIT);
      String id = in.id(node, at, "limit");
      in.item("limit " + id);
      String earlier = firstUse.putIfAbsent(id, at);
      if (earlier != null) {
        throw in.fail(
            at + "/id",
            "duplicate limit id; first used at " + SchemaReader.where(in.lineOf(earlier), earlier));
      }
      Scope scope = scope(node, at, true);
      long capacity =
          in.integer(
              in.required(node, at, "capacity", " (the burst: a whole number of requests)"),
              at + "/capacity",
              "capacity",
              1,
              MAX_TOKENS);
      String refill =
          in.text(in.required(node, at, "refill", " (like 10/s, 100/m or 1000/h)"), at + "/refill");
      Matcher m = REFILL.matcher(refill);
      if (!m.matches() || Long.parseLong(m.group(1)) > MAX_TOKENS) {
        throw in.fail(
            at + "/refill",
            "refill must be a whole number from 1 to "
                + MAX_TOKENS
                + " of tokens per s, m or h, like 10/s, 100/m or 1000/h; got \""
                + SchemaReader.shown(refill)
                + "\"");
      }
      Duration period =
          switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            default -> Duration.ofHours(1);
          };
      limits.add(new RateLimitRule(id, scope, capacity, Long.parseLong(m.group(1)), period));
    }
    in.item(null);
    return limits;
  }

  private Scope scope(JsonNode node, String at, boolean operator) throws PolicyException {
    String allowed = operator ? "agent, tenant or operator" : "agent or tenant";
    String name = in.text(in.required(node, at, "scope", " (" + allowed + ")"), at + "/scope");
    Scope scope = Scope.fromWireName(name).orElse(null);
    if (scope == null || (scope == Scope.OPERATOR && !operator)) {
      throw in.fail(
          at + "/scope", "scope must be " + allowed + ", got \"" + SchemaReader.shown(name) + "\"");
    }
    return scope;
  }

  private Window window(JsonNode node, String at, boolean quota) throws PolicyException {
    String allowed = quota ? "hour, day or month" : "request, hour, day or month";
    String name = in.text(in.required(node, at, "window", " (" + allowed + ")"), at + "/window");
    Window window = Window.fromWireName(name).orElse(null);
    if (window == null || (window == Window.REQUEST && quota)) {
      throw in.fail(
          at + "/window",
          "window must be "
              + allowed
              + ", got \""
              + SchemaReader.shown(name)
              + "\""
              + (quota && window == Window.REQUEST ? " (a quota counts over a period)" : ""));
    }
    return window;
  }
}
