package dev.warden.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.policy.Effect;
import dev.warden.policy.PolicyDecision;
import dev.warden.policy.PolicyException;
import dev.warden.policy.PolicyLoader;
import dev.warden.policy.PolicyRequest;
import dev.warden.policy.RulePolicy;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark corpus is what PolicyBench claims: loadable, with hits that hit and misses. */
class PolicyCorpusTest {
  private static final PolicyCorpus CORPUS = new PolicyCorpus(2_000, 7);

  @Test
  void yaml_loads_withEveryRule() throws PolicyException {
    RulePolicy policy = PolicyLoader.load(CORPUS.yaml());

    assertThat(policy.rules()).hasSize(2_000);
    assertThat(policy.rules().stream().map(r -> r.effect()).distinct())
        .containsExactlyInAnyOrder(Effect.ALLOW, Effect.DENY, Effect.ESCALATE);
  }

  @Test
  void hits_eachMatches_someSeveralRulesAndOtherEffects() throws PolicyException {
    RulePolicy policy = PolicyLoader.load(CORPUS.yaml());
    List<PolicyRequest> hits = CORPUS.hits(500, 11);
    Map<Effect, Integer> effects = new EnumMap<>(Effect.class);
    int several = 0;

    for (PolicyRequest r : hits) {
      PolicyDecision d = policy.evaluate(r);
      assertThat(d.reasons().getFirst().code()).as("%s", r).isNotEqualTo(PolicyDecision.NO_MATCH);
      effects.merge(d.effect(), 1, Integer::sum);
      several += d.reasons().size() > 1 ? 1 : 0;
    }

    assertThat(effects.get(Effect.ALLOW)).isGreaterThan(250);
    assertThat(effects.get(Effect.ESCALATE)).isPositive();
    assertThat(several).isGreaterThan(50);
  }

  @Test
  void misses_matchNoRule() throws PolicyException {
    RulePolicy policy = PolicyLoader.load(CORPUS.yaml());

    for (PolicyRequest r : CORPUS.misses(500, 13)) {
      PolicyDecision d = policy.evaluate(r);
      assertThat(d.reasons()).as("%s", r).hasSize(1);
      assertThat(d.reasons().getFirst().code()).as("%s", r).isEqualTo(PolicyDecision.NO_MATCH);
    }
  }

  @Test
  void withConditions_hitsStillMatchThroughTheirConditions() throws PolicyException {
    PolicyCorpus corpus = new PolicyCorpus(2_000, 7, true);
    RulePolicy policy = PolicyLoader.load(corpus.yaml());
    assertThat(corpus.yaml()).contains("when: '" + PolicyCorpus.CONDITION + "'");

    for (PolicyRequest r : corpus.hits(200, 11)) {
      PolicyDecision d = policy.evaluate(r);
      assertThat(d.reasons().getFirst().code())
          .as("%s %s", r, d.reasons())
          .isNotIn(PolicyDecision.NO_MATCH, PolicyDecision.EVALUATION_ERROR);
    }
  }

  @Test
  void yaml_sameSeed_sameDocument() {
    assertThat(new PolicyCorpus(500, 3).yaml()).isEqualTo(new PolicyCorpus(500, 3).yaml());
    assertThat(new PolicyCorpus(500, 3).yaml()).isNotEqualTo(new PolicyCorpus(500, 4).yaml());
  }
}
