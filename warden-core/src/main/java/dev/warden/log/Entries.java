package dev.warden.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.crypto.HmacKey;
import dev.warden.json.Canonical;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Builds log entries: RFC 8785 canonical JSON objects with the common fields of SPEC §12 ({@code
 * v}, {@code kind}, {@code ts}, …). LOG-FORMAT.md documents every field; change both together.
 */
public final class Entries {
  /** Version of the entry format. */
  public static final int VERSION = 1;

  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private volatile HmacKey paramsKey;
  private final ParamsMode paramsMode;

  public Entries(HmacKey paramsKey, ParamsMode paramsMode) {
    this.paramsKey = paramsKey;
    this.paramsMode = paramsMode;
  }

  /**
   * Keys the HMAC of every entry built from now on with {@code key} (after a key rotation); each
   * entry names its key in {@code params_key}.
   */
  public void activateParamsKey(HmacKey key) {
    this.paramsKey = key;
  }

  /** The id ({@link HmacKey#id}) of the key params are HMAC-ed with now. */
  public String paramsKeyId() {
    return paramsKey.id();
  }

  /**
   * A change to Warden's own keys (SPEC §14): {@code op} {@code rotate} or {@code revoke}, {@code
   * which} key ({@code checkpoint}, {@code receipt}, {@code hmac}), by {@code operator}, with
   * {@code details} (public key ids and times, never key material).
   */
  public byte[] key(
      Instant ts, String operator, String op, String which, Map<String, String> details) {
    ObjectNode e = common(EntryKind.KEY, ts);
    e.put("operator", operator);
    e.put("op", op);
    e.put("which", which);
    ObjectNode d = e.putObject("details");
    details.forEach(d::put);
    return Canonical.bytes(e);
  }

  /** One reason of a decision or refusal. {@code rule} is absent for refusals. */
  public record Reason(@Nullable String rule, String code, String message) {}

  /**
   * How an escalated decision may be approved: by {@code minApprovals} distinct operators among
   * {@code approvers} (any approver when empty), before {@code expires}.
   */
  public record ApprovalTerms(List<String> approvers, int minApprovals, Instant expires) {}

  /** A rule whose match and condition held for a decision, whether or not its effect won. */
  public record Matched(String rule, String effect) {}

  /** The facts of an authenticated, valid action request that every entry about it records. */
  public record Subject(
      String decisionId,
      String agent,
      String tenant,
      String keyId,
      String action,
      String resource,
      String requestDigest,
      JsonNode request) {}

  /**
   * A policy decision: {@code decision} is {@code allow}, {@code deny} or {@code pending}; {@code
   * expires}, for an allow, ends its receipt's validity as a warrant. The entry as a tree: the
   * pipeline logs its canonical bytes ({@code Canonical.bytes}) and renders the answer and the
   * receipt from the tree without parsing the bytes back.
   */
  public ObjectNode decision(
      Instant ts,
      Subject s,
      String decision,
      List<Reason> reasons,
      List<Matched> matched,
      String policyHash,
      @Nullable Instant expires,
      @Nullable ApprovalTerms approval) {
    ObjectNode e = about(EntryKind.DECISION, ts, s);
    request(e, s);
    e.put("decision", decision);
    if (expires != null) {
      e.put("expires", format(expires));
    }
    if (approval != null) {
      ObjectNode a = e.putObject("approval");
      approval.approvers().forEach(a.putArray("approvers")::add);
      a.put("min_approvals", approval.minApprovals());
      a.put("expires", format(approval.expires()));
    }
    e.set("reasons", reasons(reasons));
    ArrayNode m = e.putArray("matched");
    for (Matched r : matched) {
      m.addObject().put("rule", r.rule()).put("effect", r.effect());
    }
    e.put("policy_hash", policyHash);
    return e;
  }

  /**
   * A refusal of an authenticated agent (replay, limits, invalid body): logged individually. {@code
   * s} may lack action and resource when the body could not be read.
   */
  public byte[] refusal(
      Instant ts,
      String decisionId,
      String agent,
      String tenant,
      @Nullable String requestDigest,
      Reason reason) {
    ObjectNode e = common(EntryKind.REFUSAL, ts);
    e.put("decision_id", decisionId);
    e.put("agent", agent);
    e.put("tenant", tenant);
    if (requestDigest != null) {
      e.put("request_digest", requestDigest);
    }
    e.put("decision", "deny");
    e.set("reasons", reasons(List.of(reason)));
    return Canonical.bytes(e);
  }

  /** Refusals before authentication, counted per reason and source over a window. */
  public byte[] refusalSummary(
      Instant windowStart, Instant windowEnd, String code, String source, long count) {
    ObjectNode e = common(EntryKind.REFUSAL_SUMMARY, windowEnd);
    e.put("code", code);
    e.put("source", source);
    e.put("count", count);
    e.put("window_start", format(windowStart));
    e.put("window_end", format(windowEnd));
    return Canonical.bytes(e);
  }

  /** An operator's action ({@code op} like {@code agent.create}) on {@code target}. */
  public byte[] admin(
      Instant ts, String operator, String op, String target, Map<String, String> details) {
    ObjectNode e = common(EntryKind.ADMIN, ts);
    e.put("operator", operator);
    e.put("op", op);
    e.put("target", target);
    ObjectNode d = e.putObject("details");
    details.forEach(d::put);
    return Canonical.bytes(e);
  }

