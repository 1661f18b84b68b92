package dev.warden.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.policy.Policy;
import dev.warden.policy.PolicyCheck;
import dev.warden.policy.PolicyException;
import dev.warden.server.PolicyActivation;
import dev.warden.server.operator.OperatorTokens;
import dev.warden.store.DecisionRef;
import dev.warden.store.Store;
import dev.warden.store.StoreException;
import dev.warden.store.StoredEntry;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The operator API for the policy (SPEC §7, §16): read the active policy, activate another, and
 * read a past decision with the policy text that made it (for {@code warden policy explain
 * --decision}).
 */
public final class PolicyAdminApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PolicyActivation policy;
  private final OperatorTokens tokens;
  private final Store store;

  public PolicyAdminApi(PolicyActivation policy, OperatorTokens tokens, Store store) {
    this.policy = policy;
    this.tokens = tokens;
    this.store = store;
  }

  /** {@code GET /v1/admin/policy}: {@code {"hash", "text"}} of the active policy. */
  public void get(Context ctx) throws RequestRejected, StoreException {
    OperatorAuth.authorize(tokens, ctx, "admin");
    Policy p = policy.get();
    ObjectNode out = JSON.createObjectNode();
    out.put("hash", p.hash());
    out.put("text", p.text());
    ctx.contentType("application/json").result(out.toString());
  }

  /**
   * {@code PUT /v1/admin/policy} with the policy document as the body (YAML or JSON, UTF-8): checks
   * it, logs its activation with the full text and makes it active; {@code 422 policy.invalid}
   * naming the problem leaves the active policy as it was. The answer lists the warnings of {@code
   * warden policy check} (shadowed or unreachable rules, ...), which do not stop an activation.
   */
  public void put(Context ctx) throws RequestRejected, StoreException {
    String operator = OperatorAuth.authorize(tokens, ctx, "admin").subject();
    String text = utf8(ctx.bodyAsBytes());
    PolicyActivation.Outcome outcome;
    try {
      outcome = policy.activate(text, operator);
    } catch (PolicyException e) {
      throw new RequestRejected(
          ErrorCode.POLICY_INVALID, e.getMessage() + "; the active policy is unchanged");
    } catch (IOException e) {
      throw new RequestRejected(
          ErrorCode.STORE_UNAVAILABLE,
          "the policy file cannot be written; the active policy is unchanged");
    }
    Policy p = policy.get();
    ObjectNode out = JSON.createObjectNode();
    out.put("hash", p.hash());
    out.put("activated", outcome == PolicyActivation.Outcome.ACTIVATED);
    ArrayNode warnings = out.putArray("warnings");
    for (PolicyCheck.Finding f : PolicyCheck.check(text)) {
      warnings
          .addObject()
          .put("pointer", f.pointer())
          .put("line", f.line())
          .put("message", f.message());
    }
    ctx.contentType("application/json").result(out.toString());
  }

  /**
   * {@code GET /v1/admin/decisions/{id}}: {@code {"log_index", "entry", "policy_text"}} — the
   * decision's entry exactly as logged and the text of the policy its {@code policy_hash} names
   * (null when the entry has none). Needs the {@code auditor} scope.
   */
  public void decision(Context ctx) throws RequestRejected, StoreException {
    OperatorAuth.authorize(tokens, ctx, "auditor");
    String id = ctx.pathParam("id");
    DecisionRef ref =
        store
            .log()
            .findDecision(id)
            .orElseThrow(() -> new RequestRejected(ErrorCode.ADMIN_NOT_FOUND, "no decision " + id));
    List<StoredEntry> e = store.log().read(ref.index(), ref.index() + 1);
    if (e.isEmpty()) {
      throw new StoreException(
          StoreException.Kind.CORRUPT, "decision " + id + " points past the log");
    }
    String entry = new String(e.get(0).entry(), StandardCharsets.UTF_8);
    String hash;
    try {
      hash = JSON.readTree(entry).path("policy_hash").asText(null);
    } catch (IOException ex) {
      throw new StoreException(
          StoreException.Kind.CORRUPT, "the entry of decision " + id + " is not JSON");
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("log_index", ref.index());
    out.put("entry", entry);
    out.put("policy_text", hash == null ? null : store.policies().text(hash).orElse(null));
    ctx.contentType("application/json").result(out.toString());
  }

  private static String utf8(byte[] body) throws RequestRejected {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw new RequestRejected(ErrorCode.POLICY_INVALID, "the policy is not valid UTF-8");
    }
  }
}
