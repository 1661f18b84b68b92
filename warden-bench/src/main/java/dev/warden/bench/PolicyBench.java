package dev.warden.bench;

import dev.warden.policy.Policy;
import dev.warden.policy.PolicyDecision;
import dev.warden.policy.PolicyException;
import dev.warden.policy.PolicyLoader;
import dev.warden.policy.PolicyRequest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-process decision time of {@link Policy#evaluate} (SPEC §7: p50 ≤ 10 µs at 1,000 rules, within
 * 2× of that at 100,000), for a {@link PolicyCorpus} policy loaded through {@link
 * PolicyLoader#load} as an operator's YAML would be. Sampled, so the report has percentiles.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PolicyBench {

  private static final int REQUESTS = 1 << 12;
  private static final long SEED = 0x5eed_2026L;

  @Param({"10", "1000", "100000"})
  public int rules;

  /** Whether the allow rules that name one operation carry a CEL condition. */
  @Param({"false", "true"})
  public boolean conditions;

  private Policy policy;
  private PolicyRequest[] hits;
  private PolicyRequest[] misses;
  private int next;

  @Setup
  public void load() throws PolicyException {
    PolicyCorpus corpus = new PolicyCorpus(rules, SEED, conditions);
    policy = PolicyLoader.load(corpus.yaml());
    hits = corpus.hits(REQUESTS, SEED + 1).toArray(PolicyRequest[]::new);
    misses = corpus.misses(REQUESTS, SEED + 2).toArray(PolicyRequest[]::new);
    // A benchmark of the wrong thing is worse than none: check the corpus does what it says.
    requireMatches(List.of(hits), true);
    requireMatches(List.of(misses), false);
  }

  /** A request that matches one or a few rules. */
  @Benchmark
  public PolicyDecision evaluateMatching() {
    next = (next + 1) & (REQUESTS - 1);
    return policy.evaluate(hits[next]);
  }

  /** A request that no rule matches: the default decision. */
  @Benchmark
  public PolicyDecision evaluateNoMatch() {
    next = (next + 1) & (REQUESTS - 1);
    return policy.evaluate(misses[next]);
  }

  private void requireMatches(List<PolicyRequest> requests, boolean match) {
    for (PolicyRequest r : requests) {
      boolean matched =
          !policy.evaluate(r).reasons().getFirst().code().equals(PolicyDecision.NO_MATCH);
      if (matched != match) {
        throw new IllegalStateException("corpus request " + r + " matched: " + matched);
      }
    }
  }
}
