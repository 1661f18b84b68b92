package dev.warden.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.server.KeyManager;
import dev.warden.server.Keyring;
import dev.warden.server.operator.OperatorTokens;
import dev.warden.store.StoreException;
import dev.warden.store.TokenRecord;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * The operator API for Warden's own keys (SPEC §14), {@code admin} scope: {@code GET
 * /v1/admin/keys}, {@code POST /v1/admin/keys/rotate} ({@code {"which"}}), {@code POST
 * /v1/admin/keys/revoke} ({@code {"which", "key", "compromised_since"}}). Each change is a {@code
 * key} log entry written before it takes effect.
 */
public final class KeysApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KeyManager keys;
  private final OperatorTokens tokens;

  public KeysApi(KeyManager keys, OperatorTokens tokens) {
    this.keys = keys;
    this.tokens = tokens;
  }

  public void list(Context ctx) throws RequestRejected, StoreException {
    OperatorAuth.authorize(tokens, ctx, "admin");
    ObjectNode out = JSON.createObjectNode();
    ArrayNode a = out.putArray("keys");
    keys.keyring().keys().forEach(k -> a.add(render(k)));
    ctx.contentType("application/json").result(out.toString());
  }

  public void rotate(Context ctx) throws RequestRejected, StoreException, IOException {
    TokenRecord op = OperatorAuth.authorize(tokens, ctx, "admin");
    JsonNode body = body(ctx);
    JsonBodies.only(body, "", "which");
    Keyring.Which which = which(body);
    KeyManager.Rotated r = keys.rotate(which, op.subject());
    ObjectNode out = JSON.createObjectNode();
    out.put("which", which.wire());
    out.put("old_key", r.oldId());
    out.put("new_key", r.newId());
    r.details().forEach(out::put);
    ctx.contentType("application/json").result(out.toString());
  }

  public void revoke(Context ctx) throws RequestRejected, StoreException, IOException {
    TokenRecord op = OperatorAuth.authorize(tokens, ctx, "admin");
    JsonNode body = body(ctx);
    JsonBodies.only(body, "", "which", "key", "compromised_since");
    Keyring.Which which = which(body);
    String key = text(body, "key");
    Instant since;
    try {
      since = Instant.parse(text(body, "compromised_since"));
    } catch (DateTimeParseException e) {
      throw invalid("/compromised_since", "must be an RFC 3339 UTC time like 2026-11-21T10:00:00Z");
    }
    Keyring.Key k;
    try {
      k = keys.revoke(which, key, since, op.subject());
    } catch (IllegalArgumentException e) {
      throw new RequestRejected(
          e.getMessage().startsWith("no ") ? ErrorCode.ADMIN_NOT_FOUND : ErrorCode.ADMIN_CONFLICT,
          e.getMessage());
    }
    ctx.contentType("application/json").result(render(k).toString());
  }

  private static ObjectNode render(Keyring.Key k) {
    ObjectNode o = JSON.createObjectNode();
    o.put("which", k.which().wire());
    o.put("id", k.id());
    if (k.publicKey() != null) {
      o.put("public_key", Base64.getEncoder().encodeToString(k.publicKey()));
    }
    o.put("state", k.active() ? "active" : "retired");
    if (k.activated() != null) {
      o.put("activated", k.activated().toString());
    }
    if (k.retired() != null) {
      o.put("retired", k.retired().toString());
    }
    if (k.compromisedSince() != null) {
      o.put("compromised_since", k.compromisedSince().toString());
    }
    return o;
  }

  private static Keyring.Which which(JsonNode body) throws RequestRejected {
    try {
      return Keyring.Which.fromWire(text(body, "which"));
    } catch (IllegalArgumentException e) {
      throw invalid("/which", "must be checkpoint, receipt or hmac");
    }
  }

  private static JsonNode body(Context ctx) throws RequestRejected {
    return JsonBodies.object(ctx.bodyAsBytes(), invalid("", "the body must be a JSON object"));
  }

  private static String text(JsonNode n, String field) throws RequestRejected {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw invalid("/" + field, "is required and must be a string");
    }
    return v.asText();
  }

  private static RequestRejected invalid(String ptr, String detail) {
    return RequestRejected.atPointer(
        ErrorCode.REQUEST_INVALID, ptr, (ptr.isEmpty() ? "body" : ptr) + ": " + detail);
  }
}
