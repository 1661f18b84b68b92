package dev.warden.policy;

import java.util.OptionalInt;

/**
 * A policy document (or a CASES document of expected decisions, {@link PolicyCases}) was refused.
 * The message names the line (for YAML) and the field (a JSON Pointer into the document) and says
 * what is wrong; a refused policy is never activated.
 */
public final class PolicyException extends Exception {

  /** Why the document was refused. */
  public enum Reason {
    /** Not well-formed YAML or strict JSON. */
    SYNTAX,
    /**
     * Well-formed, but uses YAML that has no plain JSON meaning (anchors, aliases, tags, merge
     * keys, dates, YAML 1.1 booleans or numbers) or is ambiguous between YAML versions.
     */
    UNSUPPORTED_YAML,
    /** Not a policy: a missing, unknown or wrongly typed field, a bad glob, a duplicate rule id. */
    SCHEMA,
    /**
     * A rule's {@code when} condition is not a valid CEL expression: it does not parse, does not
     * type-check as a bool, selects a field its variable does not have, or names an unknown budget.
     */
    CEL
  }

  private final Reason reason;
  private final String pointer;
  private final int line;

  /**
   * @param pointer JSON Pointer of the offending field ({@code ""} for the whole document)
   * @param line 1-based line in the document, or 0 when unknown
   */
  public PolicyException(Reason reason, String pointer, int line, String message) {
    super(message);
    this.reason = reason;
    this.pointer = pointer;
    this.line = line;
  }

  public Reason reason() {
    return reason;
  }

  /** JSON Pointer of the offending field; {@code ""} is the whole document. */
  public String pointer() {
    return pointer;
  }

  /** The 1-based line of the problem in a YAML document, when known. */
  public OptionalInt line() {
    return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
  }
}
