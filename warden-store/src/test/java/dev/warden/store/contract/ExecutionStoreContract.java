package dev.warden.store.contract;

import static dev.warden.store.contract.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.store.ExecutionChange;
import dev.warden.store.ExecutionRecord;
import dev.warden.store.ExecutionState;
import dev.warden.store.ExecutionStore;
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
}
