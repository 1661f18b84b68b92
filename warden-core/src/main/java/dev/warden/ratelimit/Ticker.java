package dev.warden.ratelimit;

/**
 * A monotonic nanosecond time source: only differences between readings mean anything. Injected so
 * that tests move time by hand; never the wall clock, which can jump back.
 */
@FunctionalInterface
public interface Ticker {

  /** Nanoseconds since an arbitrary fixed origin; never less than an earlier reading. */
  long read();

  /** {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
