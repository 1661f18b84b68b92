package dev.warden.client.warrant;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;

/** {@link UsedWarrants#inMemory}: a map of ids and a queue by expiry, behind one lock. */
final class InMemoryUsedWarrants implements UsedWarrants {
  private record Expiry(long keepUntil, String id) {}

  private final Clock clock;
  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Long> used = new HashMap<>();
  private final PriorityQueue<Expiry> byExpiry =
      new PriorityQueue<>((a, b) -> Long.compare(a.keepUntil(), b.keepUntil()));
  private boolean closed;

  InMemoryUsedWarrants(Clock clock, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity is at least 1, not " + capacity);
    }
    this.clock = requireNonNull(clock, "clock");
    this.capacity = capacity;
  }

  @Override
  public boolean markUsed(String decisionId, Instant keepUntil) {
    WarrantIds.require(decisionId);
    long until = WarrantIds.ceilMillis(keepUntil);
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("the used-warrant store is closed");
      }
      forgetExpired(clock.millis());
      if (used.containsKey(decisionId)) {
        return false;
      }
      if (used.size() >= capacity) {
        throw new IllegalStateException(
            "the in-memory used-warrant store holds "
                + capacity
                + " unexpired ids, its capacity; refusing rather than forgetting one");
      }
      used.put(decisionId, until);
      byExpiry.add(new Expiry(until, decisionId));
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void forgetExpired(long now) {
    while (!byExpiry.isEmpty() && byExpiry.peek().keepUntil() < now) {
      Expiry e = byExpiry.poll();
      used.remove(e.id(), e.keepUntil());
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      used.clear();
      byExpiry.clear();
    } finally {
      lock.unlock();
    }
  }
}
