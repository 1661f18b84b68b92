package dev.warden.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.approval.Approvals;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.server.operator.OperatorTokens;
import dev.warden.store.ApprovalRecord;
import dev.warden.store.ApprovalRequest;
import dev.warden.store.ApprovalState;
import dev.warden.store.StoreException;
import io.javalin.http.Context;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The approval API (SPEC §8, §16): list and read approvals, approve, reject, re-evaluate. Every
 * call needs an operator token with the {@code approver} scope; each step is logged by {@link
 * Approvals} before it takes effect.
 */
public final class ApprovalApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_LIST = 1_000;
  private static final int MAX_REASON = 1_000;

  private final Approvals approvals;
  private final OperatorTokens tokens;

  public ApprovalApi(Approvals approvals, OperatorTokens tokens) {
    this.approvals = approvals;
    this.tokens = tokens;
  }

  /** {@code GET /v1/approvals[?status=pending|approved|rejected|expired]}, oldest first. */
  public void list(Context ctx) throws RequestRejected, StoreException {
    operator(ctx);
    String status = ctx.queryParam("status");
    ApprovalState state;
    try {
      state = status == null ? ApprovalState.PENDING : ApprovalState.fromWire(status);
    } catch (IllegalArgumentException e) {
      throw new RequestRejected(
          ErrorCode.REQUEST_INVALID, "status must be pending, approved, rejected or expired");
    }
    ObjectNode out = JSON.createObjectNode();
    ArrayNode a = out.putArray("approvals");
    for (ApprovalRecord r : approvals.list(state, MAX_LIST)) {
      a.add(render(r));
    }
    ctx.contentType("application/json").result(out.toString());
  }

  /** {@code GET /v1/approvals/{id}}: one approval, with the request it is about. */
  public void get(Context ctx) throws RequestRejected, StoreException {
    operator(ctx);
    respond(ctx, approvals.find(ctx.pathParam("id")));
  }

  /** {@code POST /v1/approvals/{id}/approve} with an optional {@code {"reason": "…"}}. */
  public void approve(Context ctx) throws RequestRejected, StoreException {
    String op = operator(ctx);
    respond(ctx, approvals.approve(ctx.pathParam("id"), op, reason(ctx, false)));
  }

  /** {@code POST /v1/approvals/{id}/reject} with {@code {"reason": "…"}} (required). */
  public void reject(Context ctx) throws RequestRejected, StoreException {
    String op = operator(ctx);
    String reason = reason(ctx, true);
    respond(ctx, approvals.reject(ctx.pathParam("id"), op, reason == null ? "" : reason));
  }

  /** {@code POST /v1/approvals/{id}/reevaluate}: decide it again under the active policy. */
  public void reevaluate(Context ctx) throws RequestRejected, StoreException {
    String op = operator(ctx);
    respond(ctx, approvals.reevaluate(ctx.pathParam("id"), op));
  }

  private String operator(Context ctx) throws RequestRejected, StoreException {
    return OperatorAuth.authorize(tokens, ctx, "approver").subject();
  }

  private static @Nullable String reason(Context ctx, boolean required) throws RequestRejected {
    byte[] raw = ctx.bodyAsBytes();
    JsonNode body =
        raw.length == 0
            ? JSON.createObjectNode()
            : JsonBodies.object(
                raw, new RequestRejected(ErrorCode.REQUEST_INVALID, "send {\"reason\": \"…\"}"));
    JsonBodies.only(body, "", "reason");
    JsonNode reason = body.get("reason");
    if (reason == null || reason.isNull()) {
      if (required) {
        throw RequestRejected.atPointer(
            ErrorCode.REQUEST_INVALID, "/reason", "a rejection needs a reason, which is logged");
      }
      return null;
    }
    if (!reason.isTextual() || reason.asText().isBlank() || reason.asText().length() > MAX_REASON) {
      throw RequestRejected.atPointer(
          ErrorCode.REQUEST_INVALID, "/reason", "1 to " + MAX_REASON + " characters of text");
    }
    return reason.asText();
  }

  private static void respond(Context ctx, ApprovalRecord r) {
    ctx.contentType("application/json").result(render(r).toString());
  }

  static ObjectNode render(ApprovalRecord a) {
    ApprovalRequest r = a.request();
    ObjectNode o = JSON.createObjectNode();
    o.put("decision_id", r.decisionId());
    o.put("state", a.state().wire());
    o.put("agent", r.agentId());
    o.put("tenant", r.tenant());
    o.put("action", r.action());
    o.put("resource", r.resource());
    o.put("request_digest", r.requestDigest());
    o.put("policy_hash", r.policyHash());
    try {
      o.set("request", JSON.readTree(r.request()));
    } catch (IOException e) {
      throw new IllegalStateException("a stored approval request is not JSON", e);
    }
    r.approvers().forEach(o.putArray("approvers")::add);
    o.put("min_approvals", r.minApprovals());
    a.approvedBy().forEach(o.putArray("approved_by")::add);
    o.put("expires_at", r.expiresAt().toString());
    o.put("opened_index", a.openedIndex());
    if (a.resolvedIndex() != null) {
      o.put("resolved_index", a.resolvedIndex());
    }
    return o;
  }
}
