package dev.warden.server.http;

import dev.warden.error.RequestRejected;
import dev.warden.pipeline.DecisionPipeline;
import dev.warden.pipeline.DecisionResponse;
import io.javalin.http.Context;

/** The signed agent endpoints: {@code POST /v1/decisions}, {@code GET /v1/decisions/{id}}. */
public final class AgentApi {
  private final DecisionPipeline pipeline;
  private final RequestReader reader;

  public AgentApi(DecisionPipeline pipeline, RequestReader reader) {
    this.pipeline = pipeline;
    this.reader = reader;
  }

  public void decide(Context ctx) throws RequestRejected {
    respond(ctx, pipeline.decide(readCounted(ctx)));
  }

  public void get(Context ctx) throws RequestRejected {
    respond(ctx, pipeline.get(readCounted(ctx), ctx.pathParam("id")));
  }

  private dev.warden.pipeline.IncomingRequest readCounted(Context ctx) throws RequestRejected {
    try {
      return reader.read(ctx);
    } catch (RequestRejected r) {
      pipeline.countUnauthenticated(r.code(), ctx.ip());
      throw r;
    }
  }

  private static void respond(Context ctx, DecisionResponse r) {
    ctx.status(r.status());
    r.headers().forEach(ctx::header);
    ctx.contentType("application/json");
    if (r.status() == 202) {
      ctx.header("Location", "/v1/decisions/" + r.decisionId());
    }
    if (r.replayed()) {
      ctx.header("Idempotent-Replayed", "true");
    }
    ctx.result(r.body());
  }
}
