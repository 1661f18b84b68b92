package dev.warden.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The matches of a policy's rules (or budgets), indexed by the literal prefix of their action globs
 * (the text before the first wildcard). An action can only match a glob whose prefix is a prefix of
 * the action, so {@link #matching} looks up the action's prefixes of the lengths that occur in the
 * index and tests only those matches: its time grows with the rules that share a prefix with the
 * action, not with the policy. Immutable and thread-safe.
 */
final class ActionIndex {

  private static final int[] NONE = {};

  private final List<Match> matches;

  /** Literal action prefix to the indexes of the matches with an action glob of that prefix. */
  private final Map<String, int[]> byPrefix = new HashMap<>();

  /** The distinct lengths of the keys of {@link #byPrefix}, ascending. */
  private final int[] prefixLengths;

  ActionIndex(List<Match> matches) {
    this.matches = List.copyOf(matches);
    Map<String, List<Integer>> index = new HashMap<>();
    for (int i = 0; i < this.matches.size(); i++) {
      for (Glob action : this.matches.get(i).actions()) {
        List<Integer> ids = index.computeIfAbsent(action.literalPrefix(), k -> new ArrayList<>());
        // A match with two globs of the same prefix is listed once.
        if (ids.isEmpty() || ids.get(ids.size() - 1) != i) {
          ids.add(i);
        }
      }
    }
    TreeSet<Integer> lengths = new TreeSet<>();
    index.forEach(
        (prefix, ids) -> {
          byPrefix.put(prefix, ids.stream().mapToInt(Integer::intValue).toArray());
          lengths.add(prefix.length());
        });
    this.prefixLengths = lengths.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The indexes of the matches that hold for {@code request}, ascending (document order), each
   * once: a new array the caller may overwrite, or a shared empty one.
   */
  int[] matching(PolicyRequest request) {
    String action = request.action();
    int[] found = NONE;
    int count = 0;
    for (int length : prefixLengths) {
      if (length > action.length()) {
        break;
      }
      int[] candidates = byPrefix.get(action.substring(0, length));
      if (candidates == null) {
        continue;
      }
      for (int i : candidates) {
        if (matches.get(i).matches(request)) {
          if (count == found.length) {
            found = Arrays.copyOf(found, Math.max(4, count * 2));
          }
          found[count++] = i;
        }
      }
    }
    if (count == 0) {
      return NONE;
    }
    // Candidates come prefix by prefix, so restore document order; a match reached through two
    // prefixes appears twice.
    Arrays.sort(found, 0, count);
    int distinct = 0;
    for (int k = 0; k < count; k++) {
      if (distinct == 0 || found[distinct - 1] != found[k]) {
        found[distinct++] = found[k];
      }
    }
    return distinct == found.length ? found : Arrays.copyOf(found, distinct);
  }
}
