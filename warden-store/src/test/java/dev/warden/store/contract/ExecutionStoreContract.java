package dev.warden.store.contract;

import static dev.warden.store.contract.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.store.ExecutionChange;
import dev.warden.store.ExecutionRecord;
import dev.warden.store.ExecutionState;
import dev.warden.store.ExecutionStore;
import dev.warden.store.Store;
import dev.warden.store.StoreException;
import org.junit.jupiter.api.Test;

/**
 * {@link ExecutionStore}: executions started and finished only with the log batch that records
 * them, finished only from {@code in_flight}.
 */
public interface ExecutionStoreContract extends ContractFixture {

  private ExecutionStore executions() {
    return store().executions();
  }

  private static ExecutionChange.Start start(String id) {
    return new ExecutionChange.Start(id, "bot-1", "payments-api");
  }

  @Test
  default void start_withItsEntry_isInFlightAtThatIndexAfterReopen() throws Exception {
    store().log().append(ChainBatch.of(2, "x"));
    store().log().append(ChainBatch.of(2, "a").execution(start("d1"), 1));

    ExecutionRecord e = reopen().executions().find("d1").orElseThrow();

    assertThat(e)
        .isEqualTo(
            new ExecutionRecord(
                "d1", "bot-1", "payments-api", ExecutionState.IN_FLIGHT, 3, null, null));
    assertThat(executions().find("d2")).isEmpty();
  }

  @Test
  default void finish_inFlight_recordsStateIndexAndTime() throws Exception {
    store().log().append(ChainBatch.of(1, "a").execution(start("d1"), 0));
    store()
        .log()
        .append(
            ChainBatch.of(1, "b")
                .execution(new ExecutionChange.Finish("d1", ExecutionState.SUCCEEDED, at(5)), 0));

    ExecutionRecord e = executions().find("d1").orElseThrow();
    assertThat(e.state()).isEqualTo(ExecutionState.SUCCEEDED);
    assertThat(e.finishedIndex()).isEqualTo(1);
    assertThat(e.finishedAt()).isEqualTo(at(5));
  }

