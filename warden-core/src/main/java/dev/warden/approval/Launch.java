package dev.warden.approval;

import dev.warden.error.RequestRejected;
import dev.warden.store.ApprovalRequest;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Inside {@link Approvals}: an approved action to run once the approvals lock is released (SPEC
 * §8); empty when the step approved nothing to execute. Its decision is in {@code running} from
 * before its approval entry is durable until its outcome is logged, so a waiter on the decision is
 * answered with the outcome.
 */
final class Launch {
  private final ApprovedActions actions;
  private final Set<String> running;
  private final Waiters waiters;
  private @Nullable ApprovalRequest request;
  private @Nullable String adapter;
  private boolean reserved;

  Launch(ApprovedActions actions, Set<String> running, Waiters waiters) {
    this.actions = actions;
    this.running = running;
    this.waiters = waiters;
  }

  void set(ApprovalRequest request, String adapter, boolean reserved) {
    this.request = request;
    this.adapter = adapter;
    this.reserved = reserved;
  }

  /** Runs the action, if one was approved, and wakes whoever waits for its outcome. */
  void run() throws RequestRejected {
    ApprovalRequest r = request;
    String a = adapter;
    if (r == null || a == null) {
      return;
    }
    try {
      actions.run(r, a, reserved);
    } finally {
      running.remove(r.decisionId());
      waiters.resolved(r.decisionId());
    }
  }
}
