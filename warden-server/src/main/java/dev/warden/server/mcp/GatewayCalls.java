package dev.warden.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.approval.Approvals;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.pipeline.ActionResponse;
import dev.warden.pipeline.ActionResult;
import dev.warden.pipeline.DecisionPipeline;
import dev.warden.pipeline.DecisionResponse;
import dev.warden.pipeline.ExecutionView;
import dev.warden.policy.Policy;
import dev.warden.policy.PolicyRequest;
import dev.warden.policy.Usage;
import dev.warden.server.operator.AgentTokens;
import dev.warden.store.ApprovalRecord;
import dev.warden.store.ApprovalState;
import dev.warden.store.StoreException;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an agent's MCP request into a Warden action and its outcome back into MCP (SPEC §10): the
 * request goes through {@link DecisionPipeline#call} (limits, policy, budgets, the log, receipts,
 * the upstream); an allowed call answers the upstream's result with the decision and its receipt in
 * {@code _meta["dev.warden/decision"]}; a refusal is a JSON-RPC error carrying the code and the
 * decision id; an escalation holds the call until it is approved and run, rejected, or the
 * gateway's hold time runs out. Thread-safe.
 */
final class GatewayCalls {
  private static final Logger log = LoggerFactory.getLogger(GatewayCalls.class);

  /** The transport-context key of the authenticated {@link AgentTokens.Caller}. */
  static final String CALLER = "dev.warden.caller";

  /** The {@code _meta} key of the decision document (with its receipt). */
  static final String META_DECISION = "dev.warden/decision";

  /** JSON-RPC error codes (the server-error range). */
  static final int REFUSED = -32001;

  static final int NOT_APPROVED = -32002;
  static final int UPSTREAM_FAILED = -32003;
  static final int INVALID_PARAMS = -32602;
  static final int INTERNAL = -32603;

  /** How long past the hold an approval that expires then takes to be expired and seen. */
  private static final Duration EXPIRY_SLACK = Duration.ofSeconds(3);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final DecisionPipeline pipeline;
  private final McpActions actions;
  private final Approvals approvals;
  private final Supplier<Policy> policy;
  private final Clock clock;

  GatewayCalls(
      DecisionPipeline pipeline,
      McpActions actions,
      Approvals approvals,
      Supplier<Policy> policy,
      Clock clock) {
    this.pipeline = pipeline;
    this.actions = actions;
    this.approvals = approvals;
    this.policy = policy;
    this.clock = clock;
  }

  static AgentTokens.Caller caller(McpTransportContext ctx) {
    Object c = ctx.get(CALLER);
    if (c instanceof AgentTokens.Caller caller) {
      return caller;
    }
    // The servlet authenticates every request before the SDK sees it.
    throw new IllegalStateException("an MCP request without an authenticated caller");
  }

  /** Whether the policy could ever let the caller do {@code action} on {@code resource}. */
  boolean mayPermit(McpTransportContext ctx, String gateway, String action, String resource) {
    AgentTokens.Caller c = caller(ctx);
    ObjectNode body = request(gateway, action, resource, Map.of());
    return policy
        .get()
        .mayPermit(
            new PolicyRequest(
                c.agent().id(),
                c.agent().tenant(),
                c.agent().labels(),
                action,
                resource,
                Map.of("gateway", gateway),
                Optional.empty(),
                body,
                clock.instant(),
                Usage.NONE));
  }

  McpSchema.CallToolResult tool(
      McpTransportContext ctx,
      McpConfig.Gateway g,
      Exposure.Target<McpSchema.Tool> t,
      @Nullable Map<String, Object> args) {
    return run(ctx, g, McpActions.TOOL_CALL, t.resource(), args, McpSchema.CallToolResult.class);
  }

  McpSchema.ReadResourceResult read(
      McpTransportContext ctx, McpConfig.Gateway g, String server, String uri) {
    return run(
        ctx,
        g,
        McpActions.RESOURCE_READ,
        server + "/" + uri,
        Map.of(),
        McpSchema.ReadResourceResult.class);
  }

