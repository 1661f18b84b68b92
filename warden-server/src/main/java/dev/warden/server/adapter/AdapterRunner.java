package dev.warden.server.adapter;

import dev.warden.pipeline.ActionResult;
import dev.warden.pipeline.ActionRunner;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The pipeline's {@link ActionRunner} over the configured {@link Adapters}: an action served by an
 * {@code http} adapter is executed by it; one served by a {@code none} adapter, or by none, is
 * decision-only. Immutable and thread-safe.
 */
public final class AdapterRunner implements ActionRunner {
  private final Adapters adapters;
  private final Map<String, HttpAdapter> http;

  private AdapterRunner(Adapters adapters, Map<String, HttpAdapter> http) {
    this.adapters = adapters;
    this.http = http;
  }

  /** A runner for {@code adapters}, each http adapter created once. */
  public static AdapterRunner of(Adapters adapters) {
    Map<String, HttpAdapter> http = new LinkedHashMap<>();
    for (AdapterConfig a : adapters.all()) {
      if (a instanceof HttpAdapterConfig h) {
        http.put(h.id(), HttpAdapter.create(h));
      }
    }
    return new AdapterRunner(adapters, Map.copyOf(http));
  }

  @Override
  public @Nullable String adapterFor(String action) {
    AdapterConfig a = adapters.forAction(action).orElse(null);
    return a instanceof HttpAdapterConfig ? a.id() : null;
  }

  @Override
  public ActionResult run(String adapter, Call call) {
    HttpAdapter a = http.get(adapter);
    if (a == null) {
      throw new IllegalArgumentException("no http adapter " + adapter);
    }
    Outcome o =
        a.execute(
            new ActionContext(
                call.decisionId(),
                call.agent(),
                call.tenant(),
                call.action(),
                call.resource(),
                call.params()));
    return switch (o) {
      case Outcome.Completed c ->
          new ActionResult.Completed(c.status(), c.durationMillis(), c.responseDigest(), c.body());
      case Outcome.Failed f ->
          new ActionResult.Failed(
              f.reason().name().toLowerCase(Locale.ROOT), f.detail(), f.durationMillis());
    };
  }
}
