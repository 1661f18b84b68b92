package dev.warden.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Runs allowed actions through the configured adapters (SPEC §9). Implemented by the server, so the
 * pipeline does not depend on how an adapter calls its upstream. Thread-safe.
 */
public interface ActionRunner {

  /** Runs nothing: every action is decision-only. */
  ActionRunner NONE =
      new ActionRunner() {
        @Override
        public @Nullable String adapterFor(String action) {
          return null;
        }

        @Override
        public ActionResult run(String adapter, Call call) {
          throw new IllegalStateException("no adapter " + adapter);
        }
      };

  /**
   * The id of the adapter that executes {@code action}, or null when it is decision-only (no
   * adapter serves it, or a {@code none} adapter does): then the receipt is the warrant.
   */
  @Nullable String adapterFor(String action);

  /**
   * Executes {@code call} with adapter {@code adapter}, once. Never throws for an upstream's fault:
   * that is an {@link ActionResult.Failed}. The result never contains a secret Warden injected.
   */
  ActionResult run(String adapter, Call call);

  /**
   * The allowed action to execute.
   *
   * @param params the request's params, a JSON object (an empty one when it has none)
   */
  record Call(
      String decisionId,
      String agent,
      String tenant,
      String action,
      String resource,
      JsonNode params) {
    public Call {
      Objects.requireNonNull(decisionId, "decisionId");
      Objects.requireNonNull(agent, "agent");
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(resource, "resource");
      Objects.requireNonNull(params, "params");
    }
  }
}
