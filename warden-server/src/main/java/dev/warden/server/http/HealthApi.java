package dev.warden.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.log.GroupCommitLog;
import dev.warden.server.LogStartupCheck;
import dev.warden.store.Store;
import dev.warden.store.StoreException;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /healthz} (the process answers) and {@code /readyz} (it can decide). Ready means every
 * check passes: the store answers a cheap query, the log accepts writes, the checkpoint key signs,
 * the data directory's file system has room ({@link #MIN_FREE_BYTES}), and the clock is not behind
 * the newest entry the log held at start. Each check reports {@code ok} or a stable code. Public by
 * design; they say what is wrong, never why in detail (the server's log does).
 */
public final class HealthApi {
  private static final Logger log = LoggerFactory.getLogger(HealthApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Not ready when the data directory's file system has less free than the smaller of 100 MiB and 1
   * % of its size (so a small test file system is not always "full").
   */
  static final long MIN_FREE_BYTES = 100L << 20;

  static final int MIN_FREE_PERCENT = 1;

  private final Store store;
  private final GroupCommitLog log_;
  private final Clock clock;
  private final Path dataDir;
  private final Runnable signerProbe;
  private final long minFreeBytes;
  private final int minFreePercent;
  private final @Nullable Instant notBefore;

  /**
   * @param signerProbe signs a test message with the checkpoint and the receipt key; throws if
   *     either cannot
   */
  public HealthApi(
      Store store, GroupCommitLog log, Clock clock, Path dataDir, Runnable signerProbe) {
    this(store, log, clock, dataDir, signerProbe, MIN_FREE_BYTES, MIN_FREE_PERCENT);
  }

  HealthApi(
      Store store,
      GroupCommitLog log,
      Clock clock,
      Path dataDir,
      Runnable signerProbe,
      long minFreeBytes,
      int minFreePercent) {
    this.minFreePercent = minFreePercent;
    this.store = store;
    this.log_ = log;
    this.clock = clock;
    this.dataDir = dataDir;
    this.signerProbe = signerProbe;
    this.minFreeBytes = minFreeBytes;
    this.notBefore = LogStartupCheck.newestEntryTime(store.log());
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
    if (log_.healthy()) {
      checks.put("log", "ok");
    } else {
      checks.put("log", "store.unavailable");
      ready = false;
    }
    try {
      signerProbe.run();
      checks.put("signer", "ok");
    } catch (RuntimeException e) {
      log.error("readyz: a signing key cannot sign: {}", e.getMessage());
      checks.put("signer", "signer.unavailable");
      ready = false;
    }
    ready &= disk(checks, out);
    Instant now = clock.instant();
    if (notBefore != null && now.isBefore(notBefore)) {
      log.error(
          "readyz: the clock ({}) is behind the newest log entry at start ({})", now, notBefore);
      checks.put("clock", "clock.behind_log");
      ready = false;
    } else {
      checks.put("clock", "ok");
    }
    out.put("status", ready ? "ready" : "not_ready");
    out.put("log_size", log_.head().size());
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

  /** Below this much free space on {@code fs}, Warden is not ready. */
  public static long minFreeBytes(FileStore fs) throws IOException {
    return minFreeBytes(fs, MIN_FREE_BYTES, MIN_FREE_PERCENT);
  }

  private static long minFreeBytes(FileStore fs, long bytes, int percent) throws IOException {
    return Math.min(bytes, fs.getTotalSpace() / 100 * percent);
  }

  private boolean disk(ObjectNode checks, ObjectNode out) {
    try {
      FileStore fs = Files.getFileStore(dataDir);
      long free = fs.getUsableSpace();
      long threshold = minFreeBytes(fs, minFreeBytes, minFreePercent);
      out.put("disk_free_bytes", free);
      if (free < threshold) {
        checks.put("disk", "disk.low");
        return false;
      }
      checks.put("disk", "ok");
      return true;
    } catch (IOException e) {
      checks.put("disk", "disk.unavailable");
      return false;
    }
  }
}
