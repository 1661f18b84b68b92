package dev.warden.store.postgresql;

import static dev.warden.store.contract.Fixtures.at;
import static dev.warden.store.contract.Fixtures.nonce;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.crypto.Ed25519KeyPair;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.log.GroupCommitLog;
import dev.warden.log.MerkleFrontier;
import dev.warden.log.MerkleHasher;
import dev.warden.log.MerkleProofs;
import dev.warden.log.NodeSource;
import dev.warden.log.PendingEntry;
import dev.warden.note.Checkpoint;
import dev.warden.note.NoteSigner;
import dev.warden.store.Charge;
import dev.warden.store.ExecutionChange;
import dev.warden.store.ExecutionRecord;
import dev.warden.store.ExecutionState;
import dev.warden.store.ReplicaStore;
import dev.warden.store.ReserveResult;
import dev.warden.store.StoreException;
import dev.warden.store.StoredCheckpoint;
import dev.warden.store.StoredEntry;
import dev.warden.store.contract.ChainBatch;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas — two {@link PostgresStore}s, two connection pools — on one database, as SPEC §18
 * runs them: one log, no nonce accepted twice, no budget overspent.
 */
final class PostgresReplicasTest {
  private static final String ORIGIN = "warden.test/log";
  private static TestDatabase database;
  private static final AtomicInteger schemas = new AtomicInteger();

  private PostgresStore a;
  private PostgresStore b;
  private String schema;

  @BeforeAll
  static void createDatabase() {
    database = TestDatabase.create("replicas");
  }

  @AfterAll
  static void dropDatabase() {
    if (database != null) {
      database.close();
    }
  }

  @BeforeEach
  void openReplicas() throws Exception {
    schema = "r" + schemas.incrementAndGet();
    database.execute("CREATE SCHEMA " + schema);
    String url = database.url(schema);
    // Both start at once: the schema is migrated by one of them, and the other finds it done.
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<PostgresStore> first = pool.submit(() -> PostgresStore.open(url, Clock.systemUTC()));
      Future<PostgresStore> second = pool.submit(() -> PostgresStore.open(url, Clock.systemUTC()));
      a = first.get(60, TimeUnit.SECONDS);
      b = second.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
  }

  @AfterEach
  void closeReplicas() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  @Test
  void orphaned_whileTheOwnersLeaseIsLive_isEmpty_andListedOnceItExpired() throws Exception {
    a.replicas().heartbeat();
    b.replicas().heartbeat();
    a.log()
        .append(
            ChainBatch.of(1, "a")
                .execution(new ExecutionChange.Start("d1", "bot-1", "payments-api"), 0));

    assertThat(b.executions().orphaned(10)).as("a is alive").isEmpty();

    // a stops renewing its lease: one lease later, by the database's clock, it is dead.
    database.execute(
        "UPDATE "
            + schema
            + ".replicas SET heartbeat_at = heartbeat_at - "
            + (ReplicaStore.LEASE.toMillis() + 1000)
            + " WHERE id = '"
            + a.replicas().self()
            + "'");

    assertThat(b.executions().orphaned(10))
        .extracting(ExecutionRecord::decisionId)
        .containsExactly("d1");
    assertThat(a.executions().orphaned(10)).as("never a replica's own").isEmpty();
    b.replicas().heartbeat();
    assertThat(b.executions().orphaned(10)).as("b's heartbeat forgets no recent lease").hasSize(1);
  }

  @Test
  void watchDecisions_hearsAnExecutionChangedByAnotherReplica_onlyOnceCommitted() throws Exception {
    BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    try (AutoCloseable watch = a.watchDecisions(heard::add)) {
      // The watch listens on its own connection, which may take a moment to open.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      String id = null;
      for (int i = 0; id == null && System.nanoTime() < deadline; i++) {
        b.log()
            .append(
                ChainBatch.of(1, "w" + i)
                    .execution(new ExecutionChange.Start("w" + i, "bot-1", "payments-api"), 0));
        id = heard.poll(500, TimeUnit.MILLISECONDS);
      }
      assertThat(id).as("a NOTIFY from b's append").startsWith("w");
      heard.clear();
      b.log()
          .append(
              ChainBatch.of(1, "z")
                  .execution(new ExecutionChange.Finish("w0", ExecutionState.SUCCEEDED, at(1)), 0));
      assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo("w0");
    }
  }