  McpSchema.GetPromptResult prompt(
      McpTransportContext ctx,
      McpConfig.Gateway g,
      Exposure.Target<McpSchema.Prompt> p,
      @Nullable Map<String, Object> args) {
    return run(ctx, g, McpActions.PROMPT_GET, p.resource(), args, McpSchema.GetPromptResult.class);
  }

  private <T> T run(
      McpTransportContext ctx,
      McpConfig.Gateway g,
      String action,
      String resource,
      @Nullable Map<String, Object> params,
      Class<T> type) {
    AgentTokens.Caller c = caller(ctx);
    ObjectNode req = request(g.id(), action, resource, params == null ? Map.of() : params);
    ActionResponse r;
    try {
      r = pipeline.call(c.agent(), c.tokenId(), req, g.hold());
    } catch (RequestRejected e) {
      throw refused(e);
    } catch (dev.warden.crypto.Ed25519Signer.Unavailable e) {
      // The receipt key cannot sign (its token is gone): refused, never signed by another key.
      log.error("MCP {}: {}", action, e.getMessage());
      throw refused(
          new RequestRejected(
              ErrorCode.SIGNER_UNAVAILABLE, "a signing key cannot be used; no receipt was issued"));
    }
    if (r instanceof ActionResponse.Executed e) {
      return answer(e.decision().decisionId(), e.decision().body(), Ran.of(e.execution()), type);
    }
    if (r instanceof ActionResponse.Denied d) {
      throw denied(d.decision());
    }
    DecisionResponse d = r.decision();
    if (d.status() != 202) {
      log.error("MCP {} decided {} without running", action, d.decisionId());
      throw error(INTERNAL, "the call was decided but not run", data(null, d.decisionId()));
    }
    return awaitApproval(d, g.hold(), type);
  }

  /** Holds an escalated call until its approval is resolved (and the call run) or expires. */
  private <T> T awaitApproval(DecisionResponse pending, Duration hold, Class<T> type) {
    String id = pending.decisionId();
    CompletableFuture<ActionResult> ran = actions.expect(id);
    try {
      // Returns once the approval is resolved and, when approved, the call has run.
      approvals.await(id, hold.plus(EXPIRY_SLACK));
      ApprovalRecord a = approvals.find(id);
      if (a.state() == ApprovalState.APPROVED) {
        ActionResult result = ran.getNow(null);
        if (result == null) {
          // Approved on another replica, which ran the call and handed its result over.
          result = actions.handedOff(id);
        }
        if (result == null) {
          // The handoff failed or expired: the log has the outcome, not the result (no bodies).
          throw error(
              UPSTREAM_FAILED,
              "approval "
                  + id
                  + " was granted and the call run, but its result did not reach this replica;"
                  + " the decision in data shows the outcome",
              withDecision(data(ErrorCode.ADAPTER_FAILED, id), pipeline.decision(id).body()));
        }
        return answer(id, pipeline.decision(id).body(), Ran.of(result), type);
      }
      ObjectNode data = data(ErrorCode.APPROVAL_EXPIRED, id);
      data.put("approval_id", id);
      data.put("state", a.state().wire());
      if (a.state() == ApprovalState.PENDING || a.state() == ApprovalState.EXPIRED) {
        throw error(
            NOT_APPROVED,
            "the call needs approval " + id + " and nobody approved it within " + hold,
            data);
      }
      data.put("code", ErrorCode.POLICY_DENIED.code());
      throw error(NOT_APPROVED, "approval " + id + " was " + a.state().wire(), data);
    } catch (RequestRejected e) {
      throw refused(e);
    } catch (StoreException e) {
      throw refused(
          new RequestRejected(ErrorCode.STORE_UNAVAILABLE, "the store is unavailable")
              .withDecisionId(id));
    } finally {
      actions.forget(id);
    }
  }

