package dev.warden.store.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.budget.Ledger;
import dev.warden.budget.Money;
import dev.warden.budget.Outcome;
import dev.warden.budget.Window;
import dev.warden.policy.BudgetRule;
import dev.warden.policy.Glob;
import dev.warden.policy.Match;
import dev.warden.policy.Scope;
import dev.warden.store.UsageStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * SPEC §6: concurrent requests can never overspend. A thousand requests, released together on
 * virtual threads, against a budget or quota that admits exactly {@value #ADMITS}.
 */
public interface UsageConcurrencyContract extends ContractFixture {

  int REQUESTS = 1_000;
  int ADMITS = 137;
  ZoneId ZONE = ZoneId.of("Europe/Berlin");
  Instant NOW = Fixtures.at(0);
  Match ALL =
      new Match(
          List.of(Glob.compile("*")), List.of(Glob.compile("*")), List.of(), List.of(), Map.of());

  private Ledger ledger() {
    return new Ledger(store().usage(), Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5));
  }

  @Test
  default void reserve_thousandConcurrentRequestsOnABudget_admitsExactlyN() throws Exception {
    BudgetRule budget =
        new BudgetRule(
            "payments-daily", ALL, Scope.TENANT, Window.DAY, ADMITS * 100L, Money.currency("EUR"));

    List<Outcome> outcomes = reserveConcurrently(budget, "1.00");

    assertExactlyAdmitted(outcomes, "budget.exceeded");
    assertThat(ledger().used(budget, "any-agent", "acme", ZONE, NOW)).isEqualTo(ADMITS * 100L);
  }

  @Test
  default void reserve_thousandConcurrentRequestsOnAQuota_admitsExactlyN() throws Exception {
    BudgetRule quota = new BudgetRule("transfers", ALL, Scope.TENANT, Window.HOUR, ADMITS, null);

    List<Outcome> outcomes = reserveConcurrently(quota, null);

    assertExactlyAdmitted(outcomes, "quota.exceeded");
    assertThat(ledger().used(quota, "any-agent", "acme", ZONE, NOW)).isEqualTo(ADMITS);
  }

  /**
   * Each admitted request is then settled by a commit and a release racing each other: exactly one
   * wins. Released money is reserved again by later requests, committed money never; a reader
   * alongside never sees the counter past its limit.
   */
  @Test
  default void reserveCommitRelease_concurrently_neverOverspendAndSettleEachOnce()
      throws Exception {
    BudgetRule budget =
        new BudgetRule("daily", ALL, Scope.AGENT, Window.DAY, ADMITS * 100L, Money.currency("EUR"));
    Ledger ledger = ledger();
    AtomicLong[] won = {new AtomicLong(), new AtomicLong()}; // commits, releases
    AtomicBoolean running = new AtomicBoolean(true);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> tasks = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Long> reader =
          pool.submit(
              () -> {
                long reads = 0;
                while (running.get()) {
                  assertThat(ledger.used(budget, "bot-1", "acme", ZONE, NOW))
                      .isBetween(0L, ADMITS * 100L);
                  reads++;
                }
                return reads;
              });
      try {
        for (int i = 0; i < REQUESTS; i++) {
          String id = "d" + i;
          tasks.add(pool.submit(() -> reserveAndRace(ledger, budget, id, start, pool, won)));
        }
        start.countDown();
        for (Future<?> t : tasks) {
          t.get(5, TimeUnit.MINUTES);
        }
      } finally {
        running.set(false); // else a failed task would leave the reader (and close) waiting
      }
      assertThat(reader.get(1, TimeUnit.MINUTES)).isPositive();
    }

    long commits = won[0].get();
    assertThat(commits).isLessThanOrEqualTo(ADMITS);
    assertThat(ledger.used(budget, "bot-1", "acme", ZONE, NOW)).isEqualTo(commits * 100);
    // A request is refused only while the counter is full, so at least N were admitted.
    assertThat(commits + won[1].get()).isGreaterThanOrEqualTo(ADMITS);
    assertThat(store().usage().expired(NOW.plus(Duration.ofDays(1)), 10)).isEmpty();
  }

  /** Reserves; if admitted, settles by a commit and a release on two threads at once. */
  private static Void reserveAndRace(
      Ledger ledger,
      BudgetRule budget,
      String id,
      CountDownLatch start,
      ExecutorService pool,
      AtomicLong[] won)
      throws Exception {
    start.await();
    Outcome o = ledger.reserve(id, List.of(budget), "bot-1", "acme", "1.00", "EUR", ZONE, NOW);
    if (o instanceof Outcome.Reserved) {
      Future<Integer> commit = pool.submit(() -> ledger.commit(id));
      Future<Integer> release = pool.submit(() -> ledger.release(id));
      int c = commit.get(2, TimeUnit.MINUTES);
      int r = release.get(2, TimeUnit.MINUTES);
      assertThat(c + r).as("settled once: %s", id).isEqualTo(1);
      won[0].addAndGet(c);
      won[1].addAndGet(r);
    }
    return null;
  }

  private List<Outcome> reserveConcurrently(BudgetRule rule, @Nullable String amount)
      throws Exception {
    Ledger ledger = ledger();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Outcome>> futures = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < REQUESTS; i++) {
        String id = "d" + i;
        String agent = "bot-" + (i % 7); // tenant scope: agents share the counter
        Callable<Outcome> request =
            () -> {
              start.await();
              return ledger.reserve(id, List.of(rule), agent, "acme", amount, "EUR", ZONE, NOW);
            };
        futures.add(pool.submit(request));
      }
      start.countDown();
      List<Outcome> outcomes = new ArrayList<>();
      for (Future<Outcome> f : futures) {
        outcomes.add(f.get(5, TimeUnit.MINUTES));
      }
      return outcomes;
    }
  }

  private void assertExactlyAdmitted(List<Outcome> outcomes, String code) throws Exception {
    List<Outcome.Refused> refused = new ArrayList<>();
    int reserved = 0;
    for (Outcome o : outcomes) {
      switch (o) {
        case Outcome.Reserved r -> reserved++;
        case Outcome.Refused r -> refused.add(r);
      }
    }
    assertThat(reserved).isEqualTo(ADMITS);
    assertThat(refused).hasSize(REQUESTS - ADMITS);
    assertThat(refused)
        .allSatisfy(
            r -> {
              assertThat(r.code()).isEqualTo(code);
              assertThat(r.remaining()).isZero();
            });
    UsageStore usage = store().usage();
    assertThat(usage.expired(NOW.plus(Duration.ofDays(1)), REQUESTS)).hasSize(ADMITS);
  }
}