  @Test
  void groupCommit_onTwoReplicasConcurrently_givesOneLogThatVerifies() throws Exception {
    NoteSigner signer = new NoteSigner(ORIGIN, Ed25519KeyPair.fromSeed(new byte[32]));
    int threadsPerReplica = 4;
    int entriesPerThread = 60;
    List<Callable<Void>> work = new ArrayList<>();
    try (GroupCommitLog logA = GroupCommitLog.start(a.log(), checkpointer(signer));
        GroupCommitLog logB = GroupCommitLog.start(b.log(), checkpointer(signer))) {
      for (int t = 0; t < 2 * threadsPerReplica; t++) {
        GroupCommitLog log = t % 2 == 0 ? logA : logB;
        String tag = (t % 2 == 0 ? "a" : "b") + t;
        work.add(
            () -> {
              for (int i = 0; i < entriesPerThread; i++) {
                log.append(PendingEntry.of(("{\"e\":\"" + tag + "-" + i + "\"}").getBytes()));
              }
              return null;
            });
      }
      runTogether(work);
    }

    long size = a.log().head().size();
    assertThat(size).isEqualTo(2L * threadsPerReplica * entriesPerThread);
    assertThat(b.log().head()).isEqualTo(a.log().head());
    List<StoredEntry> entries = a.log().read(0, size);
    Set<String> distinct = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      assertThat(entries.get(i).index()).as("entry %d", i).isEqualTo(i);
      distinct.add(new String(entries.get(i).entry(), StandardCharsets.UTF_8));
    }
    assertThat(distinct).hasSize(Math.toIntExact(size));

