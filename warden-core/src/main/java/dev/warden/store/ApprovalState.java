package dev.warden.store;

import java.util.Locale;

/**
 * Where an escalated decision's approval stands (SPEC §8). Only {@link #PENDING} changes; the
 * others are final.
 */
public enum ApprovalState {
  /** Waiting for approvers. */
  PENDING,
  /** Enough distinct approvers approved: the action may run. */
  APPROVED,
  /** An approver rejected it, or it could not be allowed on approval (a budget): a deny. */
  REJECTED,
  /** Nobody decided before its TTL ran out: a deny. */
  EXPIRED;

  /** The lower-case name used in entries, the API and the store. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state whose {@link #wire()} is {@code name}. */
  public static ApprovalState fromWire(String name) {
    for (ApprovalState s : values()) {
      if (s.wire().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown approval state " + name);
  }
}
