package dev.warden.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.store.LogStore;
import dev.warden.store.StoreException;
import dev.warden.store.StoredCheckpoint;
import dev.warden.store.StoredEntry;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The public transparency endpoints (SPEC §16): the latest signed checkpoint, entries, and the
 * log's verifier key. Public by design: a third party needs nothing from Warden's operator to check
 * the log.
 */
public final class LogApi {
  public static final int MAX_ENTRIES = 1_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LogStore store;
  private final java.util.function.Supplier<String> vkey;

  public LogApi(LogStore store, java.util.function.Supplier<String> vkey) {
    this.store = store;
    this.vkey = vkey;
  }

  /** {@code GET /v1/log/checkpoint}: the signed note of the largest tree. */
  public void checkpoint(Context ctx) throws RequestRejected, StoreException {
    StoredCheckpoint cp =
        store
            .latestCheckpoint()
            .orElseThrow(
                () ->
                    new RequestRejected(
                        ErrorCode.REQUEST_NOT_FOUND, "the log has no checkpoint yet"));
    ctx.contentType("text/plain; charset=utf-8").result(cp.note());
  }

  /**
   * {@code GET /.well-known/warden/log-key}: the C2SP vkeys that verify checkpoints, one per line,
   * the active key first ({@link dev.warden.note.LogKeys} format).
   */
  public void logKey(Context ctx) {
    ctx.contentType("text/plain; charset=utf-8").result(vkey.get());
  }

  /**
   * {@code GET /v1/log/entries?start=&end=}: entries {@code start <= index < end} (at most {@value
   * #MAX_ENTRIES}), each with its exact canonical text.
   */
  public void entries(Context ctx) throws RequestRejected, StoreException {
    // The database's head, not this process's last commit: another replica may have appended since.
    long size = store.head().size();
    long start = param(ctx, "start", 0);
    long end = param(ctx, "end", Math.min(size, start + MAX_ENTRIES));
    if (end < start) {
      throw invalid("end must not be smaller than start");
    }
    if (end - start > MAX_ENTRIES) {
      throw invalid("at most " + MAX_ENTRIES + " entries per call; page with start and end");
    }
    ObjectNode out = JSON.createObjectNode();
    ArrayNode a = out.putArray("entries");
    // Past the end of the log there is nothing (yet): an empty page, not an error.
    for (StoredEntry e : store.read(Math.min(start, size), Math.min(end, size))) {
      ObjectNode o = a.addObject();
      o.put("index", e.index());
      o.put("entry", new String(e.entry(), StandardCharsets.UTF_8));
    }
    ctx.contentType("application/json").result(out.toString());
  }

  static long param(Context ctx, String name, long dflt) throws RequestRejected {
    @Nullable String v = ctx.queryParam(name);
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v);
      if (n < 0) {
        throw invalid(name + " must not be negative");
      }
      return n;
    } catch (NumberFormatException e) {
      throw invalid(name + " must be a non-negative integer");
    }
  }

  static RequestRejected invalid(String detail) {
    return new RequestRejected(ErrorCode.REQUEST_INVALID, detail);
  }
}
