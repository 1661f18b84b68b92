package dev.warden.approval;

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
