package dev.warden.server.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * The allowed action an adapter executes: what its templates may refer to.
 *
 * @param decisionId the decision's id, as logged
 * @param agent the authenticated agent's id
 * @param tenant the agent's tenant
 * @param action the action name, like {@code payments.transfer}
 * @param resource the resource the action is on; may be empty
 * @param params the request's params, a JSON object (copied; the copy is never modified)
 */
public record ActionContext(
    String decisionId,
    String agent,
    String tenant,
    String action,
    String resource,
    JsonNode params) {

  public ActionContext {
    Objects.requireNonNull(decisionId, "decisionId");
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(params, "params");
    if (!params.isObject()) {
      throw new IllegalArgumentException(
          "params must be a JSON object (an empty one when the request has none), got "
              + params.getNodeType());
    }
    params = params.deepCopy();
  }
}
