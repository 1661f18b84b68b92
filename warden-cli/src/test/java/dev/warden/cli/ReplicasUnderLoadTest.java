package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.httpsig.SigningKey;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * SPEC §18 with real processes: three {@code warden serve} JVMs on one PostgreSQL database, behind
 * what a load balancer does (requests signed for one name, {@code warden.lb}, sent to any replica),
 * under concurrent load from several agents. The same signed request sent to all three at once is
 * accepted once; a quota of N admits exactly N across the replicas; one replica killed with SIGKILL
 * mid-load leaves the others serving, and afterwards every answered decision is in the one log,
 * which {@code warden audit verify --store} verifies.
 */
@ResourceLock("java.lang.System.out")
final class ReplicasUnderLoadTest {
  private static final URI LB = ReplicaCluster.BALANCED;
  private static final int AGENTS = 4;
  private static final int QUOTA = 24;
  private static final String READ = "{\"action\":\"files.read\",\"resource\":\"doc/%d\"}";
  private static final long DEADLINE_MS = 45_000;
  private static final String POLICY =
      """
      version: 1
      default: deny
      rules:
        - id: reads
          effect: allow
          match: {action: "files.read"}
        - id: mail
          effect: allow
          match: {action: "email.send"}
      quotas:
        - id: mail-daily
          scope: tenant
          match: {action: "email.send"}
          window: day
          limit: %d
      """
          .formatted(QUOTA);
  private static final String SEND = "{\"action\":\"email.send\",\"resource\":\"to/%d\"}";

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
  void threeReplicas_oneNonceOnce_quotaExact_killedReplicaLosesNothingAnswered() throws Exception {
    cluster = ReplicaCluster.behindBalancer(tmp, POLICY);
    List<ChildJvm.Server> replicas = new ArrayList<>();
    for (Future<ChildJvm.Server> f :
        pool.invokeAll(
            List.<Callable<ChildJvm.Server>>of(cluster::start, cluster::start, cluster::start))) {
      replicas.add(f.get());
    }
    List<SigningKey> agents = new ArrayList<>();
    for (int i = 0; i < AGENTS; i++) {
      agents.add(cluster.agent(replicas.get(i % 3), "agent-" + i));
    }
    Set<String> answered = ConcurrentHashMap.newKeySet();

    // 1. Each signed request goes to all three replicas at once: one accepts it.
    List<Callable<List<ReplicaCluster.Answer>>> same = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      ReplicaCluster.Signed s =
          ReplicaCluster.sign(
              LB, agents.get(i % AGENTS), READ.formatted(i), null, CrashLoad.newNonce());
      same.add(() -> sendToAll(replicas, s));
    }
    for (Future<List<ReplicaCluster.Answer>> f : pool.invokeAll(same)) {
      List<ReplicaCluster.Answer> three = f.get();
      assertThat(three).extracting(ReplicaCluster.Answer::status).containsOnly(200, 409);
      assertThat(three).filteredOn(a -> a.status() == 200).hasSize(1);
      three.stream()
          .filter(a -> a.status() == 409)
          .forEach(
              a -> assertThat(a.body().path("code").asText()).isEqualTo("replay.nonce_reused"));
      three.stream()
          .filter(a -> a.status() == 200)
          .forEach(a -> answered.add(a.body().path("decision_id").asText()));
    }

    // 2. Twice the quota, spread over the replicas: exactly QUOTA are allowed.
    List<Callable<ReplicaCluster.Answer>> mail = new ArrayList<>();
    for (int i = 0; i < 2 * QUOTA; i++) {
      ReplicaCluster.Signed s =
          ReplicaCluster.sign(
              LB, agents.get(i % AGENTS), SEND.formatted(i), null, CrashLoad.newNonce());
      ChildJvm.Server r = replicas.get(i % 3);
      mail.add(() -> ReplicaCluster.sendRaw(r, s));
    }
    int allowed = 0;
    for (Future<ReplicaCluster.Answer> f : pool.invokeAll(mail)) {
      ReplicaCluster.Answer a = f.get();
      assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
      if (a.body().path("decision").asText().equals("allow")) {
        allowed++;
      } else {
        assertThat(a.body().path("reasons").path(0).path("code").asText())
            .isEqualTo("quota.exceeded");
      }
      answered.add(a.body().path("decision_id").asText());
    }
    assertThat(allowed).isEqualTo(QUOTA);

