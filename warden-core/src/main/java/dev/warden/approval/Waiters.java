package dev.warden.approval;

import dev.warden.store.StoreException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Requests long-polling a pending decision ({@code GET /v1/decisions/{id}?wait=30s}), woken when
 * its approval is resolved. One future per decision, shared by its waiters, dropped on resolution.
 * A waiter registers before it reads the approval, so a resolution in between still wakes it.
 */
final class Waiters {
  /**
   * How long a waiter waits before it reads the database again on its own: the bound on how late it
   * hears of a resolution on another replica when no notification reached it.
   */
  static final Duration RECHECK = Duration.ofSeconds(2);

  /** Whether what a waiter waits for has happened, read from the store. */
  @FunctionalInterface
  interface Check {
    boolean done() throws StoreException;
  }

  private final ConcurrentHashMap<String, CompletableFuture<Void>> byDecision =
      new ConcurrentHashMap<>();

  /** A registered wait. */
  static final class Wait {
    private final CompletableFuture<Void> done;

    Wait(CompletableFuture<Void> done) {
      this.done = done;
    }

    /** Blocks until the resolution or {@code timeout}; an interrupt ends the wait early. */
    void await(Duration timeout) {
      try {
        done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // Answer with the state as it is.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Waits up to {@code timeout} until {@code done} holds, checking it at once, whenever {@code
   * decisionId} is {@link #resolved}, and at least every {@link #RECHECK}.
   */
  void await(String decisionId, Duration timeout, Check done) throws StoreException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Wait w = register(decisionId);
      if (done.done()) {
        resolved(decisionId); // drops the registration just made
        return;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      w.await(Duration.ofNanos(Math.min(left, RECHECK.toNanos())));
    }
  }

  Wait register(String decisionId) {
    return new Wait(byDecision.computeIfAbsent(decisionId, k -> new CompletableFuture<>()));
  }

  void resolved(String decisionId) {
    CompletableFuture<Void> f = byDecision.remove(decisionId);
    if (f != null) {
      f.complete(null);
    }
  }
}