  /** What the upstream call gave: a status and body, or why there is none. */
  private record Ran(
      @Nullable Integer status,
      byte @Nullable [] body,
      @Nullable String reason,
      @Nullable String detail) {
    static Ran of(ExecutionView v) {
      return new Ran(v.status(), v.body(), v.reason(), v.detail());
    }

    static Ran of(ActionResult r) {
      if (r instanceof ActionResult.Completed c) {
        return new Ran(c.status(), c.body(), null, null);
      }
      ActionResult.Failed f = (ActionResult.Failed) r;
      return new Ran(null, null, f.reason(), f.detail());
    }
  }

  /** The upstream's answer (with the decision in {@code _meta}) or the error of its failure. */
  private <T> T answer(String decisionId, byte[] decision, Ran run, Class<T> type) {
    byte[] body = run.body();
    Integer status = run.status();
    if (body == null || status == null) {
      ObjectNode data = data(ErrorCode.ADAPTER_FAILED, decisionId);
      data.put("reason", run.reason());
      throw error(
          UPSTREAM_FAILED,
          run.detail() != null ? run.detail() : "the MCP server did not answer",
          data);
    }
    try {
      JsonNode answered = JSON.readTree(body);
      if (status == 400) {
        // The upstream's own JSON-RPC error, passed on with the decision id.
        ObjectNode data = data(ErrorCode.ADAPTER_FAILED, decisionId);
        data.set("upstream", answered.path("data"));
        throw error(answered.path("code").asInt(INTERNAL), answered.path("message").asText(), data);
      }
      ObjectNode result = (ObjectNode) answered;
      ObjectNode meta = result.get("_meta") instanceof ObjectNode m ? m : result.putObject("_meta");
      meta.set(META_DECISION, JSON.readTree(decision));
      return JSON.treeToValue(result, type);
    } catch (IOException | ClassCastException e) {
      log.warn("MCP result of {} cannot be read: {}", decisionId, e.toString());
      throw error(
          UPSTREAM_FAILED,
          "the MCP server's answer could not be read",
          data(ErrorCode.ADAPTER_FAILED, decisionId));
    }
  }

  private static ObjectNode withDecision(ObjectNode data, byte[] decision) {
    try {
      data.set(META_DECISION, JSON.readTree(decision));
    } catch (IOException e) {
      log.warn("a logged decision cannot be read: {}", e.toString());
    }
    return data;
  }

  private static McpError denied(DecisionResponse d) {
    JsonNode doc;
    try {
      doc = JSON.readTree(d.body());
    } catch (IOException e) {
      doc = JSON.createObjectNode();
    }
    ObjectNode data = data(ErrorCode.POLICY_DENIED, d.decisionId());
    data.set("reasons", doc.path("reasons"));
    data.set("decision", doc);
    String why = doc.path("reasons").path(0).path("message").asText("denied by policy");
    return error(REFUSED, "denied by policy: " + why, data);
  }

  /** A refusal as the JSON-RPC error the agent sees. */
  static McpError refused(RequestRejected e) {
    ObjectNode data = data(e.code(), e.decisionId().orElse(null));
    data.put("status", e.code().status());
    data.put("detail", e.detail());
    return error(REFUSED, e.code().title() + ": " + e.detail(), data);
  }

  static ObjectNode data(@Nullable ErrorCode code, @Nullable String decisionId) {
    ObjectNode data = JSON.createObjectNode();
    if (code != null) {
      data.put("code", code.code());
    }
    if (decisionId != null) {
      data.put("decision_id", decisionId);
    }
    return data;
  }

  static McpError error(int code, String message, ObjectNode data) {
    return McpError.builder(code).message(message).data(JSON.convertValue(data, Map.class)).build();
  }

  private static ObjectNode request(
      String gateway, String action, String resource, Map<String, Object> params) {
    ObjectNode req = JSON.createObjectNode();
    req.put("action", action);
    req.put("resource", resource);
    req.set("params", JSON.valueToTree(new LinkedHashMap<>(params)));
    req.putObject("labels").put("gateway", gateway);
    return req;
  }
}