    // 3. Load on all three; the third is killed in the middle of it.
    AtomicBoolean killed = new AtomicBoolean();
    AtomicInteger servedAfterKill = new AtomicInteger();
    Map<String, Integer> failures = new ConcurrentHashMap<>();
    List<Callable<Void>> load = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      int worker = t;
      load.add(
          () -> {
            // Until this worker has sent 15 requests after the kill (the load outlasts it).
            for (int i = 0, afterKill = 0; i < 2000 && afterKill < 15; i++) {
              int n = ThreadLocalRandom.current().nextInt(3);
              ReplicaCluster.Signed s =
                  ReplicaCluster.sign(
                      LB,
                      agents.get(worker % AGENTS),
                      READ.formatted(1000 * worker + i),
                      null,
                      CrashLoad.newNonce());
              boolean after = killed.get();
              if (after) {
                afterKill++;
              }
              try {
                ReplicaCluster.Answer a = ReplicaCluster.sendRaw(replicas.get(n), s);
                if (a.status() == 200) {
                  answered.add(a.body().path("decision_id").asText());
                  if (after && n < 2) {
                    servedAfterKill.incrementAndGet();
                  }
                } else {
                  failures.merge(n + ":" + a.status(), 1, Integer::sum);
                }
              } catch (IOException e) {
                if (n < 2) {
                  failures.merge(n + ":" + e.getMessage(), 1, Integer::sum);
                }
              }
            }
            return null;
          });
    }
    int before = answered.size();
    List<Future<Void>> running = load.stream().map(pool::submit).toList();
    long loaded = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (answered.size() < before + 30 && System.nanoTime() < loaded) {
      Thread.sleep(50); // killed mid-load: once the load is under way, whatever the machine's speed
    }
    replicas.get(2).kill();
    killed.set(true);
    for (Future<Void> f : running) {
      f.get(120, TimeUnit.SECONDS);
    }
    assertThat(failures).as("the survivors answered every request").isEmpty();
    assertThat(servedAfterKill.get()).as("the survivors kept serving").isPositive();

    // 4. A replica started again, and the log: every answered decision is there, once.
    ChildJvm.Server restarted = cluster.start();
    List<JsonNode> entries = cluster.entries(restarted);
    Set<String> logged = new HashSet<>();
    for (JsonNode e : entries) {
      if (e.path("kind").asText().equals("decision")) {
        assertThat(logged.add(e.path("decision_id").asText())).as("logged once").isTrue();
      }
    }
    assertThat(logged).containsAll(answered);
    long mailAllowed =
        entries.stream()
            .filter(e -> e.path("action").asText().equals("email.send"))
            .filter(e -> e.path("decision").asText().equals("allow"))
            .count();
    assertThat(mailAllowed).isEqualTo(QUOTA);

    CliTest.Run verify =
        CliTest.run(
            "audit",
            "verify",
            "--data-dir",
            cluster.data().root().toString(),
            "--store",
            cluster.url(5432));
    assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
  }

  private List<ReplicaCluster.Answer> sendToAll(
      List<ChildJvm.Server> replicas, ReplicaCluster.Signed s) throws Exception {
    List<Callable<ReplicaCluster.Answer>> three = new ArrayList<>();
    for (ChildJvm.Server r : replicas) {
      three.add(() -> ReplicaCluster.sendRaw(r, s));
    }
    List<ReplicaCluster.Answer> out = new ArrayList<>();
    for (Future<ReplicaCluster.Answer> f : pool.invokeAll(three)) {
      out.add(f.get());
    }
    return out;
  }

  @Test
  void databaseCut_replicasAnswer503AndAreNotReady_thenRecoverOnTheirOwn() throws Exception {
    cluster = ReplicaCluster.behindBalancer(tmp, POLICY);
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
            LB, key, READ.formatted(n.incrementAndGet()), null, CrashLoad.newNonce()));
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
