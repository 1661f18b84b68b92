package dev.warden.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.log.GroupCommitLog;
import dev.warden.store.Store;
import dev.warden.store.StoreException;
import io.javalin.http.Context;

/**
 * {@code /healthz} (the process answers) and {@code /readyz} (it can decide: the store answers and
 * the log accepts writes). Public by design; they say what is wrong, never why in detail.
 */
public final class HealthApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Store store;
  private final GroupCommitLog log;

  public HealthApi(Store store, GroupCommitLog log) {
    this.store = store;
    this.log = log;
  }

  public void healthz(Context ctx) {
    ctx.contentType("application/json").result("{\"status\":\"ok\"}");
  }

  public void readyz(Context ctx) {
    ObjectNode out = JSON.createObjectNode();
    ObjectNode checks = out.putObject("checks");
    boolean ready = true;
    try {
      store.checkHealth();
      checks.put("store", "ok");
    } catch (StoreException e) {
      checks.put("store", "store.unavailable");
      ready = false;
    }
    if (log.healthy()) {
      checks.put("log", "ok");
    } else {
      checks.put("log", "store.unavailable");
      ready = false;
    }
    out.put("status", ready ? "ready" : "not_ready");
    out.put("log_size", log.head().size());
    try {
      // Crash leftovers for an operator to check at the upstream; readiness does not depend on it.
      out.put(
          "executions_outcome_unknown",
          store.executions().count(dev.warden.store.ExecutionState.OUTCOME_UNKNOWN));
    } catch (StoreException e) {
      // Already reported by the store check.
    }
    ctx.status(ready ? 200 : 503).contentType("application/json").result(out.toString());
  }
}
