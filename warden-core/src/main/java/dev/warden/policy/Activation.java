package dev.warden.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.values.NullValue;
import dev.warden.store.StoreException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The values of the condition variables for one request, built on first use and kept for the other
 * conditions of the same decision: the request body is converted to CEL values only if a condition
 * reads {@code request}, and usage is read once per budget, only for the budgets a condition names.
 * Not thread-safe: one per decision.
 */
final class Activation {

  private static final Logger LOG = LoggerFactory.getLogger(Activation.class);

  /** Deepest JSON nesting converted; deeper bodies never pass request validation anyway. */
  static final int MAX_DEPTH = 64;

  private final PolicyRequest request;
  private @Nullable Map<String, Object> requestValue;
  private @Nullable Map<String, Object> agentValue;
  private @Nullable Map<String, Object> tenantValue;
  private final Map<BudgetRule, Long> used = new HashMap<>();

  Activation(PolicyRequest request) {
    this.request = request;
  }

  /**
   * The value of variable {@code name}.
   *
   * @param usage for {@code usage}: the budgets and quotas whose usage to read
   * @throws ConditionFailed if the body is nested too deeply or usage cannot be read
   */
  Object variable(String name, List<BudgetRule> usage) throws ConditionFailed {
    return switch (name) {
      case ConditionScan.REQUEST -> request();
      case ConditionScan.AGENT -> agent();
      case ConditionScan.TENANT -> tenant();
      case ConditionScan.NOW -> request.now();
      case ConditionScan.USAGE -> usage(usage);
      default -> throw new IllegalArgumentException("no variable " + name);
    };
  }

  private Map<String, Object> request() throws ConditionFailed {
    if (requestValue == null) {
      JsonNode body = request.body();
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("action", request.action());
      r.put("resource", request.resource());
      JsonNode params = body.get("params");
      r.put("params", params == null ? Map.of() : json(params, 1));
      JsonNode amount = body.get("amount");
      r.put("amount", amount == null || amount.isNull() ? NullValue.NULL_VALUE : json(amount, 1));
      r.put("labels", request.labels());
      r.put(
          "classification",
          request.classification().<Object>map(c -> c).orElse(NullValue.NULL_VALUE));
      requestValue = Collections.unmodifiableMap(r);
    }
    return requestValue;
  }

  private Map<String, Object> agent() {
    if (agentValue == null) {
      agentValue =
          Map.of(
              "id", request.agentId(), "tenant", request.tenant(), "labels", request.agentLabels());
    }
    return agentValue;
  }

  private Map<String, Object> tenant() {
    if (tenantValue == null) {
      tenantValue = Map.of("id", request.tenant());
    }
    return tenantValue;
  }

  private Map<String, Map<String, Long>> usage(List<BudgetRule> rules) throws ConditionFailed {
    Map<String, Long> budgets = new HashMap<>();
    Map<String, Long> counts = new HashMap<>();
    for (BudgetRule rule : rules) {
      Long value = used.get(rule);
      if (value == null) {
        try {
          value = request.usage().used(rule);
        } catch (StoreException | RuntimeException e) {
          // The store's text stays in the log: a decision's reason may reach the agent.
          LOG.warn("usage of {} {} could not be read", kind(rule), rule.id(), e);
          throw new ConditionFailed(
              "usage of " + kind(rule) + " " + rule.id() + " could not be read", e);
        }
        used.put(rule, value);
      }
      (rule.isQuota() ? counts : budgets).put(rule.id(), value);
    }
    return Map.of("budget", budgets, "count", counts);
  }

  private static String kind(BudgetRule rule) {
    return rule.isQuota() ? "quota" : "budget";
  }

  /**
   * A JSON value as CEL sees it: objects are maps, arrays lists, integers that fit a long ints,
   * other numbers doubles, null CEL's null.
   */
  static Object json(JsonNode node, int depth) throws ConditionFailed {
    if (depth > MAX_DEPTH) {
      throw new ConditionFailed("the request body is nested deeper than " + MAX_DEPTH);
    }
    return switch (node.getNodeType()) {
      case OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> member : node.properties()) {
          map.put(member.getKey(), json(member.getValue(), depth + 1));
        }
        yield Collections.unmodifiableMap(map);
      }
      case ARRAY -> {
        List<Object> list = new ArrayList<>(node.size());
        for (JsonNode element : node) {
          list.add(json(element, depth + 1));
        }
        yield Collections.unmodifiableList(list);
      }
      case STRING -> node.textValue();
      case BOOLEAN -> node.booleanValue();
      case NUMBER ->
          node.isIntegralNumber() && node.canConvertToLong()
              ? (Object) node.longValue()
              : (Object) node.doubleValue();
      default -> NullValue.NULL_VALUE;
    };
  }
}
