package dev.warden.log;

import dev.warden.store.BatchSealer;
import dev.warden.store.DecisionRef;
import dev.warden.store.IdempotencyRecord;
import dev.warden.store.LogHead;
import dev.warden.store.LogStore;
import dev.warden.store.NonceRecord;
import dev.warden.store.SealedBatch;
import dev.warden.store.StoreException;
import dev.warden.store.StoredCheckpoint;
import dev.warden.store.StoredEntry;
import dev.warden.store.TreeNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A {@link LogStore} in memory for tests of the log's callers (the real one, SQLite, lives in
 * warden-store, which depends on this module). It keeps the SPI contract the way {@code LogAppend}
 * does: appends run under one lock, the sealer gets the current head, the sealed batch must number
 * its entries contiguously from the head and the new head must follow; a nonce or idempotency key
 * that is live (expiry at or after the store clock's now) — in the store or earlier in the same
 * batch — makes the whole batch a {@code CONFLICT} with nothing written.
 *
 * <p>Test hooks: {@link #failWith} makes appends throw until {@link #heal}; {@link #hold} makes the
 * next appends wait at a gate until {@link #release}, so a test can let entries queue up behind a
 * batch that is "on its way to disk".
 */
public final class InMemoryLogStore implements LogStore {
  private record Key(String agentId, String value) {}

  private final Clock clock;
  private final Object lock = new Object();
  private LogHead head = LogHead.EMPTY;
  private final List<byte[]> entries = new ArrayList<>();
  private final Map<Key, NonceRecord> nonces = new HashMap<>();
  private final Map<Key, IdempotencyRecord> idempotency = new HashMap<>();
  private final Map<String, DecisionRef> decisions = new HashMap<>();
  private final Map<TreeNode.Id, TreeNode> nodes = new HashMap<>();
  private final java.util.TreeMap<Long, StoredCheckpoint> checkpoints = new java.util.TreeMap<>();
  private final List<Integer> committedBatchSizes = new ArrayList<>();
  private int appendCalls;

  private volatile @Nullable Exception failure;
  private volatile @Nullable CountDownLatch gate;
  private final Semaphore atGate = new Semaphore(0);

  public InMemoryLogStore(Clock clock) {
    this.clock = clock;
  }

  public InMemoryLogStore() {
    this(Clock.systemUTC());
  }

  // ---- test hooks ----

  /** Every append throws {@code e} (nothing written) until {@link #heal}. */
  public void failWith(StoreException e) {
    failure = e;
  }

  /** Every append throws {@code e}, as a bug in the store would, until {@link #heal}. */
  public void failWithBug(RuntimeException e) {
    failure = e;
  }

  public void heal() {
    failure = null;
  }

  /** Appends from now on wait before they lock the head, until {@link #release}. */
  public void hold() {
    atGate.drainPermits();
    gate = new CountDownLatch(1);
  }

  /** Waits until an append is waiting at the gate {@link #hold} closed (a hang guard of 30 s). */
  public void awaitHeldAppend() throws InterruptedException {
    if (!atGate.tryAcquire(30, TimeUnit.SECONDS)) {
      throw new AssertionError("no append reached the held store within 30 s");
    }
  }

  public void release() {
    CountDownLatch g = gate;
    gate = null;
    if (g != null) {
      g.countDown();
    }
  }

  /** Adds a record as if an earlier append had written it. */
  public void putIdempotency(IdempotencyRecord r) {
    synchronized (lock) {
      idempotency.put(new Key(r.agentId(), r.key()), r);
    }
  }

  /** Sizes of the batches written, in order. */
  public List<Integer> committedBatchSizes() {
    synchronized (lock) {
      return List.copyOf(committedBatchSizes);
    }
  }

  /** Calls of {@link #append}, failed ones included. */
  public int appendCalls() {
    synchronized (lock) {
      return appendCalls;
    }
  }

  /** Every stored entry, by index. */
  public List<byte[]> entries() {
    synchronized (lock) {
      return entries.stream().map(byte[]::clone).toList();
    }
  }

  // ---- LogStore ----

  @Override
  public LogHead head() throws StoreException {
    synchronized (lock) {
      return head;
    }
  }

  @Override
  public SealedBatch append(BatchSealer sealer) throws StoreException {
    CountDownLatch g = gate;
    if (g != null) {
      atGate.release();
      try {
        g.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException(StoreException.Kind.UNAVAILABLE, "interrupted", e);
      }
    }
    synchronized (lock) {
      appendCalls++;
      throwFailure();
      SealedBatch batch = sealer.seal(head);
      check(batch);
      Instant now = clock.instant();
      Set<Key> batchNonces = new HashSet<>();
      for (NonceRecord n : batch.nonces()) {
        Key k = new Key(n.agentId(), n.nonce());
        NonceRecord old = nonces.get(k);
        if (!batchNonces.add(k) || (old != null && !old.expiresAt().isBefore(now))) {
          throw StoreException.conflict(
              StoreException.Conflict.NONCE, "a nonce of agent " + n.agentId() + " was used");
        }
      }
      Set<Key> batchKeys = new HashSet<>();
      for (IdempotencyRecord r : batch.idempotency()) {
        Key k = new Key(r.agentId(), r.key());
        IdempotencyRecord old = idempotency.get(k);
        if (!batchKeys.add(k) || (old != null && !old.expiresAt().isBefore(now))) {
          throw StoreException.conflict(
              StoreException.Conflict.IDEMPOTENCY_KEY,
              "an idempotency key of " + r.agentId() + " is taken");
        }
      }
      for (StoredEntry e : batch.entries()) {
        entries.add(e.entry());
      }
      batch.nonces().forEach(n -> nonces.put(new Key(n.agentId(), n.nonce()), n));
      batch.idempotency().forEach(r -> idempotency.put(new Key(r.agentId(), r.key()), r));
      batch.decisions().forEach(d -> decisions.putIfAbsent(d.decisionId(), d));
      batch.nodes().forEach(n -> nodes.put(n.id(), n));
      if (batch.checkpoint() != null) {
        checkpoints.put(batch.checkpoint().size(), batch.checkpoint());
      }
      head = batch.newHead();
      committedBatchSizes.add(batch.entries().size());
      return batch;
    }
  }

  private void throwFailure() throws StoreException {
    Exception f = failure;
    if (f instanceof StoreException se) {
      throw se;
    }
    if (f instanceof RuntimeException re) {
      throw re;
    }
  }

  private void check(SealedBatch batch) {
    long next = head.size();
    for (StoredEntry e : batch.entries()) {
      if (e.index() != next) {
        throw new IllegalStateException(
            "sealed entry has index " + e.index() + " where the log expects " + next);
      }
      next++;
    }
    if (batch.newHead().size() != next) {
      throw new IllegalStateException(
          "sealed head has size " + batch.newHead().size() + " where the batch makes it " + next);
    }
    for (DecisionRef d : batch.decisions()) {
      if (d.index() >= next) {
        throw new IllegalStateException("decision reference past the log's end");
      }
    }
  }

  @Override
  public List<TreeNode> nodes(List<TreeNode.Id> ids) throws StoreException {
    synchronized (lock) {
      List<TreeNode> out = new ArrayList<>();
      for (TreeNode.Id id : ids) {
        TreeNode n = nodes.get(id);
        if (n == null) {
          throw new StoreException(StoreException.Kind.CORRUPT, "no tree node " + id);
        }
        out.add(n);
      }
      return out;
    }
  }

  @Override
  public Optional<StoredCheckpoint> latestCheckpoint() {
    synchronized (lock) {
      return checkpoints.isEmpty()
          ? Optional.empty()
          : Optional.of(checkpoints.lastEntry().getValue());
    }
  }

  @Override
  public Optional<StoredCheckpoint> checkpointCovering(long index) {
    synchronized (lock) {
      var e = checkpoints.higherEntry(index);
      return e == null ? Optional.empty() : Optional.of(e.getValue());
    }
  }

  @Override
  public List<StoredCheckpoint> checkpoints(long fromSize, int limit) {
    synchronized (lock) {
      return checkpoints.tailMap(fromSize, true).values().stream().limit(limit).toList();
    }
  }

  @Override
  public List<StoredEntry> read(long start, long end) throws StoreException {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("bad range [" + start + ", " + end + ")");
    }
    synchronized (lock) {
      List<StoredEntry> out = new ArrayList<>();
      for (long i = start; i < Math.min(end, entries.size()); i++) {
        out.add(new StoredEntry(i, entries.get((int) i)));
      }
      return out;
    }
  }

  @Override
  public Optional<DecisionRef> findDecision(String decisionId) throws StoreException {
    synchronized (lock) {
      return Optional.ofNullable(decisions.get(decisionId));
    }
  }

  @Override
  public Optional<IdempotencyRecord> findIdempotency(String agentId, String key, Instant now)
      throws StoreException {
    throwFailure();
    synchronized (lock) {
      IdempotencyRecord r = idempotency.get(new Key(agentId, key));
      return r == null || r.expiresAt().isBefore(now) ? Optional.empty() : Optional.of(r);
    }
  }

  @Override
  public List<NonceRecord> liveNonces(Instant now) throws StoreException {
    synchronized (lock) {
      return nonces.values().stream().filter(n -> !n.expiresAt().isBefore(now)).toList();
    }
  }

  @Override
  public int purgeExpired(Instant now) throws StoreException {
    synchronized (lock) {
      int before = nonces.size() + idempotency.size();
      nonces.values().removeIf(n -> n.expiresAt().isBefore(now));
      idempotency.values().removeIf(r -> r.expiresAt().isBefore(now));
      return before - nonces.size() - idempotency.size();
    }
  }
}