    // Every stored checkpoint is signed, commits to the tree of the stored entries at its size,
    // agrees with the stored nodes, and is consistent with the one before it.
    List<byte[]> roots = new ArrayList<>();
    MerkleFrontier frontier = MerkleFrontier.empty();
    roots.add(frontier.root());
    for (StoredEntry e : entries) {
      frontier.append(MerkleHasher.leafHash(e.entry()));
      roots.add(frontier.root());
    }
    List<StoredCheckpoint> checkpoints = a.log().checkpoints(0, 100_000);
    assertThat(checkpoints).isNotEmpty();
    assertThat(checkpoints.getLast().size()).isEqualTo(size);
    Checkpoint previous = null;
    for (StoredCheckpoint stored : checkpoints) {
      Checkpoint cp = Checkpoint.open(stored.note(), List.of(signer.verifierKey()));
      assertThat(cp.size()).isEqualTo(stored.size());
      assertThat(cp.root()).as("root at %d", cp.size()).isEqualTo(roots.get((int) cp.size()));
      NodeSource nodes = NodeSource.of(a.log().nodes(MerkleProofs.rootNodes(cp.size())));
      assertThat(MerkleProofs.root(cp.size(), nodes)).isEqualTo(cp.root());
      if (previous != null) {
        NodeSource proofNodes =
            NodeSource.of(b.log().nodes(MerkleProofs.consistencyNodes(previous.size(), cp.size())));
        List<byte[]> proof = MerkleProofs.consistency(previous.size(), cp.size(), proofNodes);
        MerkleProofs.verifyConsistency(
            previous.size(), cp.size(), proof, previous.root(), cp.root());
      }
      previous = cp;
    }
  }

  @Test
  void appendOfOneNonce_fromBothReplicasConcurrently_acceptsItOnce() throws Exception {
    int rounds = 40;
    List<Callable<Boolean>> work = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      for (PostgresStore replica : List.of(a, b)) {
        String n = "n" + round;
        work.add(
            () -> {
              try {
                replica.log().append(ChainBatch.of(1, n).nonce(nonce("bot-1", n, at(600))));
                return true;
              } catch (StoreException e) {
                assertThat(e.conflict()).isEqualTo(StoreException.Conflict.NONCE);
                return false;
              }
            });
      }
    }

    List<Boolean> accepted = runTogether(work);

    for (int round = 0; round < rounds; round++) {
      assertThat(accepted.get(2 * round) ^ accepted.get(2 * round + 1))
          .as("nonce n%d accepted by exactly one replica", round)
          .isTrue();
    }
    assertThat(a.log().liveNonces(at(0))).hasSize(rounds);
    assertThat(a.log().head().size()).isEqualTo(rounds);
    ChainBatch.verify(a.log().read(0, rounds), b.log().head());
  }

  @Test
  void groupCommit_sameNonceOnBothReplicas_isAnsweredOnceAsReused() throws Exception {
    NoteSigner signer = new NoteSigner(ORIGIN, Ed25519KeyPair.fromSeed(new byte[32]));
    int nonces = 50;
    List<Callable<Boolean>> work = new ArrayList<>();
    try (GroupCommitLog logA = GroupCommitLog.start(a.log(), checkpointer(signer));
        GroupCommitLog logB = GroupCommitLog.start(b.log(), checkpointer(signer))) {
      for (int i = 0; i < nonces; i++) {
        for (GroupCommitLog log : List.of(logA, logB)) {
          String n = "n" + i;
          work.add(
              () -> {
                try {
                  log.append(
                      new PendingEntry(
                          ("{\"n\":\"" + n + "\"}").getBytes(StandardCharsets.UTF_8),
                          null,
                          null,
                          nonce("bot-1", n, at(600)),
                          null));
                  return true;
                } catch (RequestRejected e) {
                  assertThat(e.code()).isEqualTo(ErrorCode.REPLAY_NONCE_REUSED);
                  return false;
                }
              });
        }
      }
      List<Boolean> accepted = runTogether(work);
      for (int i = 0; i < nonces; i++) {
        assertThat(accepted.get(2 * i) ^ accepted.get(2 * i + 1)).as("nonce n%d", i).isTrue();
      }
    }
    assertThat(a.log().head().size()).isEqualTo(nonces);
  }

  @Test
  void reserve_fromBothReplicasConcurrently_admitsExactlyTheBudget() throws Exception {
    int admits = 37;
    int requests = 300;
    List<Callable<Boolean>> work = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      PostgresStore replica = i % 2 == 0 ? a : b;
      String id = "r" + i;
      work.add(
          () ->
              replica
                      .usage()
                      .reserve(
                          id,
                          List.of(
                              new Charge("budget:acme:day", admits * 100L, 100, at(86_400)),
                              new Charge("quota:bot-" + (id.hashCode() & 3), 1_000, 1, at(3_600))),
                          at(0),
                          at(60))
                  instanceof ReserveResult.Reserved);
    }

    List<Boolean> reserved = runTogether(work);

    assertThat(reserved.stream().filter(r -> r).count()).isEqualTo(admits);
    assertThat(a.usage().used("budget:acme:day")).isEqualTo(admits * 100L);
    // Settling races too: commit on one replica, release on the other; each settles once.
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      if (reserved.get(i)) {
        ids.add("r" + i);
      }
    }
    List<Callable<Integer>> settle = new ArrayList<>();
    for (String id : ids) {
      settle.add(() -> a.usage().commit(List.of(id)));
      settle.add(() -> b.usage().release(List.of(id)));
    }
    List<Integer> moved = runTogether(settle);
    int total = 0;
    for (int i = 0; i < ids.size(); i++) {
      assertThat(moved.get(2 * i) + moved.get(2 * i + 1)).as(ids.get(i)).isEqualTo(1);
      total += moved.get(2 * i);
    }
    assertThat(b.usage().used("budget:acme:day")).isEqualTo(total * 100L);
  }

  private static dev.warden.log.Checkpointer checkpointer(NoteSigner signer) {
    return (size, root) -> signer.sign(new Checkpoint(ORIGIN, size, root).body());
  }

  /** Runs every task at once, each on its own thread, and returns their results in order. */
  private static <T> List<T> runTogether(List<Callable<T>> tasks) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Callable<T> t : tasks) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return t.call();
                }));
      }
      start.countDown();
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get(120, TimeUnit.SECONDS));
      }
      return out;
    }
  }
}
