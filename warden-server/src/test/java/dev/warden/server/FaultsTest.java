package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real faults under a running server (issue 9), beside {@link FailClosedTest}'s immutable database:
 * the data directory's filesystem full, and the database write-locked by another process. In each,
 * Warden answers no decision it could not log (503 {@code store.unavailable}, no {@code
 * decision_id}), {@code /readyz} is not ready, and it recovers by itself when the fault goes away;
 * only what was decided after recovery is in the log.
 */
class FaultsTest {
  private static final String PAY = "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\"}";

  @TempDir Path tmp;

  /**
   * A 16 MiB tmpfs holds the data directory, then a file fills it. Needs root (mount); skipped
   * elsewhere.
   */
  @Test
  void diskFull_503AndNotReady_thenRecoversWhenSpaceIsFreed() throws Exception {
    Path mnt = Files.createDirectories(tmp.resolve("mnt"));
    assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mnt.toString()),
        "cannot mount a tmpfs here (not root?)");
    try {
      try (TestWarden w = TestWarden.start(mnt)) {
        TestWarden.Agent agent = w.createAgent("agent-1");
        assertThat(w.send(agent.key(), TestWarden.req(PAY)).statusCode()).isEqualTo(200);
        int before = w.entries().size();
        Path filler = mnt.resolve("filler");
        fill(filler);
        try {
          HttpResponse<String> r = w.send(agent.key(), TestWarden.req(PAY));
          assertUnavailable(r);
          assertNotReady(w);
        } finally {
          Files.delete(filler);
        }
        assertRecovers(w, agent, before);
      }
    } finally {
      run("umount", "-l", mnt.toString());
    }
  }

  /**
   * Another process ({@code sqlite3}) holds an exclusive transaction on {@code warden.db} longer
   * than Warden's busy timeout. Skipped where the {@code sqlite3} command is missing.
   */
  @Test
  void databaseLockedByAnotherProcess_503AndNotReady_thenRecoversWhenReleased() throws Exception {
    assumeTrue(run("sqlite3", "-version"), "the sqlite3 command is not installed");
    try (TestWarden w = TestWarden.start(tmp)) {
      TestWarden.Agent agent = w.createAgent("agent-1");
      assertThat(w.send(agent.key(), TestWarden.req(PAY)).statusCode()).isEqualTo(200);
      int before = w.entries().size();
      Process holder =
          new ProcessBuilder("sqlite3", w.data.database().toString())
              .redirectErrorStream(true)
              .start();
      try {
        OutputStream in = holder.getOutputStream();
        in.write("PRAGMA busy_timeout=10000;\nBEGIN EXCLUSIVE;\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        awaitLocked(w);
        HttpResponse<String> r = w.send(agent.key(), TestWarden.req(PAY));
        assertUnavailable(r);
        assertNotReady(w);
        in.write("ROLLBACK;\n.quit\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
      } finally {
        holder.destroyForcibly();
      }
      assertRecovers(w, agent, before);
    }
  }

  /** Waits until the holder's transaction blocks Warden's own health write. */
  private static void awaitLocked(TestWarden w) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (readyz(w).statusCode() == 503) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the sqlite3 process did not take the write lock within 20 s");
  }

  private static void fill(Path filler) throws IOException {
    byte[] mib = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(mib);
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left")) {
        throw e;
      }
    }
  }

  private static void assertUnavailable(HttpResponse<String> r) throws Exception {
    RefusalTest.assertProblem(r, 503, "store.unavailable");
    assertThat(TestWarden.json(r).has("decision_id")).as("nothing was logged, so no id").isFalse();
  }

  private static HttpResponse<String> readyz(TestWarden w) throws Exception {
    return w.http.send(
        HttpRequest.newBuilder(w.uri("/readyz")).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertNotReady(TestWarden w) throws Exception {
    HttpResponse<String> ready = readyz(w);
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
    assertThat(TestWarden.json(ready).path("status").asText()).isEqualTo("not_ready");
  }

  /** A decision is answered and logged again, /readyz is ready, and only that was logged. */
  private static void assertRecovers(TestWarden w, TestWarden.Agent agent, int before)
      throws Exception {
    HttpResponse<String> after = w.send(agent.key(), TestWarden.req(PAY));
    assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
    HttpResponse<String> ready = readyz(w);
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    List<String> kinds =
        w.entries().stream().skip(before).map((JsonNode e) -> e.path("kind").asText()).toList();
    assertThat(kinds)
        .as("only the decision made after recovery was logged")
        .containsExactly("decision");
  }

  private static boolean run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
