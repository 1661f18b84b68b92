package dev.warden.policy;

import java.util.List;
import java.util.Map;

/**
 * Conservative relations between matches, for {@link PolicyCheck}: {@link #covers} is true only
 * when every request one match selects is provably selected by the other, and {@link #disjoint}
 * only when no request can be selected by both. Both answer false when unsure, so a finding built
 * on them is never a false alarm; some real cases go unreported.
 */
final class MatchCoverage {

  private MatchCoverage() {}

  /** True if every request {@code inner} selects, {@code outer} provably selects too. */
  static boolean covers(Match outer, Match inner) {
    if (!coversAll(outer.actions(), inner.actions())
        || !coversAll(outer.resources(), inner.resources())
        || !coversAny(outer.agents(), inner.agents())
        || !coversAny(outer.tenants(), inner.tenants())) {
      return false;
    }
    for (Map.Entry<String, Glob> label : outer.labels().entrySet()) {
      // A label outer requires but inner does not constrain: inner selects requests without it.
      Glob required = inner.labels().get(label.getKey());
      if (required == null || !label.getValue().covers(required)) {
        return false;
      }
    }
    return true;
  }

  /** True if no request can be selected by both {@code a} and {@code b}. */
  static boolean disjoint(Match a, Match b) {
    if (disjointAll(a.actions(), b.actions())
        || disjointAll(a.resources(), b.resources())
        || (!a.agents().isEmpty() && !b.agents().isEmpty() && disjointAll(a.agents(), b.agents()))
        || (!a.tenants().isEmpty()
            && !b.tenants().isEmpty()
            && disjointAll(a.tenants(), b.tenants()))) {
      return true;
    }
    for (Map.Entry<String, Glob> label : a.labels().entrySet()) {
      Glob other = b.labels().get(label.getKey());
      if (other != null && label.getValue().disjoint(other)) {
        return true;
      }
    }
    return false;
  }

  /** Each glob of {@code inner} is covered by one glob of {@code outer}. */
  private static boolean coversAll(List<Glob> outer, List<Glob> inner) {
    for (Glob b : inner) {
      if (outer.stream().noneMatch(a -> a.covers(b))) {
        return false;
      }
    }
    return true;
  }

  /** As {@link #coversAll}, where an empty list means "any value". */
  private static boolean coversAny(List<Glob> outer, List<Glob> inner) {
    if (outer.isEmpty()) {
      return true;
    }
    if (inner.isEmpty()) {
      return outer.stream().anyMatch(a -> a.pattern().equals("*"));
    }
    return coversAll(outer, inner);
  }

  /** No glob of {@code a} shares a string with a glob of {@code b}. */
  private static boolean disjointAll(List<Glob> a, List<Glob> b) {
    for (Glob x : a) {
      for (Glob y : b) {
        if (!x.disjoint(y)) {
          return false;
        }
      }
    }
    return true;
  }
}
