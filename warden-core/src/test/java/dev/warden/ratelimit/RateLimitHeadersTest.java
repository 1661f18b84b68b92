package dev.warden.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.httpsig.SignatureException;
import dev.warden.httpsig.StructuredFields;
import dev.warden.httpsig.StructuredFields.Item;
import dev.warden.httpsig.StructuredFields.Member;
import dev.warden.httpsig.StructuredFields.SfInteger;
import dev.warden.httpsig.StructuredFields.SfString;
import dev.warden.policy.RateLimitRule;
import dev.warden.policy.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fields as draft-ietf-httpapi-ratelimit-headers-11 writes them, and read back with the strict
 * RFC 8941 parser of warden-httpsig: each is a List of sf-string Items with integer parameters.
 */
class RateLimitHeadersTest {
  private static final long SEED = Long.getLong("warden.seed", 0x4ead_e7L);

  private static final RateLimitRule AGENT =
      new RateLimitRule("agent-rate", Scope.AGENT, 20, 10, Duration.ofSeconds(1));
  private static final RateLimitRule TENANT =
      new RateLimitRule("tenant.rate_1", Scope.TENANT, 600, 1, Duration.ofMinutes(1));

  @Test
  void of_allowedWithTwoBuckets_policyAndRateLimitWithoutRetryAfter() {
    Decision d =
        new Decision.Allowed(
            List.of(new BucketState(AGENT, 5, 2), new BucketState(TENANT, 590, 600)));

    Map<String, String> fields = RateLimitHeaders.of(d);

    assertThat(fields)
        .containsExactly(
            Map.entry(
                "RateLimit-Policy", "\"agent-rate\";q=20;w=2, \"tenant.rate_1\";q=600;w=36000"),
            Map.entry("RateLimit", "\"agent-rate\";r=5;t=2, \"tenant.rate_1\";r=590;t=600"));
  }

  @Test
  void of_limited_addsRetryAfter() {
    Decision d =
        new Decision.Limited(
            TENANT, 60, List.of(new BucketState(AGENT, 20, 0), new BucketState(TENANT, 0, 36000)));

    Map<String, String> fields = RateLimitHeaders.of(d);

    assertThat(fields.keySet()).containsExactly("RateLimit-Policy", "RateLimit", "Retry-After");
    assertThat(fields.get("RateLimit"))
        .isEqualTo("\"agent-rate\";r=20;t=0, \"tenant.rate_1\";r=0;t=36000");
    assertThat(fields.get("Retry-After")).isEqualTo("60");
  }

  @Test
  void of_noBuckets_noFields() {
    assertThat(RateLimitHeaders.of(new Decision.Allowed(List.of()))).isEmpty();
    assertThatThrownBy(() -> RateLimitHeaders.rateLimit(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void windowSeconds_timeToRefillFromEmpty_roundedUp() {
    assertThat(RateLimitHeaders.windowSeconds(AGENT)).isEqualTo(2);
    assertThat(window(10, 3, Duration.ofSeconds(1))).isEqualTo(4);
    assertThat(window(5, 1, Duration.ofMinutes(1))).isEqualTo(300);
    assertThat(window(1, 1000, Duration.ofSeconds(1))).isEqualTo(1);
    assertThat(window(3_600, 1, Duration.ofHours(1))).isEqualTo(3_600L * 3_600);
    assertThat(window(Long.MAX_VALUE, 1, Duration.ofHours(1))).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void policy_beyondSfIntegerRange_capped() throws SignatureException {
    RateLimitRule huge =
        new RateLimitRule("huge", Scope.AGENT, Long.MAX_VALUE, 1, Duration.ofHours(1));

    String policy = RateLimitHeaders.policy(List.of(new BucketState(huge, Long.MAX_VALUE, 0)));

    assertThat(policy).isEqualTo("\"huge\";q=999999999999999;w=999999999999999");
    assertThat(StructuredFields.parseList(policy)).hasSize(1);
  }

  @Test
  void render_randomDecisions_parseBackToTheirValues() throws SignatureException {
    SplittableRandom random = new SplittableRandom(SEED);
    for (int i = 0; i < 500; i++) {
      List<BucketState> buckets = new ArrayList<>();
      int n = random.nextInt(1, 5);
      for (int b = 0; b < n; b++) {
        RateLimitRule rule =
            new RateLimitRule(
                id(random, b),
                Scope.values()[random.nextInt(3)],
                random.nextBoolean()
                    ? random.nextLong(1, 1_000)
                    : random.nextLong(1, Long.MAX_VALUE),
                random.nextLong(1, 10_000),
                Duration.ofSeconds(random.nextLong(1, 100_000)));
        long remaining = random.nextLong(0, rule.capacity() + 1);
        long untilFull = remaining == rule.capacity() ? 0 : random.nextLong(1, Long.MAX_VALUE);
        buckets.add(new BucketState(rule, remaining, untilFull));
      }
      String where = "seed " + SEED + " case " + i + ": " + buckets;

      List<Member> policy = StructuredFields.parseList(RateLimitHeaders.policy(buckets));
      List<Member> limit = StructuredFields.parseList(RateLimitHeaders.rateLimit(buckets));

      assertThat(policy).as(where).hasSize(n);
      assertThat(limit).as(where).hasSize(n);
      for (int b = 0; b < n; b++) {
        BucketState s = buckets.get(b);
        Item p = (Item) policy.get(b);
        Item l = (Item) limit.get(b);
        assertThat(p.value()).as(where).isEqualTo(new SfString(s.rule().id()));
        assertThat(l.value()).as(where).isEqualTo(new SfString(s.rule().id()));
        assertThat(p.params().map())
            .as(where)
            .containsExactly(
                Map.entry("q", sf(s.rule().capacity())),
                Map.entry("w", sf(RateLimitHeaders.windowSeconds(s.rule()))));
        assertThat(l.params().map())
            .as(where)
            .containsExactly(
                Map.entry("r", sf(s.remaining())), Map.entry("t", sf(s.secondsUntilFull())));
      }
    }
  }

  private static long window(long capacity, long refill, Duration period) {
    return RateLimitHeaders.windowSeconds(
        new RateLimitRule("w", Scope.AGENT, capacity, refill, period));
  }

  private static SfInteger sf(long value) {
    return new SfInteger(Math.min(value, 999_999_999_999_999L));
  }

  private static String id(SplittableRandom random, int index) {
    String first = "abcdefghijklmnopqrstuvwxyz0123456789";
    String rest = first + "._-";
    StringBuilder id = new StringBuilder().append(first.charAt(random.nextInt(first.length())));
    for (int i = random.nextInt(0, 20); i > 0; i--) {
      id.append(rest.charAt(random.nextInt(rest.length())));
    }
    return id.append(index).toString();
  }
}
