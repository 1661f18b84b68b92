package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.warden.httpsig.SigningKey;
import dev.warden.store.ReplicaStore;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Replica-aware execution recovery (SPEC §18), with replicas as separate JVMs on one PostgreSQL
 * database: replicas that start while another runs an action leave it alone (it finishes {@code
 * succeeded}), and an action in flight on a replica killed with SIGKILL is recorded {@code
 * outcome_unknown} exactly once by the survivors, after the dead replica's lease expired.
 */
@ResourceLock("java.lang.System.out")
final class ReplicaRecoveryTest {
  private static final String PAY =
      "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\",\"params\":{\"to\":\"x\"}}";

  @TempDir Path tmp;
  private HoldingUpstream upstream;
  private ReplicaCluster cluster;

  @BeforeEach
  void startUpstream() throws IOException {
    upstream = new HoldingUpstream();
  }

  @AfterEach
  void stopAll() throws Exception {
    upstream.close();
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void startingReplicasLeaveALiveReplicasActionAlone_aKilledOnesIsRecordedUnknownOnce()
      throws Exception {
    cluster = ReplicaCluster.create(tmp, upstream.adapterConfig());
    ChildJvm.Server a = cluster.start();
    SigningKey key = cluster.agent(a, "pay-bot");

    CompletableFuture<HttpResponse<String>> running =
        cluster.http.sendAsync(
            ReplicaCluster.signed(a, key, "/v1/actions", PAY, "first"),
            HttpResponse.BodyHandlers.ofString());
    awaitUpstream(a);
    String first = inFlight(a).getFirst();

    // Two replicas start (each recovers at start) and then keep recovering every heartbeat for
    // longer than a lease: a is alive, so its action is nobody's to record.
    long since = System.nanoTime();
    ChildJvm.Server b = cluster.start();
    ChildJvm.Server c = cluster.start();
    sleepUntil(since + ReplicaStore.LEASE.plus(ReplicaStore.HEARTBEAT.multipliedBy(2)).toNanos());
    assertThat(inFlight(b)).containsExactly(first);

    upstream.release();
    HttpResponse<String> done = running.get(30, TimeUnit.SECONDS);
    assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
    assertThat(outcomes(b, first)).containsExactly("succeeded");

    // a is killed while the upstream holds its second action.
    var orphan =
        cluster.http.sendAsync(
            ReplicaCluster.signed(a, key, "/v1/actions", PAY, "second"),
            HttpResponse.BodyHandlers.ofString());
    awaitUpstream(a);
    String second = inFlight(a).getFirst();
    long killed = System.nanoTime();
    a.kill();
    assertThat(orphan).failsWithin(Duration.ofSeconds(10));

    long deadline = killed + Duration.ofSeconds(60).toNanos();
    while (outcomes(b, second).isEmpty()) {
      if (System.nanoTime() > deadline) {
        fail("no replica recorded the dead replica's action; b's stderr:%n%s", b.stderrTail());
      }
      Thread.sleep(200);
    }
    long tookMs = (System.nanoTime() - killed) / 1_000_000;
    assertThat(tookMs)
        .as("not before the lease expired")
        .isGreaterThanOrEqualTo(
            ReplicaStore.LEASE.toMillis() - 2 * ReplicaStore.HEARTBEAT.toMillis());
    // Both survivors keep recovering; the action stays recorded once.
    Thread.sleep(3 * ReplicaStore.HEARTBEAT.toMillis());
    assertThat(outcomes(c, second)).containsExactly("outcome_unknown");
    assertThat(inFlight(c)).isEmpty();
    assertThat(upstream.requests()).as("nothing was run again").isEqualTo(2);
  }

  private void awaitUpstream(ChildJvm.Server r) throws InterruptedException {
    if (!upstream.awaitRequest(30)) {
      fail("the upstream never received the action; stderr:%n%s", r.stderrTail());
    }
  }

  private List<String> inFlight(ChildJvm.Server r) throws Exception {
    HttpResponse<String> res = cluster.admin(r, "GET", "/v1/executions?state=in_flight", null);
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    return ReplicaCluster.JSON
        .readTree(res.body())
        .path("executions")
        .findValuesAsText("decision_id");
  }

  /** The outcomes of every {@code execution} entry the log holds for {@code decisionId}. */
  private List<String> outcomes(ChildJvm.Server r, String decisionId) throws Exception {
    return cluster.entries(r).stream()
        .filter(e -> e.path("kind").asText().equals("execution"))
        .filter(e -> e.path("decision_id").asText().equals(decisionId))
        .map(e -> e.path("outcome").asText())
        .toList();
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }
}
