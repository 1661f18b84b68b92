package dev.warden.bench;

import dev.warden.policy.RateLimitRule;
import dev.warden.ratelimit.Decision;
import dev.warden.ratelimit.RateLimiter;
import dev.warden.ratelimit.Subjects;
import dev.warden.ratelimit.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link RateLimiter#acquire} with an agent and a tenant bucket per request, on the system ticker.
 *
 * <p>The "kept" buckets neither run dry nor fill up during a run, so every call finds its buckets.
 * The agent buckets of {@link #manySubjectsRefilled} fill up between two visits of a subject, as
 * they do for agents that call less often than their rate allows: such buckets are dropped as full
 * (or found full) and made again.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RateLimiterBench {

  private static final int SUBJECTS = 10_000;
  private static final int TENANTS = 100;

  // 10^9 tokens refilled at 10^9 an hour: a run cannot drain them (about 10^7 calls a second
  // take ~10^8), and the arithmetic stays in longs as it does for real rules.
  private final List<RateLimitRule> kept =
      List.of(
          rule("agent-rate", dev.warden.policy.Scope.AGENT, 1_000_000_000L, Duration.ofHours(1)),
          rule("tenant-rate", dev.warden.policy.Scope.TENANT, 1_000_000_000L, Duration.ofHours(1)));

  // 20 tokens refilled at a million a second: full again long before the subject comes back.
  private final List<RateLimitRule> refilled =
      List.of(
          new RateLimitRule(
              "agent-rate", dev.warden.policy.Scope.AGENT, 20, 1_000_000, Duration.ofSeconds(1)),
          rule("tenant-rate", dev.warden.policy.Scope.TENANT, 1_000_000_000L, Duration.ofHours(1)));

  private RateLimiter limiter;
  private Subjects[] subjects;
  private int next;

  @Setup
  public void setUp() {
    limiter = new RateLimiter(Ticker.system());
    subjects = new Subjects[SUBJECTS];
    for (int i = 0; i < SUBJECTS; i++) {
      subjects[i] = Subjects.agent("agent-" + i, "tenant-" + (i % TENANTS));
    }
  }

  private static RateLimitRule rule(
      String id, dev.warden.policy.Scope scope, long capacity, Duration period) {
    return new RateLimitRule(id, scope, capacity, capacity, period);
  }

  /** One agent calling again and again. */
  @Benchmark
  public Decision oneSubject() {
    return limiter.acquire(kept, subjects[0]);
  }

  /** One agent called from two threads: both calls take the same stripe lock. */
  @Benchmark
  @Threads(2)
  public Decision oneSubjectTwoThreads() {
    return limiter.acquire(kept, subjects[0]);
  }

  /** 10,000 agents of 100 tenants in turn, their buckets kept. */
  @Benchmark
  public Decision manySubjects() {
    next = next + 1 == SUBJECTS ? 0 : next + 1;
    return limiter.acquire(kept, subjects[next]);
  }

  /** 10,000 agents in turn whose buckets refill between visits: made and dropped each call. */
  @Benchmark
  public Decision manySubjectsRefilled() {
    next = next + 1 == SUBJECTS ? 0 : next + 1;
    return limiter.acquire(refilled, subjects[next]);
  }
}
