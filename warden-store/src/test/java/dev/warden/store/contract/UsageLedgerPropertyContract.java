package dev.warden.store.contract;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@link dev.warden.budget.Ledger} on this store against a sequential model: seeded random runs
 * of reservations (several budgets and quotas, amounts good and bad, limits that change), commits,
 * releases, expiry and purges, checked after every step.
 */
public interface UsageLedgerPropertyContract extends ContractFixture {

  @ParameterizedTest
  @ValueSource(longs = {1L, 42L, 20261122L})
  default void ledger_seededRandomOperations_matchASequentialModel(long seed) throws Exception {
    new UsageModelRun(store().usage(), new SplittableRandom(seed), "seed " + seed).run(400);
  }
}
