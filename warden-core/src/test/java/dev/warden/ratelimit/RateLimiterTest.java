package dev.warden.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.policy.RateLimitRule;
import dev.warden.policy.Scope;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  // Near the wrap-around of a long, as System.nanoTime() may be: elapsed time must still be right.
  private static final long START = Long.MAX_VALUE - 5_000_000_000L;
  private static final Subjects ALICE = Subjects.agent("alice", "acme");
  private static final Subjects BOB = Subjects.agent("bob", "acme");

  private final FakeTicker ticker = new FakeTicker(START);

  static RateLimitRule rule(String id, Scope scope, long capacity, long refill, Duration period) {
    return new RateLimitRule(id, scope, capacity, refill, period);
  }

  static RateLimitRule agentRule(long capacity, long refill, Duration period) {
    return rule("agent-rate", Scope.AGENT, capacity, refill, period);
  }

  @Test
  void acquire_burstOverCapacity_limitedWithRetryAfterForOneToken() {
    RateLimitRule r = agentRule(5, 1, Duration.ofSeconds(2));
    RateLimiter limiter = new RateLimiter(ticker);
    for (int i = 0; i < 5; i++) {
      Decision d = limiter.acquire(List.of(r), ALICE);
      assertThat(d).isInstanceOf(Decision.Allowed.class);
      assertThat(d.buckets()).containsExactly(new BucketState(r, 4 - i, 2L * (i + 1)));
    }
    Decision refused = limiter.acquire(List.of(r), ALICE);

    assertThat(refused).isEqualTo(new Decision.Limited(r, 2, List.of(new BucketState(r, 0, 10))));
  }

  @Test
  void peek_takesNothingAndCreatesNoBucket() {
    RateLimitRule r = agentRule(5, 1, Duration.ofSeconds(2));
    RateLimiter limiter = new RateLimiter(ticker);

    assertThat(limiter.peek(List.of(r), ALICE)).containsExactly(new BucketState(r, 5, 0));
    assertThat(limiter.size()).isZero();
    limiter.acquire(List.of(r), ALICE);
    ticker.advanceNanos(1_000_000_000L);

    assertThat(limiter.peek(List.of(r), ALICE)).containsExactly(new BucketState(r, 4, 1));
    assertThat(limiter.peek(List.of(r), ALICE)).containsExactly(new BucketState(r, 4, 1));
    assertThat(limiter.peek(List.of(r), BOB)).containsExactly(new BucketState(r, 5, 0));
  }

  @Test
  void acquire_rateNotDividingASecond_retryAfterRoundsUp() {
    // 3 per second: the next token comes after 333,333,334 ns, announced as 1 s.
    RateLimitRule r = agentRule(1, 3, Duration.ofSeconds(1));
    RateLimiter limiter = new RateLimiter(ticker);
    limiter.acquire(List.of(r), ALICE);

    assertThat(limiter.acquire(List.of(r), ALICE))
        .isEqualTo(new Decision.Limited(r, 1, List.of(new BucketState(r, 0, 1))));
    ticker.advanceNanos(333_333_333);
    assertThat(limiter.acquire(List.of(r), ALICE)).isInstanceOf(Decision.Limited.class);
    ticker.advanceNanos(1);
    assertThat(limiter.acquire(List.of(r), ALICE)).isInstanceOf(Decision.Allowed.class);
  }

  @Test
  void acquire_refillDue_restoresServiceExactlyThen() {
    RateLimitRule r = agentRule(2, 1, Duration.ofMinutes(1));
    RateLimiter limiter = new RateLimiter(ticker);
    limiter.acquire(List.of(r), ALICE);
    limiter.acquire(List.of(r), ALICE);

    ticker.advanceNanos(Duration.ofMinutes(1).toNanos() - 1);
    Decision early = limiter.acquire(List.of(r), ALICE);
    ticker.advanceNanos(1);
    Decision due = limiter.acquire(List.of(r), ALICE);

    assertThat(early).isEqualTo(new Decision.Limited(r, 1, List.of(new BucketState(r, 0, 61))));
    assertThat(due).isEqualTo(new Decision.Allowed(List.of(new BucketState(r, 0, 120))));
  }

  @Test
  void acquire_manyIrregularSteps_refillsWithoutDrift() {
    // 7 tokens a minute: 8,571,428,571.43 ns per token, never a whole number of nanoseconds.
    RateLimitRule r = agentRule(10_000, 7, Duration.ofMinutes(1));
    // An empty tenant bucket refuses every request, so each call below refills Alice's bucket at
    // that instant without taking from it.
    RateLimitRule blocker = rule("blocker", Scope.TENANT, 1, 1, Duration.ofDays(365));
    RateLimiter limiter = new RateLimiter(ticker);
    limiter.acquire(List.of(blocker), BOB);
    for (int i = 0; i < 10_000; i++) {
      limiter.acquire(List.of(r), ALICE);
    }
    // 600 minutes in 1,000,003 uneven steps: exactly 4,200 tokens, however the steps fall.
    long total = Duration.ofMinutes(600).toNanos();
    long steps = 1_000_003;
    for (long i = 0; i < steps; i++) {
      ticker.advanceNanos(total / steps + (i < total % steps ? 1 : 0));
      if (i % 3 == 0) {
        assertThat(limiter.acquire(List.of(r, blocker), ALICE))
            .isInstanceOf(Decision.Limited.class);
      }
    }
    Decision d = limiter.acquire(List.of(r), ALICE);

    assertThat(d.buckets().getFirst().remaining()).isEqualTo(4_200 - 1);
  }

  @Test
  void acquire_afterLongIdle_refillsToCapacityWithoutOverflow() {
    RateLimitRule r = agentRule(Long.MAX_VALUE / 2, Long.MAX_VALUE / 3, Duration.ofHours(1));
    RateLimiter limiter = new RateLimiter(ticker);
    limiter.acquire(List.of(r), ALICE);
    limiter.acquire(List.of(r), ALICE);

    ticker.advanceNanos(Long.MAX_VALUE - 1);
    Decision d = limiter.acquire(List.of(r), ALICE);

    assertThat(d.buckets().getFirst().remaining()).isEqualTo(Long.MAX_VALUE / 2 - 1);
    // One token at Long.MAX_VALUE / 3 per hour is back within a nanosecond: t rounds up to 1 s.
    assertThat(d.buckets().getFirst().secondsUntilFull()).isEqualTo(1);
  }

  @Test
  void acquire_hugeCapacitySlowRefill_secondsUntilFullDoesNotOverflow() {
    RateLimitRule r = agentRule(Long.MAX_VALUE, 1, Duration.ofHours(1));
    RateLimiter limiter = new RateLimiter(ticker);

    Decision d = limiter.acquire(List.of(r), ALICE);

    assertThat(d.buckets()).containsExactly(new BucketState(r, Long.MAX_VALUE - 1, 3600));
    ticker.advance(Duration.ofMinutes(30));
    assertThat(limiter.acquire(List.of(r), ALICE).buckets())
        .containsExactly(new BucketState(r, Long.MAX_VALUE - 2, 3600 + 1800));
  }

  @Test
  void acquire_tenantEmpty_chargesNeitherBucket() {
    RateLimitRule agent = agentRule(5, 1, Duration.ofSeconds(10));
    RateLimitRule tenant = rule("tenant-rate", Scope.TENANT, 2, 1, Duration.ofSeconds(10));
    List<RateLimitRule> rules = List.of(agent, tenant);
    RateLimiter limiter = new RateLimiter(ticker);
    limiter.acquire(rules, ALICE);
    limiter.acquire(rules, ALICE);

    Decision refused = limiter.acquire(rules, BOB);

    assertThat(refused)
        .isEqualTo(
            new Decision.Limited(
                tenant, 10, List.of(new BucketState(agent, 5, 0), new BucketState(tenant, 0, 20))));
    ticker.advance(Duration.ofSeconds(10));
    // Bob's bucket was never charged: the one token taken now leaves 4 of 5.
    assertThat(limiter.acquire(rules, BOB))
        .isEqualTo(
            new Decision.Allowed(
                List.of(new BucketState(agent, 4, 10), new BucketState(tenant, 0, 20))));
  }

  @Test
  void acquire_agentEmpty_leavesTenantTokens() {
    RateLimitRule agent = agentRule(1, 1, Duration.ofSeconds(10));
    RateLimitRule tenant = rule("tenant-rate", Scope.TENANT, 3, 1, Duration.ofSeconds(10));
    List<RateLimitRule> rules = List.of(agent, tenant);
    RateLimiter limiter = new RateLimiter(ticker);
    limiter.acquire(rules, ALICE);

    assertThat(limiter.acquire(rules, ALICE)).isInstanceOf(Decision.Limited.class);
    assertThat(limiter.acquire(rules, ALICE)).isInstanceOf(Decision.Limited.class);

    assertThat(limiter.acquire(rules, BOB).buckets())
        .containsExactly(new BucketState(agent, 0, 10), new BucketState(tenant, 1, 20));
  }

  @Test
  void acquire_twoBucketsEmpty_namesTheOneThatRefillsLast() {
    RateLimitRule fast = rule("fast", Scope.AGENT, 1, 1, Duration.ofSeconds(1));
    RateLimitRule slow = rule("slow", Scope.TENANT, 1, 1, Duration.ofMinutes(1));
    RateLimiter limiter = new RateLimiter(ticker);
    limiter.acquire(List.of(fast, slow), ALICE);

    Decision d = limiter.acquire(List.of(fast, slow), ALICE);

    assertThat(d).isInstanceOf(Decision.Limited.class);
    assertThat(((Decision.Limited) d).rule()).isEqualTo(slow);
    assertThat(((Decision.Limited) d).retryAfterSeconds()).isEqualTo(60);
  }

  @Test
  void acquire_scopeWithoutSubject_ruleDoesNotApply() {
    RateLimitRule operator = rule("admin", Scope.OPERATOR, 1, 1, Duration.ofHours(1));
    RateLimitRule agent = agentRule(1, 1, Duration.ofHours(1));
    RateLimiter limiter = new RateLimiter(ticker);

    for (int i = 0; i < 3; i++) {
      assertThat(limiter.acquire(List.of(operator), ALICE))
          .isEqualTo(new Decision.Allowed(List.of()));
      assertThat(limiter.acquire(List.of(agent), Subjects.operator("tok-1")))
          .isEqualTo(new Decision.Allowed(List.of()));
    }
    assertThat(limiter.size()).isZero();
    assertThat(limiter.acquire(List.of(operator), Subjects.operator("tok-1")).buckets())
        .containsExactly(new BucketState(operator, 0, 3600));
  }

  @Test
  void acquire_sameRuleTwice_takesOneToken() {
    RateLimitRule r = agentRule(3, 1, Duration.ofSeconds(1));
    RateLimiter limiter = new RateLimiter(ticker);

    Decision d = limiter.acquire(List.of(r, r), ALICE);

    assertThat(d).isEqualTo(new Decision.Allowed(List.of(new BucketState(r, 2, 1))));
  }

  @Test
  void acquire_sameIdOtherScope_separateBuckets() {
    // Agent "acme" and tenant "acme" are different subjects even under one rule id.
    RateLimitRule asAgent = rule("r", Scope.AGENT, 1, 1, Duration.ofHours(1));
    RateLimitRule asTenant = rule("r", Scope.TENANT, 1, 1, Duration.ofHours(1));
    RateLimiter limiter = new RateLimiter(ticker);
    Subjects s = Subjects.agent("acme", "acme");

    assertThat(limiter.acquire(List.of(asAgent), s)).isInstanceOf(Decision.Allowed.class);
    assertThat(limiter.acquire(List.of(asTenant), s)).isInstanceOf(Decision.Allowed.class);
  }

  @Test
  void acquire_refused_createsNoBucketForUnchargedSubjects() {
    RateLimitRule agent = agentRule(5, 1, Duration.ofHours(1));
    RateLimitRule tenant = rule("tenant-rate", Scope.TENANT, 1, 1, Duration.ofHours(1));
    RateLimiter limiter = new RateLimiter(ticker);
    limiter.acquire(List.of(agent, tenant), ALICE);

    for (int i = 0; i < 100; i++) {
      limiter.acquire(List.of(agent, tenant), Subjects.agent("agent-" + i, "acme"));
    }

    assertThat(limiter.size()).isEqualTo(2);
  }

  @Test
  void acquire_sameDefinitionInNewPolicy_keepsState() {
    RateLimitRule before = agentRule(3, 1, Duration.ofMinutes(1));
    RateLimitRule reloaded = agentRule(3, 1, Duration.ofMinutes(1));
    RateLimiter limiter = new RateLimiter(ticker);
    limiter.acquire(List.of(before), ALICE);

    assertThat(limiter.acquire(List.of(reloaded), ALICE).buckets())
        .containsExactly(new BucketState(reloaded, 1, 120));
  }

  @Test
  void acquire_changedDefinition_startsFull() {
    RateLimitRule before = agentRule(3, 1, Duration.ofMinutes(1));
    RateLimiter limiter = new RateLimiter(ticker);
    limiter.acquire(List.of(before), ALICE);
    limiter.acquire(List.of(before), ALICE);

    for (RateLimitRule changed :
        List.of(
            agentRule(4, 1, Duration.ofMinutes(1)),
            agentRule(3, 2, Duration.ofMinutes(1)),
            agentRule(3, 1, Duration.ofSeconds(1)),
            rule("renamed", Scope.AGENT, 3, 1, Duration.ofMinutes(1)))) {
      assertThat(limiter.acquire(List.of(changed), ALICE).buckets().getFirst().remaining())
          .as("%s", changed)
          .isEqualTo(changed.capacity() - 1);
    }
    assertThat(limiter.acquire(List.of(before), ALICE).buckets())
        .containsExactly(new BucketState(before, 0, 180));
  }

  @Test
  void acquire_oldDefinitionRefilled_itsBucketsAreDropped() {
    RateLimitRule old = agentRule(2, 1, Duration.ofSeconds(1));
    RateLimitRule current = agentRule(5, 1, Duration.ofSeconds(1));
    RateLimiter limiter = new RateLimiter(ticker, 1_000, 1);
    for (int i = 0; i < 50; i++) {
      limiter.acquire(List.of(old), Subjects.agent("agent-" + i, "acme"));
    }
    ticker.advance(Duration.ofSeconds(1));

    for (int i = 0; i < 50; i++) {
      limiter.acquire(List.of(current), ALICE);
      ticker.advance(Duration.ofSeconds(1));
    }

    assertThat(limiter.size()).isEqualTo(1);
  }

  @Test
  void acquire_manySubjects_neverHoldsMoreThanMaxBuckets() {
    RateLimitRule agent = agentRule(10, 1, Duration.ofHours(1));
    RateLimitRule tenant = rule("tenant-rate", Scope.TENANT, 1_000_000, 1, Duration.ofHours(1));
    for (int max : new int[] {1, 3, 100, 1_024, 5_000}) {
      RateLimiter limiter = new RateLimiter(ticker, max);
      for (int i = 0; i < 3 * max + 50; i++) {
        Decision d =
            limiter.acquire(List.of(agent, tenant), Subjects.agent("a" + i, "t" + (i % 7)));
        assertThat(d).isInstanceOf(Decision.Allowed.class);
        assertThat(limiter.size()).as("max %d after %d", max, i).isLessThanOrEqualTo(max);
      }
      assertThat(limiter.size()).as("max %d", max).isGreaterThanOrEqualTo(Math.min(max, 7));
    }
  }

  @Test
  void acquire_full_evictsLeastRecentlyUsed() {
    RateLimitRule r = agentRule(3, 1, Duration.ofHours(1));
    RateLimiter limiter = new RateLimiter(ticker, 2, 1);
    limiter.acquire(List.of(r), Subjects.agent("a", "t"));
    limiter.acquire(List.of(r), Subjects.agent("b", "t"));
    limiter.acquire(List.of(r), Subjects.agent("a", "t"));

    limiter.acquire(List.of(r), Subjects.agent("c", "t"));

    assertThat(limiter.size()).isEqualTo(2);
    // "a" kept its state; "b", evicted, starts again full.
    assertThat(limiter.acquire(List.of(r), Subjects.agent("a", "t")).buckets().getFirst())
        .isEqualTo(new BucketState(r, 0, 3 * 3600));
    assertThat(limiter.acquire(List.of(r), Subjects.agent("b", "t")).buckets().getFirst())
        .isEqualTo(new BucketState(r, 2, 3600));
  }

  @Test
  void acquire_full_dropsARefilledBucketBeforeEvicting() {
    RateLimitRule slow = agentRule(3, 1, Duration.ofHours(1));
    RateLimitRule fast = rule("fast", Scope.AGENT, 3, 1, Duration.ofSeconds(1));
    RateLimiter limiter = new RateLimiter(ticker, 2, 1);
    limiter.acquire(List.of(slow), Subjects.agent("a", "t"));
    limiter.acquire(List.of(fast), Subjects.agent("b", "t"));
    limiter.acquire(List.of(slow), Subjects.agent("a", "t")); // "b" is now least recently used
    ticker.advance(Duration.ofSeconds(1)); // "b" is full again, "a" is not

    limiter.acquire(List.of(slow), Subjects.agent("c", "t"));

    assertThat(limiter.acquire(List.of(slow), Subjects.agent("a", "t")).buckets().getFirst())
        .isEqualTo(new BucketState(slow, 0, 3 * 3600 - 1));
  }

  @Test
  void constructor_badBounds_throw() {
    assertThatThrownBy(() -> new RateLimiter(ticker, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimiter(ticker, 100, 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimiter(ticker, 2, 4))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
