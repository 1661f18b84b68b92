package dev.warden.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.approval.Approvals;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.log.GroupCommitLog;
import dev.warden.store.DecisionRef;
import dev.warden.store.LogStore;
import dev.warden.store.StoreException;
import dev.warden.store.StoredEntry;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Decisions as the log holds them, rendered as the agent is answered: the entry with its receipt,
 * and for an escalation the entry that resolved its approval once there is one. The read side of
 * {@link DecisionPipeline}.
 */
final class LoggedDecisions {
  private final LogStore logStore;
  private final Receipts receipts;
  private final Approvals approvals;

  LoggedDecisions(LogStore logStore, Receipts receipts, Approvals approvals) {
    this.logStore = logStore;
    this.receipts = receipts;
    this.approvals = approvals;
  }

  /** The answer body of the logged {@code entry} at {@code index}: the entry and its receipt. */
  byte[] render(byte[] entry, long index) throws StoreException {
    return DecisionView.render(entry, index, receipts.receipt(entry, index));
  }

  /**
   * The answer body of an entry just appended, from the tree it was made of ({@code entry} is its
   * canonical bytes): its receipt from the batch, without a store read or a parse.
   */
  byte[] render(ObjectNode node, byte[] entry, GroupCommitLog.Appended appended)
      throws StoreException {
    return DecisionView.render(node, appended.index(), receipts.receipt(node, entry, appended));
  }

  /** Decision {@code decisionId} as it stands; {@code request.not_found} when there is none. */
  DecisionResponse byId(String decisionId) throws RequestRejected, StoreException {
    DecisionRef ref =
        logStore
            .findDecision(decisionId)
            .orElseThrow(
                () ->
                    new RequestRejected(ErrorCode.REQUEST_NOT_FOUND, "no decision " + decisionId));
    return current(ref);
  }

  /** The decision an idempotency record points to, answered as a replay. */
  DecisionResponse replayed(String decisionId) throws StoreException {
    DecisionRef ref =
        logStore
            .findDecision(decisionId)
            .orElseThrow(
                () ->
                    new IllegalStateException("idempotency record without decision " + decisionId));
    return render(ref, true);
  }

  /** The decision as it stands: its resolving approval entry once there is one. */
  DecisionResponse current(DecisionRef ref) throws StoreException {
    Long resolved = approvalResolution(ref.decisionId());
    return resolved == null
        ? render(ref, false)
        : render(new DecisionRef(ref.decisionId(), ref.agentId(), resolved), false);
  }

  /** The index of the entry that resolved {@code decisionId}'s approval; null if none (yet). */
  @Nullable Long approvalResolution(String decisionId) throws StoreException {
    try {
      return approvals.find(decisionId).resolvedIndex();
    } catch (RequestRejected notEscalated) {
      return null;
    }
  }

  private DecisionResponse render(DecisionRef ref, boolean replayed) throws StoreException {
    List<StoredEntry> e = logStore.read(ref.index(), ref.index() + 1);
    if (e.isEmpty()) {
      throw new StoreException(
          StoreException.Kind.CORRUPT, "decision " + ref.decisionId() + " points past the log");
    }
    byte[] entry = e.get(0).entry();
    int status = DecisionView.status(DecisionView.decisionOf(entry));
    return new DecisionResponse(
        status, render(entry, ref.index()), ref.decisionId(), replayed, Map.of());
  }
}
