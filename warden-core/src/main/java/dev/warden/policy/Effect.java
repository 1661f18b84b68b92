package dev.warden.policy;

import java.util.Optional;

/** What a policy decides for a request. Deny overrides escalate, which overrides allow. */
public enum Effect {
  /** The action may run. */
  ALLOW("allow", 0),
  /** The action is refused. Overrides every other effect. */
  DENY("deny", 2),
  /** The action waits for human approval. Overrides allow. */
  ESCALATE("escalate", 1);

  private final String wireName;
  private final int strength;

  Effect(String wireName, int strength) {
    this.wireName = wireName;
    this.strength = strength;
  }

  /** The lower-case name used in policy documents, decisions and log entries. */
  public String wireName() {
    return wireName;
  }

  /** The effect whose {@link #wireName()} is exactly {@code name}, if any. */
  public static Optional<Effect> fromWireName(String name) {
    for (Effect effect : values()) {
      if (effect.wireName.equals(name)) {
        return Optional.of(effect);
      }
    }
    return Optional.empty();
  }

  /** True if this effect wins over {@code other} when rules with both match. */
  public boolean overrides(Effect other) {
    return strength > other.strength;
  }
}
