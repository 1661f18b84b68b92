package dev.warden.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.approval.ApprovedActions;
import dev.warden.budget.Ledger;
import dev.warden.budget.Settlements;
import dev.warden.error.RequestRejected;
import dev.warden.log.Entries;
import dev.warden.log.GroupCommitLog;
import dev.warden.store.ApprovalRequest;
import dev.warden.store.ExecutionState;
import dev.warden.store.ExecutionStore;
import dev.warden.store.LogStore;
import dev.warden.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import org.jspecify.annotations.Nullable;

/**
 * The act stage for approved escalations of {@code POST /v1/actions} (SPEC §8): the same adapter
 * call, outcome entry and settlement as an allowed action ({@link ActStage}), started by the
 * approval entry instead of an allow entry.
 */
public final class ApprovedExecutions implements ApprovedActions {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ActStage stage;
  private final ExecutionStore executions;

  public ApprovedExecutions(
      ActionRunner runner,
      ExecutionStore executions,
      LogStore logStore,
      Entries entries,
      GroupCommitLog log,
      Ledger ledger,
      Settlements settlements,
      Clock clock) {
    this.executions = executions;
    this.stage =
        new ActStage(
            runner,
            executions,
            logStore,
            entries,
            log,
            new BudgetStage(ledger, settlements),
            clock);
  }

  @Override
  public @Nullable String adapterFor(String action) {
    return stage.adapterFor(action);
  }

  @Override
  public boolean executing(String decisionId) throws StoreException {
    return executions
        .find(decisionId)
        .map(e -> e.state() == ExecutionState.IN_FLIGHT)
        .orElse(false);
  }

  @Override
  public void run(ApprovalRequest request, String adapter, boolean reserved)
      throws RequestRejected {
    stage.execute(subject(request), adapter, reserved);
  }

  private static Entries.Subject subject(ApprovalRequest r) {
    JsonNode body;
    try {
      body = JSON.readTree(r.request());
    } catch (IOException e) {
      throw new UncheckedIOException("a stored approval request is not JSON", e);
    }
    return new Entries.Subject(
        r.decisionId(),
        r.agentId(),
        r.tenant(),
        "",
        r.action(),
        r.resource(),
        r.requestDigest(),
        body);
  }
}
