package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.warden.httpsig.SigningKey;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * PostgreSQL going away under replicas (SPEC §18): two {@code warden serve} JVMs reach the database
 * through a {@link TcpProxy}, which is cut (every connection closed, new ones refused, as a
 * database restart does) while agents send requests. The replicas fail closed — {@code 503
 * store.unavailable}, {@code /readyz} not ready, never an answer they could not log — and serve
 * again once the proxy forwards again, without a restart or any other step.
 */
@ResourceLock("java.lang.System.out")
final class PostgresOutageTest {
  private static final URI LB = ReplicaCluster.BALANCED;
  private static final String READ = "{\"action\":\"files.read\",\"resource\":\"doc/%d\"}";
  private static final long DEADLINE_MS = 45_000;

  @TempDir Path tmp;
  private ReplicaCluster cluster;
  private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
  private final AtomicInteger n = new AtomicInteger();

  @AfterEach
  void stop() throws Exception {
    pool.shutdownNow();
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void databaseCut_replicasAnswer503AndAreNotReady_thenRecoverOnTheirOwn() throws Exception {
    cluster =
        ReplicaCluster.behindBalancer(
            tmp,
            """
        version: 1
        default: deny
        rules:
          - id: reads
            effect: allow
            match: {action: "files.read"}
        """);
    try (TcpProxy proxy = new TcpProxy(5432)) {
      List<ChildJvm.Server> replicas = startTwo(proxy.port());
      SigningKey key = cluster.agent(replicas.get(0), "reader");
      for (ChildJvm.Server r : replicas) {
        assertThat(read(r, key).status()).isEqualTo(200);
      }

      proxy.cut();
      for (ChildJvm.Server r : replicas) {
        long deadline = System.currentTimeMillis() + DEADLINE_MS;
        ReplicaCluster.Answer a;
        do {
          a = read(r, key);
          assertThat(a.status()).as("never an answer without the log: %s", a.body()).isEqualTo(503);
          if (System.currentTimeMillis() > deadline) {
            fail("no 503 within %d ms", DEADLINE_MS);
          }
        } while (!a.body().path("code").asText().equals("store.unavailable"));
        while (cluster.ready(r)) {
          if (System.currentTimeMillis() > deadline) {
            fail("/readyz stayed ready without the database; stderr:%n%s", r.stderrTail());
          }
          Thread.sleep(200);
        }
      }

      proxy.restore();
      for (ChildJvm.Server r : replicas) {
        long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (read(r, key).status() != 200 || !cluster.ready(r)) {
          if (System.currentTimeMillis() > deadline) {
            fail("did not recover within %d ms; stderr:%n%s", DEADLINE_MS, r.stderrTail());
          }
          Thread.sleep(300);
        }
      }
    }
  }

  private ReplicaCluster.Answer read(ChildJvm.Server r, SigningKey key) throws IOException {
    return ReplicaCluster.sendRaw(
        r,
        ReplicaCluster.sign(
            LB, key, READ.formatted(n.incrementAndGet()), null, CrashTest.newNonce()));
  }

  private List<ChildJvm.Server> startTwo(int pgPort) throws Exception {
    Callable<ChildJvm.Server> start = () -> cluster.start(pgPort);
    return pool.invokeAll(List.of(start, start)).stream()
        .map(
            f -> {
              try {
                return f.get();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            })
        .toList();
  }
}
