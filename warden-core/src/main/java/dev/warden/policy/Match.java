package dev.warden.policy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * When a rule applies. Every part must hold; within a list, one matching glob is enough.
 *
 * @param actions globs over the request's action; never empty
 * @param resources globs over the request's resource; never empty ({@code ["*"]} when the document
 *     leaves it out)
 * @param agents globs over the agent id; empty means any agent
 * @param tenants globs over the tenant; empty means any tenant
 * @param labels request label name to a glob its value must match; a label the request lacks does
 *     not match
 */
public record Match(
    List<Glob> actions,
    List<Glob> resources,
    List<Glob> agents,
    List<Glob> tenants,
    Map<String, Glob> labels) {

  public Match {
    actions = List.copyOf(actions);
    resources = List.copyOf(resources);
    agents = List.copyOf(agents);
    tenants = List.copyOf(tenants);
    labels = Map.copyOf(labels);
    if (actions.isEmpty() || resources.isEmpty()) {
      throw new IllegalArgumentException("a match needs at least one action and resource glob");
    }
  }

  /** True if {@code request} satisfies every part of this match. */
  public boolean matches(PolicyRequest request) {
    if (!any(actions, request.action())
        || !any(resources, request.resource())
        || (!agents.isEmpty() && !any(agents, request.agentId()))
        || (!tenants.isEmpty() && !any(tenants, request.tenant()))) {
      return false;
    }
    for (Map.Entry<String, Glob> label : labels.entrySet()) {
      String value = request.labels().get(label.getKey());
      if (value == null || !label.getValue().matches(value)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The first part of this match that {@code request} fails, in the order action, resource, agents,
   * tenants, labels; null if the match holds.
   */
  PolicyTrace.@Nullable Mismatch mismatch(PolicyRequest request) {
    if (!any(actions, request.action())) {
      return mismatch("action", request.action(), actions);
    }
    if (!any(resources, request.resource())) {
      return mismatch("resource", request.resource(), resources);
    }
    if (!agents.isEmpty() && !any(agents, request.agentId())) {
      return mismatch("agents", request.agentId(), agents);
    }
    if (!tenants.isEmpty() && !any(tenants, request.tenant())) {
      return mismatch("tenants", request.tenant(), tenants);
    }
    for (Map.Entry<String, Glob> label : new TreeMap<>(labels).entrySet()) {
      String value = request.labels().get(label.getKey());
      if (value == null || !label.getValue().matches(value)) {
        return mismatch("labels." + label.getKey(), value, List.of(label.getValue()));
      }
    }
    return null;
  }

  private static PolicyTrace.Mismatch mismatch(
      String part, @Nullable String value, List<Glob> globs) {
    return new PolicyTrace.Mismatch(part, value, globs.stream().map(Glob::pattern).toList());
  }

  private static boolean any(List<Glob> globs, String value) {
    for (int i = 0; i < globs.size(); i++) {
      if (globs.get(i).matches(value)) {
        return true;
      }
    }
    return false;
  }
}
