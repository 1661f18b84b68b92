package dev.warden.server.http;

import dev.warden.error.RequestRejected;
import dev.warden.server.operator.OperatorTokens;
import dev.warden.store.StoreException;
import io.javalin.http.Context;

/** {@code GET /metrics}: the Prometheus text format, for a token with the {@code metrics} scope. */
public final class MetricsApi {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private final WardenMetrics metrics;
  private final OperatorTokens tokens;

  public MetricsApi(WardenMetrics metrics, OperatorTokens tokens) {
    this.metrics = metrics;
    this.tokens = tokens;
  }

  public void scrape(Context ctx) throws RequestRejected, StoreException {
    OperatorAuth.authorize(tokens, ctx, "metrics");
    ctx.contentType(CONTENT_TYPE).result(metrics.scrape());
  }
}