  /**
   * A step of an escalated decision's approval (SPEC §8): an operator's approval or rejection, the
   * expiry, or a re-evaluation under a new policy. {@code decision} is the state after the step:
   * {@code pending}, {@code approved}, {@code rejected} or {@code expired}.
   *
   * @param operator the operator's subject, or {@code warden} for an expiry
   * @param step {@code approve}, {@code reject}, {@code expire} or {@code reevaluate}
   */
  public byte[] approval(
      Instant ts,
      Subject s,
      String operator,
      String step,
      String decision,
      List<Reason> reasons,
      List<String> approvedBy,
      int minApprovals,
      String policyHash) {
    ObjectNode e = about(EntryKind.APPROVAL, ts, s);
    e.put("operator", operator);
    e.put("step", step);
    e.put("decision", decision);
    e.set("reasons", reasons(reasons));
    approvedBy.forEach(e.putArray("approved_by")::add);
    e.put("min_approvals", minApprovals);
    e.put("policy_hash", policyHash);
    return Canonical.bytes(e);
  }

  /**
   * What an adapter did with an allowed action (SPEC §9): never a secret, never the response body.
   *
   * @param outcome {@code succeeded}, {@code failed} or {@code outcome_unknown}
   * @param status the upstream's HTTP status; null when no response was recorded
   * @param durationMs how long the adapter ran; null for {@code outcome_unknown}
   * @param responseDigest {@code sha256:…} of the response body; null without a response
   * @param responseBytes the response body's length; null without a response
   * @param reason why it failed without a response ({@code timeout}, {@code crash}, …); else null
   * @param detail what happened, for operators (hosts, limits; never secrets or params values)
   */
  public record Execution(
      String adapter,
      String outcome,
      @Nullable Integer status,
      @Nullable Long durationMs,
      @Nullable String responseDigest,
      @Nullable Long responseBytes,
      @Nullable String reason,
      @Nullable String detail) {}

  /**
   * An operator's resolution of an {@code outcome_unknown} execution after checking the upstream:
   * an {@code execution} entry with {@code step: "resolve"}, the {@code operator}, {@code outcome}
   * {@code succeeded} or {@code failed}, {@code reason: "operator"} and the operator's words as
   * {@code detail}.
   */
  public byte[] executionResolved(
      Instant ts, Subject s, String adapter, String outcome, String operator, String detail) {
    ObjectNode e = about(EntryKind.EXECUTION, ts, s);
    e.put("adapter", adapter);
    e.put("outcome", outcome);
    e.put("step", "resolve");
    e.put("operator", operator);
    e.put("reason", "operator");
    e.put("detail", detail);
    return Canonical.bytes(e);
  }

  /**
   * The outcome of an allowed action's execution, linked to its decision by {@code decision_id}.
   */
  public byte[] execution(Instant ts, Subject s, Execution x) {
    ObjectNode e = about(EntryKind.EXECUTION, ts, s);
    e.put("adapter", x.adapter());
    e.put("outcome", x.outcome());
    optional(e, "status", x.status());
    optional(e, "duration_ms", x.durationMs());
    optional(e, "response_digest", x.responseDigest());
    optional(e, "response_bytes", x.responseBytes());
    optional(e, "reason", x.reason());
    optional(e, "detail", x.detail());
    return Canonical.bytes(e);
  }

  /** A policy activation, with the full text so any later decision can be re-explained. */
  public byte[] policy(Instant ts, String operator, String policyHash, String policyText) {
    ObjectNode e = common(EntryKind.POLICY, ts);
    e.put("operator", operator);
    e.put("policy_hash", policyHash);
    e.put("text", policyText);
    return Canonical.bytes(e);
  }

  public static String format(Instant ts) {
    return TS.format(ts.truncatedTo(ChronoUnit.MILLIS));
  }

  private static ObjectNode common(EntryKind kind, Instant ts) {
    ObjectNode e = F.objectNode();
    e.put("v", VERSION);
    e.put("kind", kind.wire());
    e.put("ts", format(ts));
    return e;
  }

  /**
   * The common fields and the request's identity: decision, agent, tenant, action, resource,
   * request digest (canonical JSON sorts the keys, so the order here does not matter).
   */
  private static ObjectNode about(EntryKind kind, Instant ts, Subject s) {
    ObjectNode e = common(kind, ts);
    e.put("decision_id", s.decisionId());
    e.put("agent", s.agent());
    e.put("tenant", s.tenant());
    e.put("action", s.action());
    e.put("resource", s.resource());
    e.put("request_digest", s.requestDigest());
    return e;
  }

  /** Sets {@code field} when {@code value} is given; an absent value leaves the field out. */
  private static void optional(ObjectNode e, String field, @Nullable Object value) {
    if (value instanceof String str) {
      e.put(field, str);
    } else if (value instanceof Integer i) {
      e.put(field, i);
    } else if (value instanceof Long l) {
      e.put(field, l);
    } else if (value != null) {
      throw new IllegalArgumentException(field + " of unexpected type " + value.getClass());
    }
  }

  /** The key that signed the request and the request's own fields, params as configured. */
  private void request(ObjectNode e, Subject s) {
    e.put("key_id", s.keyId());
    JsonNode req = s.request();
    if (req.has("params")) {
      HmacKey key = paramsKey; // one read: the HMACs and params_key name the same key
      e.set("params", paramsMode.protect(req.get("params"), key));
      if (paramsMode == ParamsMode.HMAC) {
        e.put("params_key", key.id());
      }
    }
    for (String field : List.of("amount", "labels", "classification")) {
      if (req.has(field)) {
        e.set(field, req.get(field));
      }
    }
  }

  private static ArrayNode reasons(List<Reason> reasons) {
    ArrayNode a = F.arrayNode();
    for (Reason r : reasons) {
      // Members in canonical (sorted) order: an answer rendered from this tree must be the same,
      // byte for byte, as one rendered from the logged canonical bytes (idempotent replays).
      ObjectNode o = a.addObject();
      o.put("code", r.code());
      o.put("message", r.message());
      if (r.rule() != null) {
        o.put("rule", r.rule());
      }
    }
    return a;
  }
}
