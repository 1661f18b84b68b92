package dev.warden.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.policy.RateLimitRule;
import dev.warden.policy.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many threads on shared buckets, with time standing still: exactly the capacity is allowed and no
 * refused request takes a token. The time limits below only turn a deadlock into a failure.
 */
class RateLimiterConcurrencyTest {
  private static final int THREADS = 8;
  private static final Duration SLOW = Duration.ofDays(1);

  private final FakeTicker ticker = new FakeTicker(42);

  @Test
  void acquire_manyThreadsOneBucket_allowsExactlyCapacity() throws Exception {
    RateLimitRule r = new RateLimitRule("shared", Scope.TENANT, 1_000, 1, SLOW);
    RateLimiter limiter = new RateLimiter(ticker);

    List<Integer> allowed =
        run(
            THREADS,
            t -> {
              int n = 0;
              for (int i = 0; i < 500; i++) {
                if (limiter.acquire(List.of(r), Subjects.agent("agent-" + t, "acme"))
                    instanceof Decision.Allowed) {
                  n++;
                }
              }
              return n;
            });

    assertThat(allowed.stream().mapToInt(Integer::intValue).sum()).isEqualTo(1_000);
  }

  @Test
  void acquire_manyThreadsAgentAndTenantBuckets_chargesBothOrNeither() throws Exception {
    RateLimitRule agent = new RateLimitRule("agent-rate", Scope.AGENT, 100, 1, SLOW);
    RateLimitRule tenant = new RateLimitRule("tenant-rate", Scope.TENANT, 500, 1, SLOW);
    // Half the threads list the rules the other way round: the locking order must not depend on it.
    RateLimiter limiter = new RateLimiter(ticker);

    List<Integer> allowed =
        run(
            THREADS,
            t -> {
              List<RateLimitRule> rules =
                  t % 2 == 0 ? List.of(agent, tenant) : List.of(tenant, agent);
              int n = 0;
              for (int i = 0; i < 200; i++) {
                if (limiter.acquire(rules, Subjects.agent("agent-" + t, "acme"))
                    instanceof Decision.Allowed) {
                  n++;
                }
              }
              return n;
            });

    assertThat(allowed.stream().mapToInt(Integer::intValue).sum()).isEqualTo(500);
    for (int t = 0; t < THREADS; t++) {
      // The tenant is empty now, so this is refused and shows the agent's bucket untouched.
      Decision d = limiter.acquire(List.of(agent, tenant), Subjects.agent("agent-" + t, "acme"));
      assertThat(d).isInstanceOf(Decision.Limited.class);
      assertThat(d.buckets().get(0).remaining()).as("agent-%d", t).isEqualTo(100 - allowed.get(t));
      assertThat(d.buckets().get(1).remaining()).isZero();
    }
  }

  @Test
  void acquire_manyThreadsManySubjectsSmallTable_staysBoundedAndLive() throws Exception {
    RateLimitRule agent = new RateLimitRule("agent-rate", Scope.AGENT, 5, 1, SLOW);
    RateLimitRule tenant = new RateLimitRule("tenant-rate", Scope.TENANT, 1_000_000, 1, SLOW);
    RateLimiter limiter = new RateLimiter(ticker, 1_024);

    List<Integer> allowed =
        run(
            THREADS,
            t -> {
              int n = 0;
              for (int i = 0; i < 5_000; i++) {
                Subjects s = Subjects.agent("agent-" + t + "-" + i, "tenant-" + (i % 3));
                if (limiter.acquire(List.of(agent, tenant), s) instanceof Decision.Allowed) {
                  n++;
                }
              }
              return n;
            });

    // Each subject is new, so each request is allowed whatever was evicted.
    assertThat(allowed).containsOnly(5_000);
    assertThat(limiter.size()).isBetween(3, 1_024);
  }

  interface Worker {
    int run(int thread) throws Exception;
  }

  private static List<Integer> run(int threads, Worker worker) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return worker.run(thread);
                }));
      }
      start.countDown();
      List<Integer> results = new ArrayList<>();
      for (Future<Integer> f : futures) {
        results.add(f.get(2, TimeUnit.MINUTES));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
