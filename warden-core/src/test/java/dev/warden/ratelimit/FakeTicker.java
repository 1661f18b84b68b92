package dev.warden.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker moved by hand; starts at an arbitrary reading, as {@link System#nanoTime()} does. */
final class FakeTicker implements Ticker {
  private final AtomicLong nanos;

  FakeTicker(long start) {
    this.nanos = new AtomicLong(start);
  }

  @Override
  public long read() {
    return nanos.get();
  }

  void advance(Duration d) {
    advanceNanos(d.toNanos());
  }

  void advanceNanos(long n) {
    nanos.addAndGet(n);
  }
}
