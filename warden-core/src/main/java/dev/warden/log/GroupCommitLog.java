package dev.warden.log;

import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.store.ApprovalWrite;
import dev.warden.store.DecisionRef;
import dev.warden.store.ExecutionWrite;
import dev.warden.store.IdempotencyRecord;
import dev.warden.store.LogHead;
import dev.warden.store.LogStore;
import dev.warden.store.NonceRecord;
import dev.warden.store.SealedBatch;
import dev.warden.store.StoreException;
import dev.warden.store.StoredCheckpoint;
import dev.warden.store.StoredEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only writer of the log. Callers hand it entries and wait until theirs is durable; one
 * committer thread takes whatever has queued up (at most {@link #MAX_BATCH} entries) and writes it
 * in one transaction, so many requests share one fsync. There is no artificial wait: a batch closes
 * as soon as the previous commit returns, which keeps the batch window far below 5 ms while the
 * disk keeps up.
 *
 * <p>Guarantee: {@link #append} returns only after the entry and the state that goes with it are on
 * disk, and throws {@code store.unavailable} otherwise — Warden never answers a decision it could
 * not log.
 */
public final class GroupCommitLog implements AutoCloseable {
  public static final int MAX_BATCH = 1_024;
  private static final Logger log = LoggerFactory.getLogger(GroupCommitLog.class);

  /**
   * An entry made durable: its index, and what its receipt needs without reading the store — the
   * batch's proofs and the checkpoint signed over it.
   */
  public record Appended(long index, BatchProofs batch, StoredCheckpoint checkpoint) {}

  private record Job(PendingEntry entry, CompletableFuture<Appended> done) {}

  private final LogStore store;
  private final Checkpointer checkpointer;
  private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
  private final Thread committer;
  // submit() holds the read lock from its closed check to its enqueue, close() the write lock to
  // close: nothing is queued after the committer's final drain. Not synchronized: a virtual thread
  // blocking inside a monitor would pin its carrier on JDK 21.
  private final ReadWriteLock closing = new ReentrantReadWriteLock();
  private volatile boolean closed;
  private volatile boolean healthy = true;
  private volatile LogHead head;

  private GroupCommitLog(LogStore store, Checkpointer checkpointer, LogHead head) {
    this.store = store;
    this.checkpointer = checkpointer;
    this.head = head;
    this.committer = Thread.ofPlatform().name("warden-group-commit").daemon().unstarted(this::run);
  }

  /**
   * Opens the log on {@code store} and starts the committer; every batch gets a checkpoint signed
   * by {@code checkpointer}.
   */
  public static GroupCommitLog start(LogStore store, Checkpointer checkpointer)
      throws StoreException {
    GroupCommitLog l = new GroupCommitLog(store, checkpointer, store.head());
    MerkleFrontier.restore(l.head.size(), l.head.state()); // fail fast on a corrupt head
    l.committer.start();
    return l;
  }

  /**
   * Appends an entry and waits until it is durable.
   *
   * @return the entry's index in the log
   * @throws RequestRejected {@code store.unavailable} if it could not be written; {@code
   *     replay.nonce_reused} or {@code idempotency.in_flight} if the store found the nonce or the
   *     idempotency key already taken
   */
  public long append(PendingEntry entry) throws RequestRejected {
    return appendProved(entry).index();
  }

  /**
   * Appends an entry and waits until it is durable, like {@link #append}; the answer also carries
   * the batch's inclusion proofs and checkpoint, so the entry's receipt needs no store read.
   */
  public Appended appendProved(PendingEntry entry) throws RequestRejected {
    CompletableFuture<Appended> f = enqueue(entry);
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RequestRejected r) {
        throw r;
      }
      throw unavailable("the log could not be written");
    } catch (TimeoutException e) {
      throw unavailable("the log did not confirm the write within 30 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("interrupted while waiting for the log");
    }
  }

  /** Queues an entry without waiting (refusal summaries: nothing is answered on them). */
  public CompletableFuture<Long> submit(PendingEntry entry) {
    return enqueue(entry).thenApply(Appended::index);
  }

  private CompletableFuture<Appended> enqueue(PendingEntry entry) {
    CompletableFuture<Appended> f = new CompletableFuture<>();
    // Checking closed and queueing under one lock with close(): otherwise an entry queued just
    // after the committer drained the queue and stopped would never complete.
    closing.readLock().lock();
    try {
      if (!closed) {
        queue.add(new Job(entry, f));
        return f;
      }
    } finally {
      closing.readLock().unlock();
    }
    f.completeExceptionally(unavailable("the log is closed"));
    return f;
  }

  /** The end of the log as of the last commit. */
  public LogHead head() {
    return head;
  }

  /**
   * False after a commit the store failed, until a commit succeeds again (a checkpoint key that
   * cannot sign does not count: its own check reports it).
   */
  public boolean healthy() {
    return healthy;
  }

  private void run() {
    List<Job> batch = new ArrayList<>(MAX_BATCH);
    while (!closed || !queue.isEmpty()) {
      try {
        Job first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        commit(batch);
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
      } catch (RuntimeException e) {
        // A bug, not an I/O fault: fail the batch rather than the committer thread.
        log.error("group commit failed", e);
        batch.forEach(j -> j.done.completeExceptionally(unavailable("internal error in the log")));
      } finally {
        batch.clear();
      }
    }
  }

  private void commit(List<Job> batch) {
    try {
      // The store may seal more than once (a replica re-reading the head): the last one counts.
      AtomicReference<BatchProofs> proofs = new AtomicReference<>();
      SealedBatch sealed =
          store.append(
              h -> {
                BatchProofs p = proofs(h, batch);
                proofs.set(p);
                return seal(h, p, batch, checkpointer);
              });
      head = sealed.newHead();
      healthy = true;
      StoredCheckpoint checkpoint = Objects.requireNonNull(sealed.checkpoint());
      for (int i = 0; i < batch.size(); i++) {
        batch
            .get(i)
            .done
            .complete(new Appended(sealed.entries().get(i).index(), proofs.get(), checkpoint));
      }
    } catch (Checkpointer.SignerUnavailable e) {
      // No checkpoint, no batch: the store rolled back, nothing is answered as logged. The store
      // is not at fault (healthy stays as it is): /readyz probes the key itself, so readiness
      // comes back as soon as the key signs again, before any request has to succeed.
      log.error("checkpoint signing failed: {}", e.getMessage());
      RequestRejected r =
          new RequestRejected(
              ErrorCode.SIGNER_UNAVAILABLE,
              "the log's checkpoint key cannot be used; the request was not decided");
      batch.forEach(j -> j.done.completeExceptionally(r));
    } catch (StoreException e) {
      if (e.kind() == StoreException.Kind.CONFLICT && batch.size() > 1) {
        // One entry's nonce or idempotency key was taken (another process raced us): write the
        // others, so one bad request does not fail its neighbours.
        for (Job j : batch) {
          commit(List.of(j));
        }
        return;
      }
      RequestRejected r = rejectionFor(e);
      if (e.kind() != StoreException.Kind.CONFLICT) {
        healthy = false;
        log.error("log append failed: {}", e.getMessage());
      }
      batch.forEach(j -> j.done.completeExceptionally(r));
    }
  }

  private static RequestRejected rejectionFor(StoreException e) {
    if (e.kind() != StoreException.Kind.CONFLICT) {
      return unavailable("the log could not be written; the request was not decided");
    }
    return switch (e.conflict()) {
      case APPROVAL ->
          new RequestRejected(
              ErrorCode.APPROVAL_RESOLVED,
              "the approval was resolved by someone else at the same time; nothing was changed");
      case EXECUTION ->
          new RequestRejected(
              ErrorCode.STORE_UNAVAILABLE,
              "the execution was already started or finished; nothing was changed");
      case IDEMPOTENCY_KEY ->
          new RequestRejected(
              ErrorCode.IDEMPOTENCY_IN_FLIGHT,
              "another request with this Idempotency-Key was decided at the same time; retry to"
                  + " get its answer");
      case NONCE, OTHER ->
          new RequestRejected(
              ErrorCode.REPLAY_NONCE_REUSED,
              "this nonce was already used; sign every request, retries included, with a fresh"
                  + " nonce");
    };
  }

  /** The batch's tree: its nodes, proofs and root, from the head and the leaves, in memory. */
  private static BatchProofs proofs(LogHead head, List<Job> batch) {
    List<byte[]> leaves = new ArrayList<>(batch.size());
    for (Job j : batch) {
      leaves.add(MerkleHasher.leafHash(j.entry.entry()));
    }
    return BatchProofs.compute(head.size(), head.state(), leaves);
  }

  static SealedBatch seal(
      LogHead head, BatchProofs proofs, List<Job> batch, Checkpointer checkpointer) {
    List<StoredEntry> entries = new ArrayList<>(batch.size());
    List<NonceRecord> nonces = new ArrayList<>();
    List<IdempotencyRecord> idem = new ArrayList<>();
    List<DecisionRef> decisions = new ArrayList<>();
    List<ApprovalWrite> approvals = new ArrayList<>();
    List<ExecutionWrite> executions = new ArrayList<>();
    long index = head.size();
    for (Job j : batch) {
      PendingEntry p = j.entry;
      entries.add(new StoredEntry(index, p.entry()));
      if (p.nonce() != null) {
        nonces.add(p.nonce());
      }
      if (p.idempotency() != null) {
        idem.add(p.idempotency());
      }
      if (p.decisionId() != null && p.agentId() != null) {
        decisions.add(new DecisionRef(p.decisionId(), p.agentId(), index));
      }
      if (p.approval() != null) {
        approvals.add(new ApprovalWrite(index, p.approval()));
      }
      if (p.execution() != null) {
        executions.add(new ExecutionWrite(index, p.execution()));
      }
      index++;
    }
    String note = checkpointer.sign(proofs.sizeAfter(), proofs.root());
    return new SealedBatch(
        new LogHead(proofs.sizeAfter(), proofs.frontierAfter()),
        entries,
        nonces,
        idem,
        decisions,
        proofs.completedNodes(),
        new StoredCheckpoint(proofs.sizeAfter(), note),
        approvals,
        executions);
  }

  private static RequestRejected unavailable(String detail) {
    return new RequestRejected(ErrorCode.STORE_UNAVAILABLE, detail);
  }

  /** Stops accepting entries, writes what is queued, and stops the committer. */
  @Override
  public void close() {
    closing.writeLock().lock();
    try {
      closed = true;
    } finally {
      closing.writeLock().unlock();
    }
    try {
      committer.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // If the committer did not finish in time, nobody will write what is left: fail it rather
    // than leave its callers waiting.
    for (Job j; (j = queue.poll()) != null; ) {
      j.done.completeExceptionally(unavailable("the log closed before this entry was written"));
    }
  }
}
