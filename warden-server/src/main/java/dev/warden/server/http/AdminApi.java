package dev.warden.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.auth.PublicKeys;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.log.Entries;
import dev.warden.log.GroupCommitLog;
import dev.warden.log.PendingEntry;
import dev.warden.server.operator.AgentTokens;
import dev.warden.server.operator.CredentialEvents;
import dev.warden.server.operator.OperatorTokens;
import dev.warden.store.AgentKey;
import dev.warden.store.AgentRecord;
import dev.warden.store.AgentStatus;
import dev.warden.store.KeyAlgorithm;
import dev.warden.store.Store;
import dev.warden.store.StoreException;
import dev.warden.store.TokenRecord;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The operator API for agents and tokens (SPEC §16). Every call needs a bearer token with the
 * {@code admin} scope, and every change is written to the log as an {@code admin} entry, naming the
 * operator, before it is made. Once a change that cuts credentials off (an agent suspended or
 * revoked, a token revoked) is durable, {@link CredentialEvents} is told.
 */
public final class AdminApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Store store;
  private final OperatorTokens tokens;
  private final Entries entries;
  private final GroupCommitLog log;
  private final Clock clock;
  private final SecureRandom random;
  private final CredentialEvents events;

  public AdminApi(
      Store store,
      OperatorTokens tokens,
      Entries entries,
      GroupCommitLog log,
      Clock clock,
      SecureRandom random,
      CredentialEvents events) {
    this.store = store;
    this.tokens = tokens;
    this.entries = entries;
    this.log = log;
    this.clock = clock;
    this.random = random;
    this.events = events;
  }

  /** {@code POST /v1/admin/agents}: {@code {"id", "tenant"?, "labels"?, "keys": [...]}}. */
  public void createAgent(Context ctx) throws RequestRejected, StoreException {
    TokenRecord op = authorize(ctx);
    JsonNode body = body(ctx);
    JsonBodies.only(body, "", "id", "tenant", "labels", "keys");
    String id = text(body, "id");
    String tenant = body.has("tenant") ? text(body, "tenant") : "default";
    if (!AgentRecord.ID.matcher(id).matches()) {
      throw invalid("/id", "agent ids match " + AgentRecord.ID.pattern());
    }
    if (!AgentRecord.TENANT.matcher(tenant).matches()) {
      throw invalid("/tenant", "tenants match " + AgentRecord.TENANT.pattern());
    }
    Instant now = clock.instant();
    List<AgentKey> keys = new ArrayList<>();
    JsonNode ks = body.path("keys");
    if (!ks.isArray() || ks.isEmpty()) {
      throw invalid(
          "/keys",
          "an agent needs at least one key: [{\"alg\": \"ed25519\", \"public_key\": \"…\"}]");
    }
    for (int i = 0; i < ks.size(); i++) {
      keys.add(key(ks.get(i), "/keys/" + i, i == 0 ? "k1" : "k" + (i + 1), now));
    }
    AgentRecord agent =
        new AgentRecord(
            id, tenant, AgentStatus.ACTIVE, labels(body.path("labels")), keys, now, now);
    if (store.agents().find(id).isPresent()) {
      throw new RequestRejected(ErrorCode.ADMIN_CONFLICT, "agent " + id + " already exists");
    }
    audit(op, "agent.create", id, Map.of("tenant", tenant, "keys", keyIds(keys)));
    try {
      store.agents().create(agent);
    } catch (StoreException e) {
      throw mapped(e, "agent " + id);
    }
    ctx.status(201).contentType("application/json").result(render(agent).toString());
  }

  public void listAgents(Context ctx) throws RequestRejected, StoreException {
    authorize(ctx);
    respondList(ctx, "agents", store.agents().list(), AdminApi::render);
  }

  public void getAgent(Context ctx) throws RequestRejected, StoreException {
    authorize(ctx);
    ctx.contentType("application/json").result(render(find(ctx.pathParam("id"))).toString());
  }

  /**
   * {@code PATCH /v1/admin/agents/{id}} with one of {@code {"status": "active"|"suspended"|
   * "revoked"}}, {@code {"add_key": {...}}}, {@code {"revoke_key": "k2"}}.
   */
  public void patchAgent(Context ctx) throws RequestRejected, StoreException {
    TokenRecord op = authorize(ctx);
    String id = ctx.pathParam("id");
    AgentRecord agent = find(id);
    JsonNode body = body(ctx);
    JsonBodies.only(body, "", "status", "add_key", "revoke_key");
    if (body.size() != 1) {
      throw invalid("", "send exactly one of status, add_key, revoke_key");
    }
    Instant now = clock.instant();
    boolean cut = false;
    try {
      if (body.has("status")) {
        AgentStatus s;
        try {
          s = AgentStatus.fromWire(text(body, "status"));
        } catch (IllegalArgumentException e) {
          throw invalid("/status", "must be active, suspended or revoked");
        }
        if (agent.status() == AgentStatus.REVOKED && s != AgentStatus.REVOKED) {
          throw new RequestRejected(
              ErrorCode.ADMIN_CONFLICT, "agent " + id + " is revoked; revocation is final");
        }
        audit(op, "agent." + verb(s), id, Map.of("status", s.wire()));
        store.agents().updateStatus(id, s, now);
        cut = s != AgentStatus.ACTIVE;
      } else if (body.has("add_key")) {
        String next = "k" + (agent.keys().size() + 1);
        AgentKey k = key(body.get("add_key"), "/add_key", next, now);
        if (agent.key(k.keyId()).isPresent()) {
          throw new RequestRejected(
              ErrorCode.ADMIN_CONFLICT, "agent " + id + " already has key " + k.keyId());
        }
        audit(op, "agent.key.add", id, Map.of("key_id", k.keyId(), "alg", k.algorithm().wire()));
        store.agents().addKey(id, k);
      } else {
        String keyId = text(body, "revoke_key");
        if (agent.key(keyId).isEmpty()) {
          throw new RequestRejected(
              ErrorCode.ADMIN_NOT_FOUND, "agent " + id + " has no key " + keyId);
        }
        audit(op, "agent.key.revoke", id, Map.of("key_id", keyId));
        store.agents().revokeKey(id, keyId, now);
      }
    } catch (StoreException e) {
      throw mapped(e, "agent " + id);
    }
    if (cut) {
      events.agentCut(id);
    }
    ctx.contentType("application/json").result(render(find(id)).toString());
  }

  /**
   * {@code POST /v1/admin/tokens}: an operator token {@code {"subject", "scopes": [...],
   * "expires_in"?: "30d"}}, or an agent's token for the MCP gateway {@code {"agent", "scopes":
   * ["mcp"], "expires_in"?}}. The answer holds the token, shown this once.
   */
  public void createToken(Context ctx) throws RequestRejected, StoreException {
    TokenRecord op = authorize(ctx);
    JsonNode body = body(ctx);
    JsonBodies.only(body, "", "subject", "agent", "scopes", "expires_in");
    Instant expires = expiry(body);
    OperatorTokens.Issued t =
        body.has("agent") ? agentToken(body, expires) : operatorToken(body, expires);
    TokenRecord r = t.record();
    Map<String, String> details = new LinkedHashMap<>();
    if (r.agentId() != null) {
      details.put("agent", r.agentId());
    } else {
      details.put("subject", r.subject());
    }
    details.put("scopes", String.join(",", r.scopes().stream().sorted().toList()));
    audit(op, "token.create", r.id(), details);
    try {
      store.tokens().create(r);
    } catch (StoreException e) {
      throw mapped(e, r.agentId() != null ? "agent " + r.agentId() : "token " + r.id());
    }
    ObjectNode out = renderToken(r);
    out.put("token", t.token());
    ctx.status(201).contentType("application/json").result(out.toString());
  }

  private OperatorTokens.Issued operatorToken(JsonNode body, @Nullable Instant expires)
      throws RequestRejected {
    if (!body.has("subject")) {
      throw invalid(
          "/subject",
          "is required: who an operator token speaks for (or send agent for an agent's MCP token)");
    }
    String subject = text(body, "subject");
    if (subject.isBlank() || subject.length() > 128) {
      throw invalid("/subject", "must be 1 to 128 characters");
    }
    Set<String> scopes = new LinkedHashSet<>();
    JsonNode s = body.path("scopes");
    if (!s.isArray() || s.isEmpty()) {
      throw invalid("/scopes", "must list at least one of " + OperatorTokens.SCOPES);
    }
    for (JsonNode n : s) {
      if (n.asText().equals(TokenRecord.AGENT_SCOPE)) {
        throw invalid(
            "/scopes",
            "mcp is the scope of agent tokens: send {\"agent\": \"<agent id>\", \"scopes\":"
                + " [\"mcp\"]} instead of a subject");
      }
      if (!OperatorTokens.SCOPES.contains(n.asText())) {
        throw invalid(
            "/scopes", "unknown scope " + n.asText() + "; scopes are " + OperatorTokens.SCOPES);
      }
      scopes.add(n.asText());
    }
    return OperatorTokens.issue(subject, scopes, expires, random, clock);
  }

  /** An agent's token: only for a registered agent that is not revoked, only with scope mcp. */
  private OperatorTokens.Issued agentToken(JsonNode body, @Nullable Instant expires)
      throws RequestRejected, StoreException {
    if (body.has("subject")) {
      throw invalid("/subject", "an agent token speaks for its agent: send agent or subject");
    }
    String agentId = text(body, "agent");
    if (!AgentRecord.ID.matcher(agentId).matches()) {
      throw invalid("/agent", "agent ids match " + AgentRecord.ID.pattern());
    }
    JsonNode s = body.path("scopes");
    if (!s.isArray() || s.size() != 1 || !s.get(0).asText().equals(TokenRecord.AGENT_SCOPE)) {
      throw invalid("/scopes", "an agent token has exactly the scopes [\"mcp\"]");
    }
    AgentRecord agent = find(agentId);
    if (agent.status() == AgentStatus.REVOKED) {
      throw new RequestRejected(
          ErrorCode.ADMIN_CONFLICT, "agent " + agentId + " is revoked; it can have no new tokens");
    }
    return AgentTokens.issue(agentId, expires, random, clock);
  }

  private @Nullable Instant expiry(JsonNode body) throws RequestRejected {
    if (!body.has("expires_in")) {
      return null;
    }
    try {
      return clock
          .instant()
          .plus(
              dev.warden.server.ServerConfig.duration(
                  text(body, "expires_in"), null, "expires_in"));
    } catch (IllegalArgumentException e) {
      throw invalid("/expires_in", e.getMessage());
    }
  }

  public void revokeToken(Context ctx) throws RequestRejected, StoreException {
    TokenRecord op = authorize(ctx);
    String id = ctx.pathParam("id");
    boolean exists = store.tokens().list().stream().anyMatch(t -> t.id().equals(id));
    if (!exists) {
      throw new RequestRejected(ErrorCode.ADMIN_NOT_FOUND, "no token " + id);
    }
    audit(op, "token.revoke", id, Map.of());
    try {
      store.tokens().revoke(id, clock.instant());
    } catch (StoreException e) {
      throw mapped(e, "token " + id);
    }
    events.tokenRevoked(id);
    ctx.status(204);
  }

  public void listTokens(Context ctx) throws RequestRejected, StoreException {
    authorize(ctx);
    respondList(ctx, "tokens", store.tokens().list(), AdminApi::renderToken);
  }

  /** {@code {"<name>": [rendered items...]}}. */
  private static <T> void respondList(
      Context ctx, String name, List<T> items, java.util.function.Function<T, ObjectNode> render) {
    ObjectNode out = JSON.createObjectNode();
    ArrayNode a = out.putArray(name);
    items.forEach(i -> a.add(render.apply(i)));
    ctx.contentType("application/json").result(out.toString());
  }

  // ---- helpers --------------------------------------------------------------------------------

  private TokenRecord authorize(Context ctx) throws RequestRejected, StoreException {
    return OperatorAuth.authorize(tokens, ctx, "admin");
  }

  private void audit(TokenRecord op, String what, String target, Map<String, String> details)
      throws RequestRejected {
    log.append(
        PendingEntry.of(entries.admin(clock.instant(), op.subject(), what, target, details)));
  }

  private AgentRecord find(String id) throws RequestRejected, StoreException {
    return store
        .agents()
        .find(id)
        .orElseThrow(() -> new RequestRejected(ErrorCode.ADMIN_NOT_FOUND, "no agent " + id));
  }

  private AgentKey key(JsonNode k, String ptr, String defaultId, Instant now)
      throws RequestRejected {
    if (!k.isObject()) {
      throw invalid(ptr, "a key is an object {\"alg\", \"public_key\" | \"secret\", \"key_id\"?}");
    }
    JsonBodies.only(k, ptr, "key_id", "alg", "public_key", "secret");
    String keyId = k.has("key_id") ? text(k, "key_id", ptr) : defaultId;
    if (!AgentKey.KEY_ID.matcher(keyId).matches()) {
      throw invalid(ptr + "/key_id", "key ids match " + AgentKey.KEY_ID.pattern());
    }
    String alg = k.has("alg") ? text(k, "alg", ptr) : "ed25519";
    try {
      return switch (alg) {
        case "ed25519" ->
            new AgentKey(
                keyId,
                KeyAlgorithm.ED25519,
                PublicKeys.parseEd25519(text(k, "public_key", ptr)),
                now,
                null);
        case "hmac-sha256" -> {
          byte[] secret = Base64.getDecoder().decode(text(k, "secret", ptr));
          yield new AgentKey(keyId, KeyAlgorithm.HMAC_SHA256, secret, now, null);
        }
        default -> throw invalid(ptr + "/alg", "must be ed25519 or hmac-sha256");
      };
    } catch (IllegalArgumentException e) {
      throw invalid(ptr, e.getMessage());
    }
  }

  private static Map<String, String> labels(JsonNode l) throws RequestRejected {
    Map<String, String> out = new LinkedHashMap<>();
    if (l.isMissingNode()) {
      return out;
    }
    if (!l.isObject()) {
      throw invalid("/labels", "must be an object of strings");
    }
    Iterator<Map.Entry<String, JsonNode>> it = l.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw invalid("/labels/" + e.getKey(), "must be a string");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  private static JsonNode body(Context ctx) throws RequestRejected {
    return JsonBodies.object(ctx.bodyAsBytes(), invalid("", "the body must be a JSON object"));
  }

  private static String text(JsonNode n, String field) throws RequestRejected {
    return text(n, field, "");
  }

  private static String text(JsonNode n, String field, String ptr) throws RequestRejected {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw invalid(ptr + "/" + field, "is required and must be a string");
    }
    return v.asText();
  }

  private static String verb(AgentStatus s) {
    return switch (s) {
      case ACTIVE -> "activate";
      case SUSPENDED -> "suspend";
      case REVOKED -> "revoke";
    };
  }

  private static String keyIds(List<AgentKey> keys) {
    return String.join(",", keys.stream().map(AgentKey::keyId).toList());
  }

  private static RequestRejected invalid(String ptr, String detail) {
    return RequestRejected.atPointer(
        ErrorCode.REQUEST_INVALID, ptr, (ptr.isEmpty() ? "body" : ptr) + ": " + detail);
  }

  private static RequestRejected mapped(StoreException e, String what) throws StoreException {
    return switch (e.kind()) {
      case CONFLICT -> new RequestRejected(ErrorCode.ADMIN_CONFLICT, what + ": " + e.getMessage());
      case NOT_FOUND -> new RequestRejected(ErrorCode.ADMIN_NOT_FOUND, what + " not found");
      default -> throw e;
    };
  }

  static ObjectNode render(AgentRecord a) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", a.id());
    o.put("tenant", a.tenant());
    o.put("status", a.status().wire());
    ObjectNode labels = o.putObject("labels");
    a.labels().forEach(labels::put);
    ArrayNode keys = o.putArray("keys");
    for (AgentKey k : a.keys()) {
      ObjectNode kn = keys.addObject();
      kn.put("key_id", k.keyId());
      kn.put("alg", k.algorithm().wire());
      if (k.algorithm() == KeyAlgorithm.ED25519) {
        kn.put("public_key", Base64.getEncoder().encodeToString(k.material()));
      }
      kn.put("created_at", k.createdAt().toString());
      if (k.revokedAt() != null) {
        kn.put("revoked_at", k.revokedAt().toString());
      }
    }
    o.put("created_at", a.createdAt().toString());
    o.put("updated_at", a.updatedAt().toString());
    return o;
  }

  private static ObjectNode renderToken(TokenRecord t) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", t.id());
    o.put("subject", t.subject());
    if (t.agentId() != null) {
      o.put("agent", t.agentId());
    }
    ArrayNode s = o.putArray("scopes");
    t.scopes().stream().sorted().forEach(s::add);
    o.put("created_at", t.createdAt().toString());
    if (t.expiresAt() != null) {
      o.put("expires_at", t.expiresAt().toString());
    }
    if (t.revokedAt() != null) {
      o.put("revoked_at", t.revokedAt().toString());
    }
    return o;
  }
}
