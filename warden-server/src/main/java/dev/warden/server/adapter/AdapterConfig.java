package dev.warden.server.adapter;

import dev.warden.policy.Glob;
import java.util.List;
import java.util.regex.Pattern;

/** One entry of the {@code adapters:} list: which actions it serves and how it executes them. */
public sealed interface AdapterConfig permits AdapterConfig.None, HttpAdapterConfig {

  /** Adapter ids: 1 to 64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit. */
  Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  /** The adapter's id, unique in the configuration. */
  String id();

  /** The action globs it serves, in configuration order; never empty. */
  List<Glob> actions();

  /** True if one of {@link #actions} matches {@code action}. */
  default boolean serves(String action) {
    for (Glob g : actions()) {
      if (g.matches(action)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Type {@code none}: Warden decides and executes nothing. The receipt is the agent's warrant for
   * a downstream executor, which verifies it offline (SPEC §9).
   */
  record None(String id, List<Glob> actions) implements AdapterConfig {
    public None {
      actions = Identity.checked(id, actions);
    }
  }
}