  @Test
  default void finish_notInFlight_refusesTheWholeBatchWithAnExecutionConflict() throws Exception {
    store().log().append(ChainBatch.of(1, "a").execution(start("d1"), 0));
    store()
        .log()
        .append(
            ChainBatch.of(1, "b")
                .execution(
                    new ExecutionChange.Finish("d1", ExecutionState.OUTCOME_UNKNOWN, at(1)), 0));

    assertThatThrownBy(
            () ->
                store()
                    .log()
                    .append(
                        ChainBatch.of(1, "c")
                            .execution(
                                new ExecutionChange.Finish("d1", ExecutionState.FAILED, at(2)), 0)))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> assertThat(e.conflict()).isEqualTo(StoreException.Conflict.EXECUTION));
    assertThat(store().log().head().size()).as("nothing of the batch was written").isEqualTo(2);
    assertThat(executions().find("d1").orElseThrow().state())
        .isEqualTo(ExecutionState.OUTCOME_UNKNOWN);
  }

  private static ExecutionChange.Finish resolve(String id, ExecutionState state, long at) {
    return new ExecutionChange.Finish(id, ExecutionState.OUTCOME_UNKNOWN, state, at(at));
  }

  @Test
  default void resolve_outcomeUnknown_becomesTheOperatorsOutcomeAtTheResolvingIndex()
      throws Exception {
    store().log().append(ChainBatch.of(1, "a").execution(start("d1"), 0));
    store()
        .log()
        .append(
            ChainBatch.of(1, "b")
                .execution(
                    new ExecutionChange.Finish("d1", ExecutionState.OUTCOME_UNKNOWN, at(1)), 0));

    store()
        .log()
        .append(ChainBatch.of(1, "c").execution(resolve("d1", ExecutionState.FAILED, 7), 0));

    ExecutionRecord e = reopen().executions().find("d1").orElseThrow();
    assertThat(e.state()).isEqualTo(ExecutionState.FAILED);
    assertThat(e.finishedIndex()).isEqualTo(2);
    assertThat(e.finishedAt()).isEqualTo(at(7));
    assertThat(executions().count(ExecutionState.OUTCOME_UNKNOWN)).isZero();
  }

  @Test
  default void resolve_inFlightOrAlreadyResolved_refusesTheBatch() throws Exception {
    store().log().append(ChainBatch.of(1, "a").execution(start("d1"), 0));

    assertThatThrownBy(
            () ->
                store()
                    .log()
                    .append(
                        ChainBatch.of(1, "b")
                            .execution(resolve("d1", ExecutionState.SUCCEEDED, 2), 0)))
        .as("an in-flight execution is not resolved by an operator")
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> assertThat(e.conflict()).isEqualTo(StoreException.Conflict.EXECUTION));
    store()
        .log()
        .append(
            ChainBatch.of(1, "c")
                .execution(
                    new ExecutionChange.Finish("d1", ExecutionState.OUTCOME_UNKNOWN, at(3)), 0));
    store()
        .log()
        .append(ChainBatch.of(1, "d").execution(resolve("d1", ExecutionState.SUCCEEDED, 4), 0));
    assertThatThrownBy(
            () ->
                store()
                    .log()
                    .append(
                        ChainBatch.of(1, "e")
                            .execution(resolve("d1", ExecutionState.FAILED, 5), 0)))
        .as("resolved once")
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> assertThat(e.conflict()).isEqualTo(StoreException.Conflict.EXECUTION));
    assertThat(executions().find("d1").orElseThrow().state()).isEqualTo(ExecutionState.SUCCEEDED);
    assertThat(store().log().head().size()).isEqualTo(3);
  }

  @Test
  default void resolve_toOutcomeUnknownOrFromAFinalState_isNotAChange() {
    assertThatThrownBy(
            () ->
                new ExecutionChange.Finish(
                    "d1", ExecutionState.OUTCOME_UNKNOWN, ExecutionState.OUTCOME_UNKNOWN, at(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new ExecutionChange.Finish(
                    "d1", ExecutionState.SUCCEEDED, ExecutionState.FAILED, at(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  default void finish_neverStarted_refusesTheBatch() throws Exception {
    assertThatThrownBy(
            () ->
                store()
                    .log()
                    .append(
                        ChainBatch.of(1, "a")
                            .execution(
                                new ExecutionChange.Finish("d9", ExecutionState.FAILED, at(1)), 0)))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> assertThat(e.conflict()).isEqualTo(StoreException.Conflict.EXECUTION));
    assertThat(store().log().head().size()).isZero();
  }

  @Test
  default void start_twice_refusesTheSecondBatch() throws Exception {
    store().log().append(ChainBatch.of(1, "a").execution(start("d1"), 0));

    assertThatThrownBy(() -> store().log().append(ChainBatch.of(1, "b").execution(start("d1"), 0)))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> assertThat(e.conflict()).isEqualTo(StoreException.Conflict.EXECUTION));
    assertThat(executions().find("d1").orElseThrow().startedIndex()).isZero();
  }

  @Test
  default void list_byState_oldestStartFirstAndCounted() throws Exception {
    store().log().append(ChainBatch.of(1, "a").execution(start("d1"), 0));
    store().log().append(ChainBatch.of(1, "b").execution(start("d2"), 0));
    store().log().append(ChainBatch.of(1, "c").execution(start("d3"), 0));
    store()
        .log()
        .append(
            ChainBatch.of(1, "d")
                .execution(new ExecutionChange.Finish("d2", ExecutionState.SUCCEEDED, at(1)), 0));

    assertThat(executions().list(ExecutionState.IN_FLIGHT, 10))
        .extracting(ExecutionRecord::decisionId)
        .containsExactly("d1", "d3");
    assertThat(executions().list(ExecutionState.IN_FLIGHT, 1))
        .extracting(ExecutionRecord::decisionId)
        .containsExactly("d1");
    assertThat(executions().count(ExecutionState.IN_FLIGHT)).isEqualTo(2);
    assertThat(executions().count(ExecutionState.SUCCEEDED)).isEqualTo(1);
    assertThat(executions().count(ExecutionState.FAILED)).isZero();
  }

  @Test
  default void orphaned_neverListsThisReplicasOwnExecutions() throws Exception {
    store().replicas().heartbeat();
    store().log().append(ChainBatch.of(1, "a").execution(start("d1"), 0));

    assertThat(executions().orphaned(10)).isEmpty();
  }

  @Test
  default void orphaned_afterARestart_listsTheStoppedReplicasInFlightExecutionsOnly()
      throws Exception {
    String before = store().replicas().self();
    store().replicas().heartbeat();
    store().log().append(ChainBatch.of(1, "a").execution(start("d1"), 0));
    store().log().append(ChainBatch.of(1, "b").execution(start("d2"), 0));
    store().log().append(ChainBatch.of(1, "c").execution(start("d3"), 0));
    store()
        .log()
        .append(
            ChainBatch.of(1, "d")
                .execution(new ExecutionChange.Finish("d2", ExecutionState.SUCCEEDED, at(1)), 0));

    Store restarted = reopen();
    restarted.replicas().heartbeat();
    restarted.log().append(ChainBatch.of(1, "e").execution(start("d4"), 0));

    assertThat(restarted.replicas().self()).isNotEqualTo(before);
    assertThat(restarted.executions().orphaned(10))
        .extracting(ExecutionRecord::decisionId)
        .containsExactly("d1", "d3");
    assertThat(restarted.executions().orphaned(1))
        .extracting(ExecutionRecord::decisionId)
        .containsExactly("d1");
  }

  @Test
  default void handoff_isTakenOnce_keepsTheFirstPut_andExpires() throws Exception {
    store().handoffs().put("d1", new byte[] {1, 2}, at(60));
    store().handoffs().put("d1", new byte[] {9}, at(60));
    store().handoffs().put("d2", new byte[] {3}, at(10));
    store().handoffs().put("d3", new byte[] {4}, at(10));

    assertThat(store().handoffs().take("d1", at(5)))
        .hasValueSatisfying(b -> assertThat(b).containsExactly(1, 2));
    assertThat(store().handoffs().take("d1", at(5))).as("taken once").isEmpty();
    assertThat(store().handoffs().take("d2", at(10))).as("expired").isEmpty();
    assertThat(store().handoffs().purgeExpired(at(11))).as("d3 only: d2 was deleted").isEqualTo(1);
    assertThat(store().handoffs().take("d3", at(5))).isEmpty();
  }
}
