package dev.warden.policy;

import org.jspecify.annotations.Nullable;

/**
 * A compiled glob: {@code *} matches any run of characters (none, and across {@code .} and {@code
 * /}), {@code ?} matches exactly one character (one Unicode code point), everything else matches
 * itself. Compiled once at load; {@link #matches} allocates nothing and runs in O(pattern × input)
 * at worst, without backtracking explosions.
 *
 * <p>Refused patterns (so that a glob never means something other than it seems): empty, longer
 * than {@value #MAX_LENGTH} characters, {@code **}, control characters, unpaired surrogates, and
 * {@code [ ] { } \}, which are syntax in other glob dialects but would be literal here.
 */
public final class Glob {

  /** Longest accepted pattern, in UTF-16 code units. */
  public static final int MAX_LENGTH = 1024;

  private enum Kind {
    /** No wildcard: equality. */
    EXACT,
    /** Just {@code *}. */
    ANY,
    /** A literal followed by one trailing {@code *}. */
    PREFIX,
    /** Anything else. */
    GENERAL
  }

  private final String pattern;
  private final String literalPrefix;
  private final Kind kind;

  private Glob(String pattern) {
    this.pattern = pattern;
    int firstWildcard = firstWildcard(pattern);
    this.literalPrefix = firstWildcard < 0 ? pattern : pattern.substring(0, firstWildcard);
    if (firstWildcard < 0) {
      kind = Kind.EXACT;
    } else if (pattern.equals("*")) {
      kind = Kind.ANY;
    } else if (firstWildcard == pattern.length() - 1 && pattern.charAt(firstWildcard) == '*') {
      kind = Kind.PREFIX;
    } else {
      kind = Kind.GENERAL;
    }
  }

  /**
   * Compiles {@code pattern}.
   *
   * @throws IllegalArgumentException naming the problem, for a refused pattern
   */
  public static Glob compile(String pattern) {
    if (pattern.isEmpty()) {
      throw new IllegalArgumentException("a glob must not be empty; use \"*\" to match anything");
    }
    if (pattern.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "a glob must be at most " + MAX_LENGTH + " characters, got " + pattern.length());
    }
    if (pattern.contains("**")) {
      throw new IllegalArgumentException(
          "glob \"" + pattern + "\" has \"**\"; a single * already matches across '/' and '.'");
    }
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException(
            String.format("glob has a control character U+%04X at index %d", (int) c, i));
      }
      if ("[]{}\\".indexOf(c) >= 0) {
        throw new IllegalArgumentException(
            "glob \""
                + pattern
                + "\" has '"
                + c
                + "', which is not supported: only * and ? are wildcards");
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < pattern.length()
          && Character.isLowSurrogate(pattern.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException("glob has an unpaired surrogate at index " + i);
      }
    }
    return new Glob(pattern);
  }

  /** The pattern as written. */
  public String pattern() {
    return pattern;
  }

  /** The literal text before the first wildcard; the whole pattern if it has none. */
  public String literalPrefix() {
    return literalPrefix;
  }

  /**
   * True if every string {@code other} matches, this glob matches too; false when that cannot be
   * shown simply (so false does not prove the opposite). Sound by cases: {@code *} covers all; a
   * glob covers itself; a wildcard-free glob is covered by whatever matches it; {@code p*} covers a
   * glob whose literal prefix starts with {@code p}; {@code *s} covers a glob whose literal suffix
   * ends with {@code s}.
   */
  boolean covers(Glob other) {
    if (kind == Kind.ANY || pattern.equals(other.pattern)) {
      return true;
    }
    if (other.kind == Kind.EXACT) {
      return matches(other.pattern);
    }
    if (kind == Kind.PREFIX) {
      return other.literalPrefix.startsWith(literalPrefix);
    }
    if (pattern.charAt(0) == '*' && firstWildcard(pattern.substring(1)) < 0) {
      return other.literalSuffix().endsWith(pattern.substring(1));
    }
    return false;
  }

  /**
   * True if no string matches both this glob and {@code other}; false when that cannot be shown
   * simply. Every string a glob matches starts with its literal prefix and ends with its literal
   * suffix, so globs whose prefixes (or suffixes) are not prefixes (suffixes) of one another are
   * disjoint; a wildcard-free glob is decided exactly.
   */
  boolean disjoint(Glob other) {
    if (kind == Kind.EXACT) {
      return !other.matches(pattern);
    }
    if (other.kind == Kind.EXACT) {
      return !matches(other.pattern);
    }
    String p1 = literalPrefix;
    String p2 = other.literalPrefix;
    String s1 = literalSuffix();
    String s2 = other.literalSuffix();
    return !(p1.startsWith(p2) || p2.startsWith(p1)) || !(s1.endsWith(s2) || s2.endsWith(s1));
  }

  /** The literal text after the last wildcard; the whole pattern if it has none. */
  String literalSuffix() {
    int last = Math.max(pattern.lastIndexOf('*'), pattern.lastIndexOf('?'));
    return pattern.substring(last + 1);
  }

  /** True if {@code input} as a whole matches this glob. */
  public boolean matches(String input) {
    return switch (kind) {
      case EXACT -> pattern.equals(input);
      case ANY -> true;
      case PREFIX -> input.startsWith(literalPrefix);
      case GENERAL -> input.startsWith(literalPrefix) && matchFrom(literalPrefix.length(), input);
    };
  }

  /**
   * Wildcard matching with one backtrack point, the last {@code *} seen: a later star can always
   * absorb what an earlier one would, so retrying only the last star is complete.
   */
  private boolean matchFrom(int start, String input) {
    int p = start;
    int s = start;
    int starP = -1;
    int starS = -1;
    int m = pattern.length();
    int n = input.length();
    while (s < n) {
      if (p < m) {
        char pc = pattern.charAt(p);
        if (pc == '*') {
          starP = p++;
          starS = s;
          continue;
        }
        if (pc == '?') {
          s = nextCodePoint(input, s);
          p++;
          continue;
        }
        if (pc == input.charAt(s)) {
          p++;
          s++;
          continue;
        }
      }
      if (starP < 0) {
        return false;
      }
      // Let the last star absorb one more code point and retry what follows it.
      p = starP + 1;
      starS = nextCodePoint(input, starS);
      s = starS;
    }
    while (p < m && pattern.charAt(p) == '*') {
      p++;
    }
    return p == m;
  }

  private static int nextCodePoint(String s, int i) {
    return Character.isHighSurrogate(s.charAt(i))
            && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))
        ? i + 2
        : i + 1;
  }

  private static int firstWildcard(String pattern) {
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*' || c == '?') {
        return i;
      }
    }
    return -1;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Glob other && pattern.equals(other.pattern);
  }

  @Override
  public int hashCode() {
    return pattern.hashCode();
  }

  @Override
  public String toString() {
    return pattern;
  }
}
