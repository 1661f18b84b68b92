package dev.warden.policy;

import java.util.Optional;

/** Whose counter a budget, quota or rate limit keeps: one per agent, tenant or operator token. */
public enum Scope {
  /** One counter per agent. */
  AGENT("agent"),
  /** One counter per tenant, shared by its agents. */
  TENANT("tenant"),
  /** One counter per operator token (rate limits on the admin API only). */
  OPERATOR("operator");

  private final String wireName;

  Scope(String wireName) {
    this.wireName = wireName;
  }

  /** The lower-case name used in policy documents. */
  public String wireName() {
    return wireName;
  }

  /** The scope whose {@link #wireName()} is exactly {@code name}, if any. */
  public static Optional<Scope> fromWireName(String name) {
    for (Scope s : values()) {
      if (s.wireName.equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
