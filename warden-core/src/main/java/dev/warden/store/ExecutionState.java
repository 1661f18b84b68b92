package dev.warden.store;

import java.util.Locale;

/**
 * Where the execution of an allowed action stands (SPEC §9). Only {@link #IN_FLIGHT} changes; the
 * others are final.
 */
public enum ExecutionState {
  /** The allow is durable and the adapter was (or is about to be) called; no outcome yet. */
  IN_FLIGHT,
  /** The upstream answered 2xx. */
  SUCCEEDED,
  /** The adapter failed or the upstream answered a non-2xx status. */
  FAILED,
  /**
   * Warden stopped (a crash) between the allow and the outcome: the action may or may not have
   * happened. Never re-run; the budget reservation stays.
   */
  OUTCOME_UNKNOWN;

  /** The lower-case name used in entries, the API and the store. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state whose {@link #wire()} is {@code name}. */
  public static ExecutionState fromWire(String name) {
    for (ExecutionState s : values()) {
      if (s.wire().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown execution state " + name);
  }
}
