package dev.warden.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded random edits of valid policy documents: the loader either loads them or throws {@link
 * PolicyException}, never anything else. Reproduce with {@code -Dwarden.seed=<seed>}.
 */
class PolicyLoaderFuzzTest {

  private static final long SEED = Long.getLong("warden.seed", 0xf022L);
  private static final int MUTANTS = 3000;

  private static final String YAML =
      """
      version: 1
      default: escalate
      rules:
        - id: allow-small
          effect: allow
          match:
            action: ["payments.*", "refunds.?"]
            resource: acct/*
            agents: [agent-1]
            tenants: ["acme"]
            labels: {env: prod}
          reason: small payments are fine
        - {id: review, effect: escalate, match: {action: x}, approvers: [ops], min_approvals: 2, ttl: 15m}
      """;

  private static final String JSON =
      """
      {"version": 1, "rules": [{"id": "r", "effect": "deny", "match": {"action": "a.*",
       "resource": ["x/*"], "labels": {"k": "v?"}}, "reason": "no"}]}
      """;

  private static final String[] PIECES = {
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "'",
    "&a ",
    "*a",
    "!!str ",
    "<<: ",
    "---\n",
    "\n",
    "  ",
    "- ",
    "#",
    "1e999999999",
    "-1e-9999999999",
    "0x1F",
    "yes",
    "~",
    "2026-01-01",
    "\\ud800",
    "\ud83d\ude00",
    "*",
    "?",
    "[",
    "\t",
    "\u0000",
    "null",
    "1.5",
    "-0"
  };

  @Test
  void load_mutatedDocument_onlyEverThrowsPolicyException() {
    int loaded = 0;
    int refused = 0;
    for (int i = 0; i < MUTANTS; i++) {
      long seed = SEED + i;
      SplittableRandom random = new SplittableRandom(seed);
      String text = mutate(random.nextBoolean() ? YAML : JSON, random);
      try {
        RulePolicy policy = PolicyLoader.load(text);
        assertThat(policy.hash()).matches("sha256:[0-9a-f]{64}");
        loaded++;
      } catch (PolicyException e) {
        assertThat(e.getMessage()).as("seed %d", seed).isNotBlank();
        refused++;
      } catch (RuntimeException | StackOverflowError e) {
        fail("seed %d: %s on document%n%s", seed, e, text, e);
      }
    }
    assertThat(loaded).as("loaded").isGreaterThan(MUTANTS / 20);
    assertThat(refused).as("refused").isGreaterThan(MUTANTS / 2);
  }

  private static String mutate(String text, SplittableRandom random) {
    StringBuilder out = new StringBuilder(text);
    for (int k = 1 + random.nextInt(3); k > 0; k--) {
      int at = random.nextInt(out.length() + 1);
      switch (random.nextInt(3)) {
        case 0 -> out.insert(at, PIECES[random.nextInt(PIECES.length)]);
        case 1 -> out.delete(at, Math.min(out.length(), at + 1 + random.nextInt(4)));
        default -> {
          if (at < out.length()) {
            out.setCharAt(at, (char) random.nextInt(0x20, 0x7f));
          }
        }
      }
    }
    return out.toString();
  }
}
