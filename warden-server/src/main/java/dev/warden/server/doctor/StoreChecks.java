package dev.warden.server.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.note.NoteVerifierKey;
import dev.warden.server.DataDir;
import dev.warden.server.LogStartupCheck;
import dev.warden.server.WardenServer;
import dev.warden.store.Store;
import dev.warden.store.StoreException;
import dev.warden.store.postgresql.PostgresStore;
import dev.warden.store.sqlite.SqliteStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The database: it opens as Warden's at this schema version, passes its integrity check, its log
 * matches the latest signed checkpoint, and the clock is not behind the log's newest entry. A
 * SQLite database a running server holds is that server's: its {@code /readyz} answers instead.
 */
final class StoreChecks {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration READYZ_TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_PROBLEMS_SHOWN = 5;

  private StoreChecks() {}

  static void check(
      DataDir dir, @Nullable List<NoteVerifierKey> logKeys, Clock clock, List<Finding> out) {
    Store store;
    try {
      store =
          dir.store() == null
              ? SqliteStore.openForAudit(dir.database())
              : PostgresStore.openForAudit(dir.store());
    } catch (StoreException e) {
      if (Doctor.message(e).contains("in use by")) {
        out.add(
            Finding.warn(
                "store",
                "not checked: a running server holds "
                    + dir.storeName()
                    + "; stop it for the integrity and log checks (its /readyz answers for it"
                    + " meanwhile)"));
      } else {
        out.add(
            Finding.fail(
                "store",
                "cannot open "
                    + dir.storeName()
                    + ": "
                    + Doctor.message(e)
                    + (e.kind() == StoreException.Kind.CORRUPT
                        ? "; 'warden audit verify' locates the damage"
                        : "")));
      }
      server(dir, out);
      return;
    }
    try (store) {
      out.add(Finding.ok("store", dir.storeName() + " opens at the current schema version"));
      integrity(store, out);
      log(store, logKeys, out);
      clock(store, clock, out);
    }
    server(dir, out);
  }

  private static void integrity(Store store, List<Finding> out) {
    try {
      List<String> problems = store.integrityProblems();
      if (problems.isEmpty()) {
        out.add(Finding.ok("store.integrity", "the database's integrity check finds nothing"));
      } else {
        out.add(
            Finding.fail(
                "store.integrity",
                "the database's integrity check finds "
                    + problems.size()
                    + " problem(s): "
                    + String.join(
                        "; ", problems.subList(0, Math.min(MAX_PROBLEMS_SHOWN, problems.size())))
                    + ". Restore the database from a backup, then run 'warden audit verify'"));
      }
    } catch (StoreException e) {
      out.add(Finding.fail("store.integrity", "the integrity check failed: " + Doctor.message(e)));
    }
  }

  private static void log(Store store, @Nullable List<NoteVerifierKey> logKeys, List<Finding> out) {
    if (logKeys == null) {
      out.add(
          Finding.warn(
              "log", "not checked: no checkpoint key to verify the latest checkpoint with"));
      return;
    }
    try {
      LogStartupCheck.check(store.log(), logKeys);
      out.add(
          Finding.ok(
              "log",
              store.log().head().size()
                  + " entries; the head matches the latest signed checkpoint"));
    } catch (StoreException | WardenServer.StartupException e) {
      out.add(Finding.fail("log", Doctor.message(e)));
    }
  }

  private static void clock(Store store, Clock clock, List<Finding> out) {
    Instant now = clock.instant();
    Instant newest = LogStartupCheck.newestEntryTime(store.log());
    if (newest != null && now.isBefore(newest)) {
      out.add(
          Finding.fail(
              "clock",
              "the clock ("
                  + now
                  + ") is behind the log's newest entry ("
                  + newest
                  + "); Warden is not ready while it is. Set the clock right (NTP)"));
    } else {
      out.add(
          Finding.ok(
              "clock", now + (newest == null ? "" : ", after the log's newest entry " + newest)));
    }
  }

  /** A server running on the directory (its {@code server.url}): is it ready? */
  private static void server(DataDir dir, List<Finding> out) {
    if (!Files.isRegularFile(dir.serverAddress())) {
      return;
    }
    URI base;
    try {
      base = URI.create(Files.readString(dir.serverAddress()).strip());
    } catch (IOException | IllegalArgumentException e) {
      out.add(Finding.warn("server", "cannot read " + dir.serverAddress() + ": " + e));
      return;
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(READYZ_TIMEOUT).build();
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(base.resolve("/readyz")).timeout(READYZ_TIMEOUT).build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(r.body());
      if (r.statusCode() == 200) {
        out.add(Finding.ok("server", base + " is ready (" + body.path("checks") + ")"));
      } else {
        out.add(
            Finding.fail(
                "server",
                base + " is not ready: " + body.path("checks") + "; the server's log says why"));
      }
    } catch (IOException e) {
      out.add(
          Finding.warn(
              "server",
              "no answer from "
                  + base
                  + " ("
                  + Doctor.message(e)
                  + "); if no server runs, "
                  + dir.serverAddress()
                  + " is left from an earlier one"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      http.close();
    }
  }
}
