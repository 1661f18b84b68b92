package dev.warden.server.adapter;

import dev.warden.policy.Glob;
import java.util.List;
import java.util.Objects;

/** The checks every {@link AdapterConfig} record makes on its id and action globs. */
final class Identity {
  private Identity() {}

  /** Checks {@code id} against {@link AdapterConfig#ID}; returns an immutable non-empty copy. */
  static List<Glob> checked(String id, List<Glob> actions) {
    if (!AdapterConfig.ID.matcher(Objects.requireNonNull(id, "id")).matches()) {
      throw new IllegalArgumentException(
          "adapter id \"" + id + "\" does not match " + AdapterConfig.ID);
    }
    if (actions.isEmpty()) {
      throw new IllegalArgumentException("an adapter serves at least one action glob");
    }
    return List.copyOf(actions);
  }
}
