package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the database cannot be written, Warden answers no decision it could not log: 503 {@code
 * store.unavailable}, {@code /readyz} not ready; and it recovers by itself when the fault goes. The
 * fault is real: the database files are made immutable ({@code chattr +i}), which stops even root;
 * the test is skipped where the filesystem has no such attribute.
 */
class FailClosedTest {
  @TempDir Path tmp;

  private static boolean chattr(String flag, Path... files) throws Exception {
    for (Path f : files) {
      Process p =
          new ProcessBuilder("chattr", flag, f.toString()).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (p.waitFor() != 0) {
        return false;
      }
    }
    return true;
  }

  @Test
  void unwritableDatabase_503AndNotReady_thenRecovers() throws Exception {
    try (TestWarden w = TestWarden.start(tmp)) {
      TestWarden.Agent agent = w.createAgent("agent-1");
      String pay = "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\"}";
      assertThat(w.send(agent.key(), TestWarden.req(pay)).statusCode()).isEqualTo(200);
      int before = w.entries().size();
      Path db = w.data.database();
      Path wal = Path.of(db + "-wal");
      assumeTrue(chattr("+i", db, wal), "chattr +i is not available here");
      try {
        HttpResponse<String> r = w.send(agent.key(), TestWarden.req(pay));
        RefusalTest.assertProblem(r, 503, "store.unavailable");
        assertThat(TestWarden.json(r).has("decision_id"))
            .as("nothing was logged, so no id")
            .isFalse();
        HttpResponse<String> ready =
            w.http.send(
                HttpRequest.newBuilder(w.uri("/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(TestWarden.json(ready).path("status").asText()).isEqualTo("not_ready");
      } finally {
        assertThat(chattr("-i", db, wal)).isTrue();
      }
      HttpResponse<String> after = w.send(agent.key(), TestWarden.req(pay));
      assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
      HttpResponse<String> ready =
          w.http.send(
              HttpRequest.newBuilder(w.uri("/readyz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
      List<String> kinds =
          w.entries().stream().skip(before).map(e -> e.path("kind").asText()).toList();
      assertThat(kinds)
          .as("only the decision made after recovery was logged")
          .containsExactly("decision");
    }
  }
}
