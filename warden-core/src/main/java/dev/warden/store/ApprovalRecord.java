package dev.warden.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A stored approval: what it is bound to and where it stands.
 *
 * @param approvedBy the distinct subjects who approved so far, in order
 * @param openedIndex the log index of the pending decision entry
 * @param resolvedIndex the log index of the entry that resolved it; null while pending
 * @param resolvedAt when it was resolved; null while pending
 */
public record ApprovalRecord(
    ApprovalRequest request,
    ApprovalState state,
    List<String> approvedBy,
    long openedIndex,
    @Nullable Long resolvedIndex,
    @Nullable Instant resolvedAt) {

  public ApprovalRecord {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(state, "state");
    approvedBy = List.copyOf(approvedBy);
    if ((state == ApprovalState.PENDING) != (resolvedIndex == null)) {
      throw new IllegalArgumentException("exactly a resolved approval has a resolving entry");
    }
  }

  public String decisionId() {
    return request.decisionId();
  }
}
