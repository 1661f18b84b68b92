package dev.warden.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.log.Entries;
import dev.warden.server.operator.OperatorTokens;
import dev.warden.store.ExecutionRecord;
import dev.warden.store.ExecutionState;
import dev.warden.store.ExecutionStore;
import dev.warden.store.StoreException;
import io.javalin.http.Context;

/**
 * {@code GET /v1/executions?state=…} ({@code admin} token): executions of allowed actions by state,
 * oldest first — above all the {@code outcome_unknown} ones a crash left for an operator to check
 * at the upstream.
 */
public final class ExecutionApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_LIST = 1_000;

  private final ExecutionStore executions;
  private final OperatorTokens tokens;

  public ExecutionApi(ExecutionStore executions, OperatorTokens tokens) {
    this.executions = executions;
    this.tokens = tokens;
  }

  /** {@code GET /v1/executions[?state=outcome_unknown|in_flight|succeeded|failed]}. */
  public void list(Context ctx) throws RequestRejected, StoreException {
    tokens.authorize(ctx.header("Authorization"), "admin");
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
      ObjectNode o = a.addObject();
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
    }
    ctx.contentType("application/json").result(out.toString());
  }
}
