package dev.warden.server.adapter;

/**
 * The {@code adapters:} or {@code secrets:} section of {@code warden.yaml} was refused. The message
 * names the field (a JSON Pointer from the document root, like {@code /adapters/0/url}), what is
 * wrong and how to fix it; it never contains a secret value.
 */
public final class AdapterConfigException extends Exception {

  /** Why the configuration was refused. */
  public enum Reason {
    /** A missing, unknown or wrongly typed field, or a value out of range. */
    SCHEMA,
    /** A URL or header template that is malformed, names an unknown placeholder, or is unsafe. */
    TEMPLATE,
    /**
     * A secret that is badly declared, cannot be read from its source, or has an unusable value.
     */
    SECRET
  }

  private final Reason reason;
  private final String pointer;

  /**
   * @param pointer JSON Pointer of the offending field, from the root of {@code warden.yaml}
   */
  public AdapterConfigException(Reason reason, String pointer, String message) {
    super(pointer + ": " + message);
    this.reason = reason;
    this.pointer = pointer;
  }

  public Reason reason() {
    return reason;
  }

  /** JSON Pointer of the offending field, like {@code /adapters/0/headers/Authorization}. */
  public String pointer() {
    return pointer;
  }
}
