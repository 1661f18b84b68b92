package dev.warden.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.log.Entries;
import dev.warden.pipeline.ExecutionResolutions;
import dev.warden.server.operator.OperatorTokens;
import dev.warden.store.ExecutionRecord;
import dev.warden.store.ExecutionState;
import dev.warden.store.ExecutionStore;
import dev.warden.store.StoreException;
import io.javalin.http.Context;

/**
 * {@code GET /v1/executions?state=…} ({@code admin} token): executions of allowed actions by state,
 * oldest first — above all the {@code outcome_unknown} ones a crash left for an operator to check
 * at the upstream; and {@code POST /v1/executions/{id}/resolve}, the operator's verdict on one.
 */
public final class ExecutionApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_LIST = 1_000;

  private static final int MAX_REASON = 1_000;

  private final ExecutionStore executions;
  private final ExecutionResolutions resolutions;
  private final OperatorTokens tokens;

  public ExecutionApi(
      ExecutionStore executions, ExecutionResolutions resolutions, OperatorTokens tokens) {
    this.executions = executions;
    this.resolutions = resolutions;
    this.tokens = tokens;
  }

  /**
   * {@code POST /v1/executions/{id}/resolve} with {@code {"outcome": "succeeded"|"failed",
   * "reason": "…"}}: resolves an {@code outcome_unknown} execution (logged with the operator and
   * the reason); answers the execution.
   */
  public void resolve(Context ctx) throws RequestRejected, StoreException {
    String operator = OperatorAuth.authorize(tokens, ctx, "admin").subject();
    JsonNode body =
        JsonBodies.object(
            ctx.bodyAsBytes(),
            new RequestRejected(
                ErrorCode.REQUEST_INVALID,
                "send {\"outcome\": \"succeeded\" or \"failed\", \"reason\": \"…\"}"));
    JsonBodies.only(body, "", "outcome", "reason");
    String wire = body.path("outcome").textValue();
    ExecutionState outcome =
        "succeeded".equals(wire)
            ? ExecutionState.SUCCEEDED
            : "failed".equals(wire) ? ExecutionState.FAILED : null;
    if (outcome == null) {
      throw RequestRejected.atPointer(
          ErrorCode.REQUEST_INVALID, "/outcome", "succeeded or failed, as checked at the upstream");
    }
    String reason = body.path("reason").textValue();
    if (reason == null || reason.isBlank() || reason.length() > MAX_REASON) {
      throw RequestRejected.atPointer(
          ErrorCode.REQUEST_INVALID,
          "/reason",
          "1 to " + MAX_REASON + " characters saying what was checked; it is logged");
    }
    ExecutionRecord r = resolutions.resolve(ctx.pathParam("id"), outcome, operator, reason);
    ctx.contentType("application/json").result(render(r).toString());
  }

  /** {@code GET /v1/executions[?state=outcome_unknown|in_flight|succeeded|failed]}. */
  public void list(Context ctx) throws RequestRejected, StoreException {
    OperatorAuth.authorize(tokens, ctx, "admin");
    String wire = ctx.queryParam("state");
    ExecutionState state;
    try {
      state = wire == null ? ExecutionState.OUTCOME_UNKNOWN : ExecutionState.fromWire(wire);
    } catch (IllegalArgumentException e) {
      throw new RequestRejected(
          ErrorCode.REQUEST_INVALID,
          "state must be outcome_unknown, in_flight, succeeded or failed");
    }
    ObjectNode out = JSON.createObjectNode();
    ArrayNode a = out.putArray("executions");
    for (ExecutionRecord r : executions.list(state, MAX_LIST)) {
      a.add(render(r));
    }
    ctx.contentType("application/json").result(out.toString());
  }

  private static ObjectNode render(ExecutionRecord r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("decision_id", r.decisionId());
    o.put("agent", r.agentId());
    o.put("adapter", r.adapter());
    o.put("state", r.state().wire());
    o.put("started_index", r.startedIndex());
    if (r.finishedIndex() != null) {
      o.put("finished_index", r.finishedIndex());
    }
    if (r.finishedAt() != null) {
      o.put("finished_at", Entries.format(r.finishedAt()));
    }
    return o;
  }
}
