package dev.warden.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import io.javalin.http.Context;

/**
 * The one place where a refusal becomes an RFC 9457 {@code application/problem+json} document:
 * {@code type}, {@code title}, {@code status}, {@code detail}, the stable {@code code}, the {@code
 * correlation_id} of the request, and {@code decision_id} and {@code pointer} when there are ones.
 * No stack traces, no secrets.
 */
public final class Problems {
  public static final String CONTENT_TYPE = "application/problem+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Problems() {}

  public static void write(Context ctx, RequestRejected r) {
    write(ctx, r, JSON.createObjectNode());
  }

  /**
   * The problem document of {@code r} with {@code more} members (such as a denied decision's {@code
   * reasons} and {@code receipt}); the standard members win over any of the same name.
   */
  public static void write(Context ctx, RequestRejected r, ObjectNode more) {
    ctx.req().setAttribute(SurfaceFilter.REFUSAL, r.code());
    ObjectNode p = more.deepCopy();
    p.setAll(document(r.code(), r.detail(), Correlation.of(ctx)));
    r.decisionId().ifPresent(id -> p.put("decision_id", id));
    r.pointer().ifPresent(ptr -> p.put("pointer", ptr));
    ctx.status(r.code().status());
    r.headers().forEach(ctx::header);
    ctx.contentType(CONTENT_TYPE);
    ctx.result(bytes(p));
  }

  /**
   * Writes the problem document of {@code r} on a servlet response (for endpoints served outside
   * Javalin, such as the MCP gateways), with a fresh correlation id.
   */
  public static void write(jakarta.servlet.http.HttpServletResponse res, RequestRejected r)
      throws java.io.IOException {
    String correlation = Correlation.newId();
    ObjectNode p = document(r.code(), r.detail(), correlation);
    r.decisionId().ifPresent(id -> p.put("decision_id", id));
    res.setStatus(r.code().status());
    res.setHeader(Correlation.HEADER, correlation);
    r.headers().forEach(res::setHeader);
    res.setContentType(CONTENT_TYPE);
    res.getOutputStream().write(bytes(p));
  }

  /** The problem document for {@code code}; also used by the Jetty-level error handler. */
  static ObjectNode document(ErrorCode code, String detail, String correlationId) {
    ObjectNode p = JSON.createObjectNode();
    p.put("type", "urn:warden:error:" + code.code());
    p.put("title", code.title());
    p.put("status", code.status());
    p.put("detail", detail);
    p.put("code", code.code());
    p.put("correlation_id", correlationId);
    return p;
  }

  static byte[] bytes(ObjectNode p) {
    try {
      return JSON.writeValueAsBytes(p);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
