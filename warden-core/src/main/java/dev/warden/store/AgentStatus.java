package dev.warden.store;

import java.util.Locale;

/** The life of an agent: {@code ACTIVE} until suspended (reversible) or revoked (final). */
public enum AgentStatus {
  ACTIVE,
  SUSPENDED,
  REVOKED;

  /** The lower-case name used in the API, the database and log entries. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@link #wire()}; throws {@link IllegalArgumentException} on anything else. */
  public static AgentStatus fromWire(String s) {
    for (AgentStatus v : values()) {
      if (v.wire().equals(s)) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown agent status: " + s);
  }
}
